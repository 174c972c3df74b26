"""Where a scanned page's CPU time goes: per stage, and per ONNX operator.

``python -m bench.perf_profile --corpus DIR [--lang en] [--every 3] [--ort-profile OUT]``

One engine, one thread, in this process. CPU seconds (``time.process_time``)
are counted around the detector network, the recognizer network, the rest
of recognition (resize, CTC decoding, spacing), and the page as a whole; what
is left is render, preprocessing, cropping and layout. With ``--ort-profile``
ONNX Runtime's own profiler is switched on and its per-operator totals are
printed (the profiler adds overhead: use it for shares, not for totals).
"""
from __future__ import annotations

import argparse
import collections
import json
import statistics
import time
from pathlib import Path

from bench.real_accuracy import load_corpus


class CpuMeter:
    """Counts process CPU seconds spent inside wrapped callables (not re-entrant per name)."""

    def __init__(self):
        self.totals: dict[str, float] = collections.defaultdict(float)

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.totals[name] += time.process_time() - t0
        return timed

    def take(self) -> dict[str, float]:
        out = dict(self.totals)
        self.totals.clear()
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1, help="only every n-th page")
    parser.add_argument("--ort-profile", type=Path, default=None, help="ORT profile files go here")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    import onnxruntime as ort

    from pipeline import Engine, EngineConfig, Options, open_document
    from pipeline import onnx_session

    if args.ort_profile:
        args.ort_profile.mkdir(parents=True, exist_ok=True)
        original = ort.SessionOptions

        def profiling_options():
            opts = original()
            opts.enable_profiling = True
            opts.profile_file_prefix = str(args.ort_profile / "ort")
            return opts
        onnx_session.ort.SessionOptions = profiling_options  # type: ignore[attr-defined]

    engine = Engine(EngineConfig(threads=1))
    meter = CpuMeter()
    for part, obj in (("det", engine.detector), ("rec", engine.recognizer), ("so", engine.second_recognizer)):
        if obj is not None:
            obj.session.run = meter.wrap(f"{part}_net", obj.session.run)
    # __call__ is looked up on the class, so the classes are wrapped (this process only); the second
    # opinion's recognizer is of the same class and is counted apart.
    rec_cls = type(engine.recognizer)
    rec_call = rec_cls.__call__
    by_model = {"rec_all": meter.wrap("rec_all", rec_call), "so_all": meter.wrap("so_all", rec_call)}
    rec_cls.__call__ = lambda self, crops: by_model["so_all" if self is engine.second_recognizer else "rec_all"](self, crops)
    det_cls = type(engine.detector)
    det_cls.__call__ = meter.wrap("det_all", det_cls.__call__)

    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    options = Options(mode="ocr")
    rows = []
    for page in pages:
        data = (args.corpus / page["images"][args.variant]).read_bytes()
        t0 = time.process_time()
        with open_document(data) as doc:
            engine.process_page(doc, 1, options)
        total = time.process_time() - t0
        parts = meter.take()
        row = {"page": page["id"], "lang": page["lang"], "total": total, **parts}
        rows.append(row)
        print(f"{page['id']:32s} total {total:.3f}  det {parts.get('det_net', 0):.3f}/{parts.get('det_all', 0):.3f}"
              f"  rec {parts.get('rec_net', 0):.3f}/{parts.get('rec_all', 0):.3f}"
              f"  second {parts.get('so_net', 0):.3f}/{parts.get('so_all', 0):.3f}", flush=True)

    def med(key):
        return statistics.median(r.get(key, 0.0) for r in rows)

    def mean(key):
        return statistics.fmean(r.get(key, 0.0) for r in rows)

    n = len(rows)
    print(f"\n{n} pages; CPU s per page (median / mean)")
    summary = {}
    for key, label in (("total", "page"), ("det_net", "detector network"), ("det_all", "detection incl. post-processing"),
                       ("rec_net", "recognizer network"), ("rec_all", "recognition incl. resize+decode+spacing"),
                       ("so_net", "second opinion network"), ("so_all", "second opinion incl. resize+decode")):
        summary[key] = (med(key), mean(key))
        print(f"  {label:42s} {med(key):.3f} / {mean(key):.3f}  ({100 * mean(key) / mean('total'):.0f} % of mean)")
    rest = mean("total") - mean("det_all") - mean("rec_all") - mean("so_all")
    print(f"  {'other (render, preprocess, crop, layout)':42s}   –   / {rest:.3f}  ({100 * rest / mean('total'):.0f} %)")
    if args.ort_profile:
        for part, obj in (("det", engine.detector), ("rec", engine.recognizer), ("so", engine.second_recognizer)):
            if obj is None:
                continue
            path = obj.session._session.end_profiling()
            print(f"\n{part}: per-operator time from {path}")
            ops: dict[str, float] = collections.defaultdict(float)
            for ev in json.loads(Path(path).read_text()):
                if ev.get("cat") == "Node" and ev["name"].endswith("_kernel_time"):
                    ops[ev["args"].get("op_name", "?")] += ev["dur"]
            tot = sum(ops.values()) or 1
            for op, us in sorted(ops.items(), key=lambda kv: -kv[1])[:12]:
                print(f"  {op:28s} {us / 1e6:8.2f} s  {100 * us / tot:5.1f} %")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
