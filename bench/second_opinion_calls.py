"""The second opinion's calls on real pages: what each re-read line cost and bought, and whether it could be told beforehand.

``python -m bench.second_opinion_calls --corpus DIR [--lang en] [--variant scan] [--every 1] [--only ID,ID] [--json F]``

Every page runs through one engine (one thread) as it always does, with each run of the larger recognizer timed
(``time.process_time``) and each call of it counted by the function that made it (``reread_unsure``, lone marks,
faint citations, logos) with a hash of each crop (a crop read twice on a page is a repeat). For the lines
``reread_unsure`` reads again: the first reading (text, mean and least character confidence, characters under
0.9), the crop's size, whether it is of the fairly sure small-print set, the second reading and whether it was
taken; and its errors against the page's truth, first and second reading each aligned to the truth where it fits
best (whitespace-free, ``_errors``). Then the page is read again three ways, the networks' outputs memoised so
only the rest of the engine runs again: second readings that read as the first kept as the first, no second
opinion, the small-print set not read again; each page text scored (``bench.realdocs.score``) and compared.

The larger network's time is split over the lines by their input widths (its cost is linear in width); runs
past a call's own crops are its reading of small print's smoothed crops.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import time
import traceback
from pathlib import Path

import numpy as np

from bench.real_accuracy import load_corpus
from bench.realdocs.score import score

ABLATIONS = ("same_kept", "off", "small_off")
_OWN = ("recognize.py", "smoothed_small_print.py", "second_opinion_calls.py")


def _errors(line: str, truth: str) -> int:
    """Edit distance of ``line`` to the stretch of ``truth`` it fits best (both without whitespace)."""
    a = [ord(c) for c in re.sub(r"\s", "", line)]
    b = np.array([ord(c) for c in re.sub(r"\s", "", truth)])
    if not a:
        return 0
    at = np.arange(len(b) + 1)
    prev = np.zeros(len(b) + 1)  # free start anywhere in the truth
    for i, ch in enumerate(a, 1):
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[:-1] + (b != ch), prev[1:] + 1)
        prev = np.minimum.accumulate(cur - at) + at  # insertions along the row
    return int(prev.min())  # free end


class Recorder:
    """The engine's larger recognizer and second opinion watched; its networks' outputs memoised per page."""

    def __init__(self, engine):
        import pipeline.engine as engine_module
        import pipeline.second_opinion as second_opinion
        from pipeline.recognize import TextRecognizer

        self.engine, self.mode = engine, "normal"
        self.memo: dict = {}
        self.calls: list[dict] = []
        self.runs: list[dict] = []
        self.reads = self.before = self.after = None
        for name, session in (("det", engine.detector.session), ("rec", engine.recognizer.session),
                              ("second", engine.second_recognizer.session)):
            session.run = self._run(name, session.run)
        call, read, reread = TextRecognizer.__call__, second_opinion._read, engine_module.reread_unsure
        rec = self

        def counted(recognizer, crops, *args, **kwargs):
            if recognizer is not engine.second_recognizer or rec.mode != "normal":
                return call(recognizer, crops, *args, **kwargs)
            frames = [f for f in traceback.extract_stack()[:-1] if Path(f.filename).name not in _OWN and f.name != "_read"]
            entry = {"caller": f"{Path(frames[-1].filename).stem}.{frames[-1].name}", "n": len(crops),
                     "hashes": [hashlib.blake2b(np.ascontiguousarray(c).tobytes() + str(c.shape).encode(),
                                                digest_size=8).hexdigest() for c in crops]}
            rec.calls.append(entry)
            t = time.process_time()
            out = call(recognizer, crops, *args, **kwargs)
            entry["cpu_s"] = time.process_time() - t
            return out

        def reading(recognizer, firsts, *args, **kwargs):
            out = read(recognizer, firsts, *args, **kwargs)
            if rec.mode == "normal":
                rec.reads = [*(rec.reads or []), *zip(firsts, out)]
            return out

        def rereading(decoded, crops_of, recognizer, settings):
            if rec.mode == "off":
                return decoded
            out = reread(decoded, crops_of, recognizer, settings)
            if rec.mode == "normal":
                rec.before, rec.after = list(decoded), list(out)
            elif rec.mode == "same_kept":
                out = [d if o.text == d.text else o for d, o in zip(decoded, out)]
            elif rec.mode == "small_off":
                out = [d if i in rec.small else o for i, (d, o) in enumerate(zip(decoded, out))]
            return out
        TextRecognizer.__call__ = counted
        second_opinion._read = reading
        engine_module.reread_unsure = rereading

    def _run(self, name, run):
        def memoised(x):
            key = (name, x.shape, hashlib.blake2b(x.tobytes(), digest_size=16).digest())
            t = time.process_time()
            if key not in self.memo:
                self.memo[key] = run(x)
            if name == "second" and self.mode == "normal":
                self.runs.append({"width": int(x.shape[3]), "cpu_s": time.process_time() - t, "call": len(self.calls) - 1})
            return self.memo[key]
        return memoised

    def page(self, data: bytes, truth: str) -> dict:
        from pipeline import Options, open_document
        from pipeline.punctuation import is_cjk
        from pipeline.second_opinion import unsure_within_budget

        self.mode, self.memo, self.calls, self.runs, self.reads = "normal", {}, [], [], None
        t = time.process_time()
        with open_document(data) as doc:
            text = self.engine.process_page(doc, 1, Options(mode="ocr")).text
        cpu = time.process_time() - t
        lines = []
        if self.reads:
            unsure = set(unsure_within_budget(self.before, self.engine.config.second_opinion))
            index = {id(d): i for i, d in enumerate(self.before)}
            for first, again in self.reads:
                i = index[id(first)]
                taken = self.after[i] is not self.before[i]
                e1 = _errors(first.text, truth)
                lines.append({"i": i, "first": first.text, "conf": first.confidence, "steps": first.steps,
                              "least": min((c.confidence for c in first.chars), default=0.0),
                              "under_0.9": sum(c.confidence < 0.9 for c in first.chars), "chars": len(first.chars),
                              "cjk": any(is_cjk(c.char) for c in first.chars), "small": i not in unsure,
                              "second": None if again is None else again.text, "taken": taken, "errors_first": e1,
                              "errors_second": e1 if again is None or again.text == first.text else _errors(again.text, truth)})
        self.small = {line["i"] for line in lines if line["small"]}
        texts = {"normal": text}
        for mode in ABLATIONS:
            self.mode = mode
            with open_document(data) as doc:
                texts[mode] = self.engine.process_page(doc, 1, Options(mode="ocr")).text
        hashes = collections.Counter(h for c in self.calls for h in c["hashes"])
        return {"cpu_s": cpu, "second_cpu_s": sum(r["cpu_s"] for r in self.runs), "runs": self.runs,
                "calls": [{k: v for k, v in c.items() if k != "hashes"} for c in self.calls],
                "repeats": sum(n - 1 for n in hashes.values()), "lines": lines,
                "cer_free": {m: score(truth, t)["cer_free"] for m, t in texts.items()},
                "changed": {m: texts[m] != text for m in ABLATIONS}}


def split_cpu(page: dict) -> dict[str, float]:
    """The larger network's CPU of the page by what it read: lines by set and outcome, smoothed runs, other callers."""
    out: collections.Counter = collections.Counter()
    for k, call in enumerate(page["calls"]):
        runs = [r for r in page["runs"] if r["call"] == k]
        if call["caller"] != "second_opinion.reread_unsure":
            out[call["caller"]] += sum(r["cpu_s"] for r in runs)
            continue
        own, extra = runs[:call["n"]], runs[call["n"]:]
        out["smoothed crops' runs"] += sum(r["cpu_s"] for r in extra)
    reread = [k for k, c in enumerate(page["calls"]) if c["caller"] == "second_opinion.reread_unsure"]
    own_cpu = sum(r["cpu_s"] for k in reread for r in [r for r in page["runs"] if r["call"] == k][:page["calls"][k]["n"]])
    width = sum(line["steps"] for line in page["lines"]) or 1
    for line in page["lines"]:
        kind = ("small" if line["small"] else "unsure") + (" same text" if line["first"] == line["second"] else " other text")
        out[kind + (" taken" if line["taken"] else " not taken")] += own_cpu * line["steps"] / width
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.second_opinion_calls", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/realcorpus"))
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--only", default=None, help="page ids, comma-separated")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from pipeline import Engine, EngineConfig

    engine = Engine(EngineConfig(threads=1))
    recorder = Recorder(engine)
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    if args.only:
        pages = [p for p in pages if p["id"] in args.only.split(",")]
    results, split = {}, collections.Counter()
    for p in pages:
        truth = (args.corpus / p["truth"]).read_text(encoding="utf-8")
        page = recorder.page((args.corpus / p["images"][args.variant]).read_bytes(), truth)
        results[p["id"]] = page
        split.update(split_cpu(page))
        cer = page["cer_free"]
        print(f"{p['id']:28s} cpu {page['cpu_s']:6.2f} s, larger network {page['second_cpu_s']:5.2f} s in {len(page['runs'])} runs, "
              f"repeats {page['repeats']}; CER {100 * cer['normal']:.3f} %, "
              + ", ".join(f"{m} {100 * cer[m]:.3f}{' (text differs)' if page['changed'][m] else ''}" for m in ABLATIONS),
              flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False))
    total = sum(r["cpu_s"] for r in results.values()) or 1
    second = sum(r["second_cpu_s"] for r in results.values()) or 1
    print(f"pages {len(results)}: {total:.1f} s, the larger network {second:.1f} s ({100 * second / total:.1f} %)")
    for kind, cpu in split.most_common():
        print(f"  {kind:32s} {cpu:7.2f} s  {100 * cpu / second:5.1f} % of the larger network's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
