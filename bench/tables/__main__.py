"""Tables bench: docpipe against pdfplumber / PyMuPDF (text layer) and img2table + Tesseract (scans).

``python -m bench.tables [--seeds N] [--first S] [--out DIR]`` generates
tables with known cells (tests/table_factories.py: 4 rule styles × plain /
spanning header / wrapped cells × English / Chinese, N seeds each), as
born-digital PDFs and as scans (rendered at 200 DPI, then bench/scan.py's
office-scan degradation), and the published tables of bench/tables/documents.json
(realdocs.py: truth from the HTML set from the same source), runs every
tool on the same pages and writes
per-table rows (JSONL) and a summary (JSON, Markdown) to DIR.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from statistics import mean

import pymupdf

from bench.scan import scan_like
from bench.tables.metrics import Grid, cell_accuracy, grid_from_cells, shape, teds
from bench.tables import peers, realdocs
from pipeline import Engine, EngineConfig, Options
from pipeline.tables import find_pdf_tables
from tests.factories import encode_png
from tests.table_factories import RULES, random_table, render_pages, table_pdf

SHAPES = ("plain", "spans", "wraps")


def _best(truth: Grid, found: list[Grid]) -> dict:
    """Scores against the found table that matches the truth best (none found scores 0)."""
    if not found:
        return {"found": 0, "structure": False, "cells": 0.0, "teds": 0.0}
    scored = [(teds(truth, g), g) for g in found]
    t, g = max(scored, key=lambda x: x[0])
    return {"found": len(found), "structure": shape(g) == shape(truth), "cells": cell_accuracy(truth, g), "teds": t}


def _grid(table) -> Grid:
    return grid_from_cells(table.rows, table.cols, [c.to_dict() for c in table.cells])


def _specs(first: int, seeds: int):
    for seed in range(first, first + seeds):
        for rules in RULES:
            for sh in SHAPES:
                for lang in ("en", "zh"):
                    spec = random_table(seed, lang=lang, rules=rules, spans=sh == "spans", wraps=sh == "wraps")
                    yield {"seed": seed, "rules": rules, "shape": sh, "lang": lang}, spec


def _one_page(pdf: bytes, page_no: int) -> bytes:
    """The page alone as a PDF, so every tool opens the same small file."""
    with pymupdf.open(stream=pdf, filetype="pdf") as src, pymupdf.open() as dst:
        dst.insert_pdf(src, from_page=page_no, to_page=page_no)
        return dst.tobytes()


def _real(cache: Path, sets: tuple[str, ...] = ("published", "held-out")):
    """Published tables: one case per (page, table), the page cut out as its own PDF."""
    pages: dict[tuple[str, int], bytes] = {}
    for doc, pdf, page_no, truth in realdocs.cases(cache, held_out="held-out" in sets):
        key = (doc["id"], page_no)
        if key not in pages:
            pages[key] = _one_page(pdf, page_no)
        # documents added after the table step was last changed are scored as a set of their own
        meta = {"set": "held-out" if doc.get("held_out") else "published", "document": doc["id"],
                "page": page_no + 1, "seed": page_no, "rules": "published", "shape": "published",
                "lang": doc.get("lang", "en")}
        yield meta, pages[key], truth


def _generated(first: int, seeds: int):
    for meta, spec in _specs(first, seeds):
        yield ({"set": "generated", **meta}, table_pdf(spec),
               grid_from_cells(spec.rows, spec.cols, spec.truth()["cells"]))


SETS = ("generated", "published", "held-out")


def run(first: int, seeds: int, out: Path, sets: tuple[str, ...] = SETS, cache: Path | None = None,
        docs: set[str] | None = None) -> dict:
    """``docs``: only these published documents (their scans then take other degradation seeds than in a whole run)."""
    out.mkdir(parents=True, exist_ok=True)
    engine = Engine(EngineConfig(threads=1))
    rows: list[dict] = []
    scans: dict[str, list[tuple[dict, Path, Grid]]] = {"en": [], "zh": []}
    inputs = list(_generated(first, seeds)) if "generated" in sets else []
    if "published" in sets or "held-out" in sets:
        inputs += [x for x in _real(cache or out / "cache", sets) if x[0]["set"] in sets
                   and (not docs or x[0]["document"] in docs)]
    for meta, pdf, truth in inputs:
        # text layer: docpipe and its peers on the same page
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            t0 = time.perf_counter()
            ours = find_pdf_tables(doc[0], 200)
            ours_s = time.perf_counter() - t0
        rows.append({**meta, "input": "text", "tool": "docpipe", "seconds": ours_s, **_best(truth, [_grid(t) for t in ours])})
        for tool, (found, secs) in (("pdfplumber (lines)", peers.pdfplumber_tables(pdf, 0, "lines")),
                                    ("pdfplumber (text)", peers.pdfplumber_tables(pdf, 0, "text")),
                                    ("pymupdf find_tables", peers.pymupdf_tables(pdf, 0))):
            rows.append({**meta, "input": "text", "tool": tool, "seconds": secs, **_best(truth, found)})
        # scan: the page rendered and degraded, OCR'd by docpipe with and without tables
        img, _ = scan_like(render_pages(pdf, 200)[0], meta["seed"] * 31 + len(rows))
        png = out / f"scan-{meta.get('document', 'gen')}-{meta['seed']}-{meta['rules']}-{meta['shape']}-{meta['lang']}-{len(rows)}.png"
        png.write_bytes(encode_png(img))
        page = next(engine.process(png.read_bytes(), Options(tables=True)))
        added = page.timings["tables"]
        ocr = page.timings["total"] - added
        rows.append({**meta, "input": "scan", "tool": "docpipe", "seconds": added, "ocr_seconds": ocr,
                     **_best(truth, [_grid(t) for t in page.tables])})
        scans[meta["lang"]].append((meta, png, truth))
    if peers.img2table_available():
        for lang, items in scans.items():
            got = peers.img2table_tables([p for _, p, _ in items], lang)
            for meta, png, truth in items:
                found, secs = got.get(str(png), ([], 0.0))
                rows.append({**meta, "input": "scan", "tool": "img2table + Tesseract", "seconds": secs,
                             **_best(truth, found)})
    with open(out / "tables.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    summary = summarize(rows)
    (out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    (out / "summary.md").write_text(markdown(summary))
    return summary


def summarize(rows: list[dict]) -> dict:
    out: dict = {}
    for r in rows:
        out.setdefault(f"{r['set']} {r['input']}", {}).setdefault(r["tool"], []).append(r)
    summary: dict = {}
    for kind, tools in out.items():
        for tool, rs in tools.items():
            entry = {"tables": len(rs), "structure": mean(r["structure"] for r in rs),
                     "cells": mean(r["cells"] for r in rs), "teds": mean(r["teds"] for r in rs),
                     "seconds_per_page": mean(r["seconds"] for r in rs)}
            if "ocr_seconds" in rs[0]:
                entry["share_of_ocr_time"] = sum(r["seconds"] for r in rs) / sum(r["ocr_seconds"] for r in rs)
            groups = (("rules", RULES), ("shape", SHAPES), ("lang", ("en", "zh"))) if rs[0]["set"] == "generated" \
                else (("lang", ("en", "zh")), ("document", sorted({r["document"] for r in rs})))
            for key, values in groups:
                for v in values:
                    sub = [r for r in rs if r[key] == v]
                    if not sub:
                        continue
                    entry[f"{key}={v}"] = {"structure": mean(r["structure"] for r in sub),
                                           "cells": mean(r["cells"] for r in sub), "teds": mean(r["teds"] for r in sub)}
            summary.setdefault(kind, {})[tool] = entry
    return summary


def markdown(summary: dict) -> str:
    lines = []
    for kind, tools in summary.items():
        lines += [f"### {kind.replace(' text', ': text layer').replace(' scan', ': scans')}", "",
                  "| tool | tables | structure right | cells right | TEDS | s / page |",
                  "|---|---|---|---|---|---|"]
        for tool, e in tools.items():
            extra = f" ({e['share_of_ocr_time']:.1%} of OCR)" if "share_of_ocr_time" in e else ""
            lines.append(f"| {tool} | {e['tables']} | {e['structure']:.1%} | {e['cells']:.1%} | {e['teds']:.3f} | "
                         f"{e['seconds_per_page']:.3f}{extra} |")
        lines += ["", "| tool | " + " | ".join(k for k in next(iter(tools.values())) if "=" in k) + " |",
                  "|---|" + "---|" * sum("=" in k for k in next(iter(tools.values())))]
        for tool, e in tools.items():
            lines.append(f"| {tool} | " + " | ".join(
                f"{v['structure']:.0%} / {v['cells']:.0%}" for k, v in e.items() if "=" in k) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.tables")
    p.add_argument("--seeds", type=int, default=2, help="tables per (rules, shape, language); 24 per seed")
    p.add_argument("--first", type=int, default=100, help="first seed (the tests use seeds below 10)")
    p.add_argument("--out", type=Path, default=Path("bench/out/tables"))
    p.add_argument("--no-published", action="store_true", help="only the generated tables (no Debian packages)")
    p.add_argument("--sets", default=",".join(SETS),
                   help="comma-separated sets to run: generated, published, held-out (runs can be split and run side by side)")
    p.add_argument("--cache", type=Path, default=None, help="where the Debian packages are kept (default OUT/cache)")
    p.add_argument("--docs", default=None, help="only these published documents (ids, comma-separated)")
    args = p.parse_args()
    sets = ("generated",) if args.no_published else tuple(s.strip() for s in args.sets.split(",") if s.strip())
    unknown = set(sets) - set(SETS)
    if unknown:
        p.error(f"unknown sets: {', '.join(sorted(unknown))}")
    print(markdown(run(args.first, args.seeds, args.out, sets, args.cache,
                       set(args.docs.split(",")) if args.docs else None)))


if __name__ == "__main__":
    main()
