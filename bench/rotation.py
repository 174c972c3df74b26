"""Rotated and skewed pages against the same page upright (issue 13's rotation bar).

    .venv/bin/python -m bench.rotation --corpus /work/realcorpus [--variant clean|scan] [--per-lang 12]
                                       [--shard K/N] [--json bench/out/rotation.json]
    .venv/bin/python -m bench.rotation --report RUN.json [RUN.json ...] [--markdown]

A fixed-seed sample of the corpus's pages (``--per-lang`` of each language) is
read upright and after each transform: turned 90/180/270° counter-clockwise
and/or rotated a few degrees on a canvas grown to keep the whole page (white
fill). Each read is scored with ``bench.realdocs.score`` against the page's
truth; a transform's figure is its whitespace-free CER minus the upright
page's, in percentage points, micro-averaged per language and per page (the
bar asks for every page within 0.5 pp). Orientation is right when the engine
turned the page back by the quarter the transform turned it.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import cv2

from bench.real_accuracy import load_corpus
from bench.real_report import markdown_table
from bench.realdocs.score import reference_sizes, score
from bench.report import format_table
from tests.factories import turn_page

# name → (counter-clockwise quarter turns, further rotation in degrees)
TRANSFORMS = {
    "rot90": (1, 0.0), "rot180": (2, 0.0), "rot270": (3, 0.0),
    "skew+2": (0, 2.0), "skew-2": (0, -2.0), "skew+5": (0, 5.0), "skew-5": (0, -5.0),
    "rot90+5": (1, 5.0), "rot180-5": (2, -5.0), "rot270+2": (3, 2.0),
}
BAR_PP = 0.5
SEED = 13


def sample_pages(corpus: Path, per_lang: int, seed: int = SEED) -> list[dict]:
    """``per_lang`` pages of each language, chosen by a fixed seed, in corpus order."""
    pages = load_corpus(corpus)
    chosen = []
    for lang in ("en", "zh"):
        of_lang = [p for p in pages if p["lang"] == lang]
        keep = {p["id"] for p in random.Random(f"{seed}-{lang}").sample(of_lang, min(per_lang, len(of_lang)))}
        chosen += [p for p in of_lang if p["id"] in keep]
    return chosen


def expected_rotation(quarters: int) -> int:
    """The engine's turn (counter-clockwise degrees) that undoes ``quarters`` counter-clockwise quarter turns."""
    return (360 - 90 * quarters) % 360


def read_page(engine, options, image) -> dict:
    from pipeline import open_document

    ok, png = cv2.imencode(".png", image)
    assert ok
    cpu0 = time.process_time()
    with open_document(png.tobytes()) as doc:
        result = engine.process_page(doc, 1, options)
    return {"text": result.text, "cpu_s": time.process_time() - cpu0, "rotation": result.preprocessing["rotation"],
            "skew": result.preprocessing["deskew_angle"]}


def run(args) -> dict:
    from pipeline import Engine, EngineConfig, Options

    engine = Engine(EngineConfig(models_dir=args.models_dir, threads=1))
    options = Options(mode="ocr", dpi=200)
    names = [t for t in args.transforms.split(",") if t]
    pages = sample_pages(args.corpus, args.per_lang)
    shard, shards = (int(x) for x in args.shard.split("/"))
    pages = pages[shard - 1::shards]
    records = []
    for n, page in enumerate(pages):
        truth = (args.corpus / page["truth"]).read_text(encoding="utf-8")
        gray = cv2.imread(str(args.corpus / page["images"][args.variant]), cv2.IMREAD_GRAYSCALE)
        rec = {"page_id": page["id"], "lang": page["lang"], "document": page["document"],
               **reference_sizes(truth), "reads": {}}
        for name in ["upright", *names]:
            quarters, skew = TRANSFORMS.get(name, (0, 0.0))
            out = read_page(engine, options, turn_page(gray, quarters, skew))
            out.update(score(truth, out.pop("text")))
            out["orientation_ok"] = out["rotation"] == expected_rotation(quarters)
            rec["reads"][name] = out
        records.append(rec)
        up = rec["reads"]["upright"]["cer_free"]
        worst = max(names, key=lambda t: rec["reads"][t]["cer_free"]) if names else "upright"
        print(f"[{n + 1}/{len(pages)}] {page['id']}: upright {100 * up:.2f}%, worst {worst} "
              f"{100 * rec['reads'][worst]['cer_free']:.2f}%", flush=True)
    return {"meta": {"corpus": str(args.corpus), "variant": args.variant, "per_lang": args.per_lang, "seed": SEED,
                     "transforms": names, "shard": args.shard}, "pages": records}


