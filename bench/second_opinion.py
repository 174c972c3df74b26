"""What the second opinion (pipeline/second_opinion.py) buys per CPU second, every threshold from one pass.

    .venv/bin/python -m bench.second_opinion --corpus DIR [--lang en] [--every 1] [--json F]

Each page is read once the way ``Engine._ocr_page`` reads it (same stages, same order), and then every line
is read again by the larger recognizer, one line at a time, with its CPU seconds. For each policy (threshold,
and whether the second reading is kept only when surer) the page's text is assembled from the chosen readings
and scored; its CPU is the page's own plus the larger recognizer's on the lines that policy reads again. So
the thresholds are compared on exactly the same detections, in one run. Tables are not looked for (the
corpus's truth is the text layer's lines).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.real_accuracy import load_corpus
from bench.realdocs.score import reference_sizes, score
from pipeline.second_opinion import SecondOpinionSettings, unsure_within_budget

THRESHOLDS = (0.0, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 1.01)
# Shares of a page's line width the larger recognizer may read again (SecondOpinionSettings.budget).
BUDGETS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


def read_page(engine, image: bytes):
    """The tiny recognizer's page (work and decoded lines) and its CPU seconds; then each line's second reading."""
    from pipeline import open_document
    from pipeline.engine import _prepare
    from pipeline.page_work import StageClock
    from pipeline.render import render_page
    from pipeline.upright import detect_upright, line_crops, recognize_upright

    cfg = engine.config
    cpu0 = time.process_time()
    with open_document(image) as doc:
        rendered = render_page(doc, 1, 200)
    work, _ = _prepare(rendered.image, cfg.enhance_contrast)
    clock, pad = StageClock(), (cfg.recognizer.pad_x, cfg.recognizer.pad_y)
    detect_upright(work, engine.detector, engine.recognizer, cfg.fix_orientation, pad, clock)
    decoded = recognize_upright(work, engine.detector, engine.recognizer, cfg.fix_orientation, pad, clock)
    page_cpu = time.process_time() - cpu0  # assembling the text is added per policy below
    second, second_cpu = [], []
    for crop in line_crops(work, list(range(len(decoded)))):
        t = time.process_time()
        second.append(engine.second_recognizer([crop])[0])
        second_cpu.append(time.process_time() - t)
    return work, decoded, page_cpu, second, second_cpu


def page_text_of(work, decoded, layout) -> tuple[str, float]:
    from pipeline.assemble import assemble_lines
    from pipeline.page_punctuation import page_punctuation
    from pipeline.page_text import page_text

    t = time.process_time()
    text = page_text(assemble_lines(work, page_punctuation(list(decoded)), layout))
    return text, time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.second_opinion", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/realcorpus"))
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--shard", default="1/1", metavar="K/N")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--report", type=Path, nargs="+", default=None, help="print saved runs (merged) and exit")
    args = parser.parse_args(argv)
    if args.report:
        rows = [r for p in args.report for r in json.loads(p.read_text(encoding="utf-8"))["pages"]]
        print(report(rows))
        return 0


    from pipeline import Engine, EngineConfig

    engine = Engine(EngineConfig(threads=1, second_opinion=SecondOpinionSettings(below=1.01)))
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    k, n = (int(x) for x in args.shard.split("/"))
    pages = pages[k - 1::n]
    rows = []
    for i, page in enumerate(pages):
        truth = (args.corpus / page["truth"]).read_text(encoding="utf-8")
        work, first, page_cpu, second, second_cpu = read_page(engine, (args.corpus / page["images"][args.variant]).read_bytes())
        row = {"page_id": page["id"], "lang": page["lang"], "lines": len(first), **reference_sizes(truth), "policies": {}}
        for below in THRESHOLDS:
            for surer in (True, False):
                if below == 0.0 and not surer:
                    continue
                chosen, extra = [], 0.0
                for a, b, cpu in zip(first, second, second_cpu):
                    if a.confidence < below:
                        extra += cpu
                        chosen.append(b if (not surer or b.confidence > a.confidence) else a)
                    else:
                        chosen.append(a)
                text, layout_cpu = page_text_of(work, chosen, engine.config.layout)
                name = f"{below:.2f}{'' if surer else ' always'}"
                row["policies"][name] = {"cpu_s": page_cpu + layout_cpu + extra, **score(truth, text),
                                         "reread": sum(1 for a in first if a.confidence < below)}
        for budget in BUDGETS:  # the engine's own choice of lines under a budget, at its default threshold
            picked = set(unsure_within_budget(first, SecondOpinionSettings(budget=budget)))
            chosen = [b if i in picked else a for i, (a, b) in enumerate(zip(first, second))]
            text, layout_cpu = page_text_of(work, chosen, engine.config.layout)
            extra = sum(second_cpu[i] for i in picked)
            row["policies"][f"budget {budget:.2f}"] = {"cpu_s": page_cpu + layout_cpu + extra, **score(truth, text),
                                                       "reread": len(picked)}
        rows.append(row)
        base, full = row["policies"]["0.00"], row["policies"]["1.01 always"]
        print(f"[{i + 1}/{len(pages)}] {page['id']}: {100 * base['cer_free']:.2f}% {base['cpu_s']:.2f}s -> "
              f"all {100 * full['cer_free']:.2f}% {full['cpu_s']:.2f}s", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"pages": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(rows))
    return 0


def report(rows: list[dict]) -> str:
    names = list(rows[0]["policies"])
    out = ["| lang | policy | CER | CER ws | lines read again | median CPU s/page | mean CPU s/page | CPU ratio (medians) |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for lang in sorted({r["lang"] for r in rows}):
        of = [r for r in rows if r["lang"] == lang]
        chars = sum(r["ref_chars_free"] for r in of)
        chars_ws = sum(r["ref_chars_collapsed"] for r in of)
        base = statistics.median(r["policies"]["0.00"]["cpu_s"] for r in of)
        for name in names:
            cer = sum(r["policies"][name]["cer_free"] * r["ref_chars_free"] for r in of) / chars
            ws = sum(r["policies"][name]["cer_collapsed"] * r["ref_chars_collapsed"] for r in of) / chars_ws
            cpu = [r["policies"][name]["cpu_s"] for r in of]
            share = sum(r["policies"][name]["reread"] for r in of) / max(1, sum(r["lines"] for r in of))
            out.append(f"| {lang} | {'off' if name == '0.00' else name} | {100 * cer:.2f} % | {100 * ws:.2f} % | "
                       f"{100 * share:.0f} % | {statistics.median(cpu):.2f} | {statistics.mean(cpu):.2f} | "
                       f"{statistics.median(cpu) / base:.2f} |")
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
