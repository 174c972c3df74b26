"""Engine variants side by side on the same pages: CPU seconds and CER.

``python -m bench.perf_ab --corpus DIR [--lang en] [--every 2] [--only ID,ID] A=  B=recognizer.width_scale=0.85 ...``

Each variant is an ``EngineConfig`` with some settings changed
(``recognizer.X=V``, ``detector.X=V``); all variants live in this process, on
one thread, and read every page in turn, the order rotating per page, so load
from other work on the machine falls on all of them alike. Per variant:
median and mean CPU seconds per page (``time.process_time``), the ratio to the
first variant, whitespace-free and whitespace-collapsed CER micro-averaged per
language, and how many pages came out with exactly the first variant's text.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from pathlib import Path

from bench.real_accuracy import load_corpus
from bench.realdocs.score import reference_sizes, score


def parse_variant(spec: str):
    from pipeline import EngineConfig

    name, _, changes = spec.partition("=")
    config = EngineConfig(threads=1)
    for change in filter(None, changes.split(",")):
        path, _, raw = change.partition("=")
        value = json.loads(raw)
        if "." not in path:  # a field of EngineConfig itself: ``recognizer_model="..."``
            config = dataclasses.replace(config, **{path: value})
            continue
        part, field = path.split(".")
        config = dataclasses.replace(config, **{part: dataclasses.replace(getattr(config, part), **{field: value})})
    return name, config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_ab", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lang", choices=("en", "zh"), default=None)
    parser.add_argument("--variant", default="scan")
    parser.add_argument("--every", type=int, default=1, help="only every n-th page")
    parser.add_argument("--only", default=None, help="page ids, comma-separated")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("variants", nargs="+", help="NAME=part.field=value,... (NAME= alone: the defaults)")
    args = parser.parse_args(argv)

    from pipeline import Engine, Options, open_document

    engines = {}
    for spec in args.variants:
        name, config = parse_variant(spec)
        engines[name] = Engine(config)
    names = list(engines)
    pages = [p for p in load_corpus(args.corpus) if args.lang in (None, p["lang"])][:: args.every]
    if args.only:
        pages = [p for p in pages if p["id"] in args.only.split(",")]
    options = Options(mode="ocr")
    rows = []
    for k, page in enumerate(pages):
        data = (args.corpus / page["images"][args.variant]).read_bytes()
        reference = (args.corpus / page["truth"]).read_text(encoding="utf-8")
        row = {"page": page["id"], "lang": page["lang"], **reference_sizes(reference)}
        turn = names[k % len(names):] + names[: k % len(names)]
        for name in turn:
            t0 = time.process_time()
            with open_document(data) as doc:
                result = engines[name].process_page(doc, 1, options)
            cpu = time.process_time() - t0
            row[name] = {"cpu_s": cpu, "text": result.text, **score(reference, result.text)}
        rows.append(row)
        print(f"{page['id']:30s} " + "  ".join(f"{n} {row[n]['cpu_s']:.2f}s {100 * row[n]['cer_free']:.2f}%"
                                             for n in names), flush=True)

    base = names[0]
    print(f"\n{len(rows)} pages, CPU s per page on one thread; CER micro-averaged")
    summary = {}
    for name in names:
        cpus = [r[name]["cpu_s"] for r in rows]
        entry = {"median_cpu_s": statistics.median(cpus), "mean_cpu_s": statistics.fmean(cpus),
                 "ratio_to_first": sum(cpus) / sum(r[base]["cpu_s"] for r in rows),
                 "same_text_pages": sum(r[name]["text"] == r[base]["text"] for r in rows)}
        for lang in sorted({r["lang"] for r in rows}):
            sub = [r for r in rows if r["lang"] == lang]
            for key in ("free", "collapsed"):
                chars = sum(r[f"ref_chars_{key}"] for r in sub)
                entry[f"cer_{key}_{lang}"] = sum(r[name][f"cer_{key}"] * r[f"ref_chars_{key}"] for r in sub) / chars
            entry[f"median_cpu_s_{lang}"] = statistics.median(r[name]["cpu_s"] for r in sub)
            entry[f"mean_cpu_s_{lang}"] = statistics.fmean(r[name]["cpu_s"] for r in sub)
        summary[name] = entry
        cers = "  ".join(f"{k[4:]} {100 * v:.2f}%" for k, v in entry.items() if k.startswith("cer_"))
        per_lang = "  ".join(f"{k[13:]} {v:.3f}" for k, v in entry.items() if k.startswith("median_cpu_s_"))
        print(f"{name:12s} median {entry['median_cpu_s']:.3f}  mean {entry['mean_cpu_s']:.3f}  "
              f"ratio {entry['ratio_to_first']:.3f}  same text {entry['same_text_pages']}/{len(rows)}  "
              f"median by lang: {per_lang}  CER: {cers}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"variants": args.variants, "summary": summary,
                                         "rows": [{k: ({kk: vv for kk, vv in v.items() if kk != "text"}
                                                       if isinstance(v, dict) else v) for k, v in r.items()}
                                                  for r in rows]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