def _micro(records: list[dict], name: str) -> float:
    chars = sum(r["ref_chars_free"] for r in records)
    return sum(r["reads"][name]["cer_free"] * r["ref_chars_free"] for r in records) / max(chars, 1)


def summary_rows(records: list[dict], names: list[str]) -> list[list[str]]:
    """Per transform and language: CER upright and transformed, the difference, pages within the bar, orientation."""
    rows = []
    for name in names:
        for lang in ("en", "zh", "all"):
            recs = [r for r in records if lang in ("all", r["lang"])]
            if not recs:
                continue
            up, tr = _micro(recs, "upright"), _micro(recs, name)
            diffs = [100 * (r["reads"][name]["cer_free"] - r["reads"]["upright"]["cer_free"]) for r in recs]
            within = sum(d <= BAR_PP for d in diffs)
            oriented = sum(r["reads"][name]["orientation_ok"] for r in recs)
            cpu = sorted(r["reads"][name]["cpu_s"] / r["reads"]["upright"]["cpu_s"] for r in recs)
            rows.append([name, lang, str(len(recs)), f"{100 * up:.2f}%", f"{100 * tr:.2f}%", f"{100 * (tr - up):+.2f}",
                         f"{max(diffs):+.2f}", f"{within}/{len(recs)}", f"{oriented}/{len(recs)}",
                         f"{cpu[len(cpu) // 2]:.2f}", "yes" if within == len(recs) else "NO"])
    return rows


def worst_rows(records: list[dict], names: list[str], top: int) -> list[list[str]]:
    cases = [(100 * (r["reads"][n]["cer_free"] - r["reads"]["upright"]["cer_free"]), r, n) for r in records for n in names]
    cases.sort(key=lambda c: -c[0])
    return [[r["page_id"], n, f"{100 * r['reads']['upright']['cer_free']:.2f}%", f"{100 * r['reads'][n]['cer_free']:.2f}%",
             f"{d:+.2f}", str(r["reads"][n]["rotation"]), f"{r['reads'][n]['skew']:.2f}",
             "ok" if r["reads"][n]["orientation_ok"] else "WRONG"] for d, r, n in cases[:top]]


def full_report(results: dict, top: int, markdown: bool) -> str:
    table = (lambda h, rows: markdown_table(h, rows)) if markdown else format_table
    records, names = results["pages"], results["meta"]["transforms"]
    up_cpu = sorted(r["reads"]["upright"]["cpu_s"] for r in records)
    head = ["transform", "lang", "pages", "CER upright", "CER turned", "diff pp", "worst page pp",
            f"pages ≤ {BAR_PP} pp", "orientation ok", "cpu ratio (median)", "bar"]
    return "\n".join([
        f"{len(records)} pages ({results['meta']['variant']} variant), upright median CPU "
        f"{up_cpu[len(up_cpu) // 2]:.2f} s/page",
        table(head, summary_rows(records, names)), "",
        f"worst {top} (page, transform):",
        table(["page", "transform", "upright", "turned", "diff pp", "rotation", "deskew", "orientation"],
              worst_rows(records, names, top)),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/realcorpus"))
    parser.add_argument("--variant", choices=["clean", "scan"], default="clean")
    parser.add_argument("--per-lang", type=int, default=12, help="pages per language (fixed-seed sample)")
    parser.add_argument("--transforms", default=",".join(TRANSFORMS), help=f"any of {', '.join(TRANSFORMS)}")
    parser.add_argument("--shard", default="1/1", metavar="K/N", help="only sampled pages K, K+N, … (1-based)")
    parser.add_argument("--models-dir", type=Path, default=Path("models/files"))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--worst", type=int, default=12)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--report", type=Path, nargs="+", default=None, metavar="JSON",
                        help="print saved runs' report (shards merged) and exit")
    args = parser.parse_args(argv)
    if args.report:
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in args.report]
        results = {"meta": runs[0]["meta"], "pages": [p for r in runs for p in r["pages"]]}
    else:
        results = run(args)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(full_report(results, args.worst, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
