"""A scanned page's CPU by named step, each step's own time (the steps it calls counted apart).

``python -m bench.perf_steps --corpus DIR [--lang en] [--every 2] [--json F]``

Where ``bench.perf_profile`` splits a page into networks and "other", this
wraps the engine's stage functions and the recognizer's parts by name and
counts each one's CPU (``time.process_time``) without the wrapped steps it
calls, so the shares add up to the page. No profiler: Python-heavy steps are
not inflated against the networks. One engine, one thread, this process only.
"""
from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

from bench.real_accuracy import load_corpus

# The engine's stages as pipeline.engine calls them (module attributes, so the wrappers take effect).
ENGINE_STEPS = ("render_page", "detect_upright", "recognize_upright", "reread_unsure", "add_lone_marks",
                "page_punctuation", "page_glyphs", "assemble_lines", "ink_styles", "page_blocks", "text_with_tables")
# line_crops: the lines' crops, for the recognizer and the page checks alike (each cut once a page).
UPRIGHT_STEPS = ("_level", "_crop", "crowded", "line_crops")


class SelfTime:
    """Each wrapped callable's CPU seconds less those of wrapped callables inside it."""

    def __init__(self):
        self.totals: collections.Counter = collections.Counter()
        self._inner: list[float] = []

    def wrap(self, owner, attr: str, label: str) -> None:
        fn = getattr(owner, attr)

        def timed(*args, **kwargs):
            t0 = time.process_time()
            self._inner.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.process_time() - t0
                self.totals[label] += spent - self._inner.pop()
                if self._inner:
                    self._inner[-1] += spent
        setattr(owner, attr, timed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_steps", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1, help="only every n-th page")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    import pipeline.engine as engine_module
    import pipeline.ingest as ingest
    import pipeline.recognize as recognize
    import pipeline.upright as upright
    from pipeline import Engine, EngineConfig, Options, open_document

    engine = Engine(EngineConfig(threads=1))
    clock = SelfTime()
    for label, model in (("detector network", engine.detector), ("recognizer network", engine.recognizer),
                         ("second opinion network", engine.second_recognizer)):
        if model is not None:
            clock.wrap(model.session, "run", label)
    for label, model in (("", engine.recognizer), (" (second opinion)", engine.second_recognizer)):
        if model is not None:
            clock.wrap(model, "_resize", "resize" + label)
            clock.wrap(model.decoder, "decode", "ctc decode" + label)
    clock.wrap(recognize, "mend_line", "mend_line")
    for name in ENGINE_STEPS:
        clock.wrap(engine_module, name, name)
    for name in UPRIGHT_STEPS:
        clock.wrap(upright, name, name)
    clock.wrap(ingest.Document, "_decode_grey_png", "PNG decode")

    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    total = 0.0
    for page in pages:
        data = (args.corpus / page["images"][args.variant]).read_bytes()
        t0 = time.process_time()
        with open_document(data) as doc:
            engine.process_page(doc, 1, Options(mode="ocr"))
        total += time.process_time() - t0
    shares = {label: spent / total for label, spent in clock.totals.most_common()}
    shares["rest (process_page, the result, opening the file)"] = 1 - sum(shares.values())
    print(f"{len(pages)} pages, {total:.2f} CPU s ({total / len(pages):.3f} s a page); each step's own share:")
    for label, share in shares.items():
        print(f"  {100 * share:5.1f} %  {label}")
    if args.json:
        args.json.write_text(json.dumps({"pages": len(pages), "cpu_s": total, "shares": shares}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
