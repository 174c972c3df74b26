"""How many times the recognizer networks run on a page, on what, and for whom.

``python -m bench.network_runs --corpus DIR [--lang en] [--variant scan] [--every 1] [--only ID,ID] [--json F]``

Every page runs through one engine (one thread) as it always does; each run of the page's recognizer ("rec") and
of the larger one ("second") is timed (``time.process_time``) and put down with its input's width, a hash of the
network's input and the engine function that asked for it (the first frame outside the recognizer's own modules).
A run whose input (same network, same bytes) was already run on the page is a repeat: its output is the same.
What the runs' readings came to is counted too: lines read again smoothed (by either network) and how many of those
readings were taken, lines the larger network read again and how many of its readings were taken.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import time
import traceback
from pathlib import Path

from bench.real_accuracy import load_corpus

_OWN = ("recognize.py", "smoothed_small_print.py", "onnx_session.py", "network_runs.py", "page_rereads.py")


class RunLog:
    """The engine's two recognizer sessions watched, and what the smoothed re-reads and the second opinion kept."""

    def __init__(self, engine):
        import pipeline.engine as engine_module
        import pipeline.recognize as recognize

        self.runs: list[dict] = []
        self.kept: collections.Counter = collections.Counter()
        for name, rec in (("rec", engine.recognizer), ("second", engine.second_recognizer)):
            if rec is not None:
                rec.session.run = self._watch(name, rec.session.run)
        smoothed, reread = recognize.reread_smoothed, engine_module.reread_unsure
        log = self

        def counted_smoothed(read, crops, lines, line_ink=None):
            asked = []
            out = smoothed(lambda *args: asked.append(len(args[0])) or read(*args), crops, lines, line_ink)
            names = {f.name for f in traceback.extract_stack()}
            net = "rec" if "recognize_upright" in names else "second" if "reread_unsure" in names else "other callers'"
            log.kept[f"{net} smoothed lines read"] += sum(asked)
            log.kept[f"{net} smoothed readings taken"] += sum(a is not b for a, b in zip(out, lines))
            return out

        def counted_reread(decoded, crops_of, recognizer, settings):
            before = len(log.runs)
            out = reread(decoded, crops_of, recognizer, settings)
            log.kept["second opinion runs"] += len(log.runs) - before
            log.kept["second opinion lines taken"] += sum(a is not b for a, b in zip(out, decoded))
            log.kept["second opinion lines taken, other text"] += sum(a.text != b.text for a, b in zip(out, decoded))
            return out
        recognize.reread_smoothed = counted_smoothed
        engine_module.reread_unsure = counted_reread

    def _watch(self, name, run):
        def watched(x):
            frames = [f for f in traceback.extract_stack()[:-1] if Path(f.filename).name not in _OWN]
            caller = f"{Path(frames[-1].filename).stem}.{frames[-1].name}"
            smoothed = any(Path(f.filename).name == "smoothed_small_print.py" for f in traceback.extract_stack())
            key = hashlib.blake2b(x.tobytes() + str(x.shape).encode(), digest_size=12).hexdigest()
            t = time.process_time()
            out = run(x)
            self.runs.append({"net": name, "caller": caller, "smoothed": smoothed, "width": int(x.shape[3]),
                              "batch": int(x.shape[0]), "key": key, "cpu_s": time.process_time() - t})
            return out
        return watched


def summary(runs: list[dict]) -> dict:
    seen: set = set()
    out: dict = collections.defaultdict(lambda: {"runs": 0, "width": 0, "cpu_s": 0.0, "repeats": 0, "repeat_cpu_s": 0.0})
    for r in runs:
        k = f"{r['net']} {r['caller']}{' (smoothed)' if r['smoothed'] else ''}"
        e = out[k]
        e["runs"] += 1
        e["width"] += r["width"]
        e["cpu_s"] += r["cpu_s"]
        if (r["net"], r["key"]) in seen:
            e["repeats"] += 1
            e["repeat_cpu_s"] += r["cpu_s"]
        seen.add((r["net"], r["key"]))
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.network_runs", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/realcorpus"))
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--only", default=None, help="page ids, comma-separated")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from pipeline import Engine, EngineConfig, Options, open_document

    engine = Engine(EngineConfig(threads=1))
    log = RunLog(engine)
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][args.offset:: args.every]
    if args.only:
        pages = [p for p in pages if p["id"] in args.only.split(",")]
    total: dict = collections.defaultdict(collections.Counter)
    per_page, page_cpu = {}, 0.0
    for p in pages:
        log.runs = []
        t = time.process_time()
        with open_document((args.corpus / p["images"][args.variant]).read_bytes()) as doc:
            engine.process_page(doc, 1, Options(mode="ocr"))
        cpu = time.process_time() - t
        page_cpu += cpu
        s = summary(log.runs)
        per_page[p["id"]] = {"cpu_s": cpu, "by_caller": s, "runs": log.runs}
        for k, v in s.items():
            total[k].update(v)
        print(f"{p['id']:30s} cpu {cpu:6.2f} s, runs {len(log.runs)}, repeats {sum(v['repeats'] for v in s.values())}",
              flush=True)
    print(f"\n{len(pages)} pages, CPU {page_cpu:.2f} s; " + ", ".join(f"{k} {v}" for k, v in sorted(log.kept.items())))
    print(f"{'net / caller':60s} {'runs':>6s} {'width':>8s} {'cpu s':>8s} {'share':>6s} {'repeats':>8s} {'rep cpu':>8s}")
    for k, v in sorted(total.items(), key=lambda kv: -kv[1]["cpu_s"]):
        print(f"{k:60s} {v['runs']:6d} {v['width']:8d} {v['cpu_s']:8.2f} {100 * v['cpu_s'] / page_cpu:5.1f}% "
              f"{v['repeats']:8d} {v['repeat_cpu_s']:8.2f}")
    if args.json:
        args.json.write_text(json.dumps(per_page))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
