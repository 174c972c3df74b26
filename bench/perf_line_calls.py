"""The recognizer's calls on real pages: per-call cost, blank margins, and reads that could be merged.

``python -m bench.perf_line_calls --corpus DIR [--lang en] [--every 2] [--sample 3] [--json F]``

Every page runs through one engine (one thread) as it always does; each ONNX
run of either recognizer is timed (``time.process_time``) with its input
width, and each call of a recognizer is counted by the function that made it.
From these: the fixed cost of a run (least squares of CPU on width), how many
of a page's lines share their exact input width with another line (an exact
batch needs no padding), and how much of each line's input is blank paper
left and right of the ink. Then, on every ``--sample``-th line crop read by
the first recognizer, three ways to make fewer or narrower runs, each against
the crop read alone: margins trimmed to a pad of a fraction of the height,
two short lines stitched side by side with a gap of paper, and lines of equal
width run as one batch.
"""
from __future__ import annotations

import argparse
import collections
import json
import time
import traceback
from pathlib import Path

import numpy as np

from bench.real_accuracy import load_corpus

# Ink: darker than the crop's paper (its 90th percentile) by this share of paper to darkest pixel.
INK_SHARE = 0.25
MIN_CONTRAST = 40
TRIM_PADS = (0.3, 0.5)  # in line heights: the engine's own pad_x is 0.3 from the detector's box
STITCH_GAPS = (48, 192)  # px at the recognizer's 48-px height
STITCH_WIDEST = 400  # only lines this narrow are stitched


def blank_margins(img: np.ndarray) -> tuple[int, int] | None:
    """Columns of paper left and right of the ink, or None for a crop without clear ink."""
    g = img.astype(np.float32)
    paper, dark = float(np.percentile(g, 90)), float(g.min())
    if paper - dark < MIN_CONTRAST:
        return None
    cols = np.flatnonzero((g < paper - INK_SHARE * (paper - dark)).any(axis=0))
    if not len(cols):
        return None
    return int(cols[0]), int(img.shape[1] - 1 - cols[-1])


def trimmed(crop: np.ndarray, pad: float) -> np.ndarray:
    m = blank_margins(crop)
    if m is None:
        return crop
    keep = int(round(pad * crop.shape[0]))
    return crop[:, max(0, m[0] - keep): crop.shape[1] - max(0, m[1] - keep)]


def record_pages(engine, pages, corpus: Path, variant: str, sample: int):
    """Run the pages; return the runs, the calls by caller, the page CPU and the sampled crops."""
    from pipeline import Options, open_document
    from pipeline.recognize import TextRecognizer

    runs, callers, totals, crops, current = [], collections.Counter(), {}, [], {}
    models = {"rec": engine.recognizer, "second": engine.second_recognizer}
    for name, recognizer in models.items():
        if recognizer is None:
            continue

        def timed(x, run=recognizer.session.run, name=name):
            t0 = time.process_time()
            out = run(x)
            runs.append({"page": current["id"], "model": name, "width": int(x.shape[3]), "batch": int(x.shape[0]),
                         "cpu_s": time.process_time() - t0})
            return out
        recognizer.session.run = timed
    call = TextRecognizer.__call__

    def counted(self, lines, mend=True):
        frame = traceback.extract_stack(limit=2)[0]
        model = "second" if self is engine.second_recognizer else "rec"
        callers[(model, f"{Path(frame.filename).stem}.{frame.name}")] += len(lines)
        if model == "rec":
            crops.extend(lines)
        return call(self, lines, mend)
    TextRecognizer.__call__ = counted
    try:
        for page in pages:
            current["id"] = page["id"]
            data = (corpus / page["images"][variant]).read_bytes()
            t0 = time.process_time()
            with open_document(data) as doc:
                engine.process_page(doc, 1, Options(mode="ocr"))
            totals[page["id"]] = time.process_time() - t0
            print(f"{page['id']:32s} {totals[page['id']]:.3f} s", flush=True)
    finally:
        TextRecognizer.__call__ = call
        for recognizer in models.values():
            if recognizer is not None:
                del recognizer.session.run  # the instance attribute: the class's run again
    return runs, callers, totals, crops[::sample]


