"""What ``tables=true`` adds to a worker's page, in CPU seconds: is it cheap enough to be the default?

``python -m bench.tables_cost [--seeds N] [--first S] [--dpi D]`` reads pages as the worker does
(``Engine.process_page``, one thread) without tables, then runs the table step alone on the same
inputs (born-digital: ``find_pdf_tables`` on the page's vector lines and words; scans:
``find_image_tables`` on the rendered image and that page's OCR lines; both then
``text_with_tables``), each timed with ``time.process_time`` (CPU time of this process, so other
work on a shared machine does not count). Pages: generated tables (tests/table_factories.py, every
rule style, English and Chinese) as born-digital PDFs and as office-like scans, and prose pages with
no table at all (what most pages of an archive are), of both kinds. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import time
from statistics import mean, median

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Limits, Options, open_document
from pipeline.page_text import page_text
from pipeline.render import render_page
from pipeline.tables import find_pdf_tables
from pipeline.tables.raster import find_image_tables
from pipeline.tables.reading import text_with_tables
from tests.factories import EN_TEXT, ZH_TEXT, encode_png, make_pdf, render_text_image
from tests.table_factories import RULES, random_table, render_pages, table_pdf


def _cpu(fn):
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def _inputs(first: int, seeds: int):
    """(kind, has_table, file bytes) for every page of the run."""
    for seed in range(first, first + seeds):
        for rules in RULES:
            for lang in ("en", "zh"):
                spec = random_table(seed, lang=lang, rules=rules, spans=seed % 2 == 1, wraps=seed % 3 == 2)
                pdf = table_pdf(spec)
                yield "text layer", True, pdf
                yield "scan", True, encode_png(scan_like(render_pages(pdf)[0], seed)[0])
        for lines in (EN_TEXT, ZH_TEXT):
            text = lines[seed % 5: seed % 5 + 18]
            yield "text layer", False, make_pdf([{"text": text}])
            yield "scan", False, encode_png(scan_like(render_text_image(text, size_px=30, width=1400), seed)[0])


def _measure(engine: Engine, data: bytes, dpi: int) -> tuple[float, float, int]:
    """(CPU s of the page without tables, CPU s the table step adds, tables found)."""
    options = Options(dpi=dpi)
    with open_document(data, Limits()) as doc:
        page, base = _cpu(lambda: engine.process_page(doc, 1, options))
        if page.source == "text_layer":
            pdf_page = doc.pdf_page(1)
            tables, added = _cpu(lambda: find_pdf_tables(pdf_page, page.dpi))
        else:
            image = render_page(doc, 1, page.dpi).image  # the worker has it already: not counted
            tables, added = _cpu(lambda: find_image_tables(image, page.lines, page.dpi, engine.recognizer,
                                                               engine.second_recognizer))
        _, reading = _cpu(lambda: text_with_tables(page.lines, tables, page_text))
    return base, added + reading, len(tables)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.tables_cost")
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--first", type=int, default=100, help="first seed (the tests use seeds below 10)")
    p.add_argument("--dpi", type=int, default=200)
    args = p.parse_args(argv)
    engine = Engine(EngineConfig(threads=1))
    rows: dict[tuple[str, bool], list[tuple[float, float, int]]] = {}
    for kind, has_table, data in _inputs(args.first, args.seeds):
        rows.setdefault((kind, has_table), []).append(_measure(engine, data, args.dpi))
    print("| pages | n | CPU s / page without tables | CPU s added by tables (mean / median / max) | added share | tables found |")
    print("|---|---|---|---|---|---|")
    for (kind, has_table), found in sorted(rows.items()):
        base = mean(b for b, _, _ in found)
        added = [a for _, a, _ in found]
        label = f"{kind}, {'a table' if has_table else 'prose, no table'}"
        print(f"| {label} | {len(found)} | {base:.3f} | {mean(added):.4f} / {median(added):.4f} / {max(added):.4f} "
              f"| {100 * mean(added) / base:.1f} % | {sum(n for _, _, n in found)} |")


if __name__ == "__main__":
    main()