def call_figures(runs, callers, totals, crops, resize) -> dict:
    total = sum(totals.values())
    out: dict = {"pages": len(totals), "cpu_s": total, "models": {}, "callers": {}}
    for model in ("rec", "second"):
        rs = [r for r in runs if r["model"] == model]
        if len(rs) < 3:
            continue
        w = np.array([r["width"] for r in rs], dtype=float)
        cpu = np.array([r["cpu_s"] for r in rs])
        fixed, per_px = np.linalg.lstsq(np.vstack([np.ones_like(w), w]).T, cpu, rcond=None)[0]
        out["models"][model] = {"runs": len(rs), "cpu_share": cpu.sum() / total, "fixed_ms": 1e3 * fixed,
                                "ms_per_1000px": 1e6 * per_px, "fixed_share": fixed * len(rs) / total,
                                "median_width": float(np.median(w))}
    rec = [r for r in runs if r["model"] == "rec"]
    by_page = collections.defaultdict(collections.Counter)
    for r in rec:
        by_page[r["page"]][r["width"]] += 1
    out["equal_width_share"] = sum(n - 1 for c in by_page.values() for n in c.values()) / max(1, len(rec))
    out["callers"] = {f"{m} {c}": n for (m, c), n in callers.most_common()}
    widths = margins = 0
    left = right = 0
    for crop in crops:
        img = resize(crop)
        m = blank_margins(img)
        if m is None:
            continue
        widths += img.shape[1]
        margins += 1
        left += m[0]
        right += m[1]
    out["margins"] = {"lines": margins, "left_share": left / max(1, widths), "right_share": right / max(1, widths)}
    return out


def _cpu_reads(recognizer, crops, mend=False):
    t0 = time.process_time()
    texts = [recognizer([c], mend=mend)[0].text for c in crops]
    return texts, time.process_time() - t0


def crop_figures(recognizer, crops) -> dict:
    """The three ways of fewer or narrower runs, each against the same crops read alone."""
    out: dict = {"lines": len(crops)}
    base, _ = _cpu_reads(recognizer, crops, mend=True)
    for pad in TRIM_PADS:
        cut = [trimmed(c, pad) for c in crops]
        _, t_a = _cpu_reads(recognizer, crops, mend=True)
        texts, t_cut = _cpu_reads(recognizer, cut, mend=True)
        _, t_b = _cpu_reads(recognizer, crops, mend=True)
        out[f"trim_{pad}"] = {"same_text": sum(a == b for a, b in zip(base, texts)), "cpu_ratio": 2 * t_cut / (t_a + t_b),
                              "width_ratio": sum(c.shape[1] for c in cut) / sum(c.shape[1] for c in crops),
                              "changed": [[a, b] for a, b in zip(base, texts) if a != b][:10]}
    short = [r for r in (recognizer._resize(c) for c in crops) if r.shape[1] < STITCH_WIDEST]
    alone = [recognizer([r], mend=False)[0].text.replace(" ", "") for r in short]
    for gap in STITCH_GAPS:
        same = 0
        for i in range(0, len(short) - 1, 2):
            a, b = short[i], short[i + 1]
            paper = int(np.percentile(np.concatenate([a.ravel(), b.ravel()]), 90))
            both = np.concatenate([a, np.full((a.shape[0], gap), paper, np.uint8), b], axis=1)
            same += recognizer([both], mend=False)[0].text.replace(" ", "") == alone[i] + alone[i + 1]
        out[f"stitch_{gap}"] = {"pairs": len(short) // 2, "same_text": same}
    out["equal_width_batch"] = _equal_width_batches(recognizer, [recognizer._resize(c) for c in crops])
    return out


def _equal_width_batches(recognizer, resized) -> dict:
    groups = collections.defaultdict(list)
    for r in resized:
        groups[r.shape[1]].append(r)
    groups = [g for g in groups.values() if len(g) > 1]

    net_input = recognizer.network_input
    identical = lines = 0
    t_alone = t_batch = 0.0
    for k, g in enumerate(groups):
        for first_alone in ((True, False) if k % 2 else (False, True)):
            t0 = time.process_time()
            if first_alone:
                alone = [recognizer.session.run(net_input([im]))[0] for im in g]
                t_alone += time.process_time() - t0
            else:
                batch = recognizer.session.run(net_input(g))
                t_batch += time.process_time() - t0
        identical += sum(np.array_equal(a, b) for a, b in zip(alone, batch))
        lines += len(g)
    return {"groups": len(groups), "lines": lines, "bit_identical": identical, "cpu_ratio": t_batch / max(t_alone, 1e-9)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_line_calls", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1, help="only every n-th page")
    parser.add_argument("--sample", type=int, default=3, help="every n-th line crop for the re-reads")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from pipeline import Engine, EngineConfig

    engine = Engine(EngineConfig(threads=1))
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    runs, callers, totals, crops = record_pages(engine, pages, args.corpus, args.variant, args.sample)
    figures = {"calls": call_figures(runs, callers, totals, crops, engine.recognizer._resize),
               "crops": crop_figures(engine.recognizer, crops)}
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
