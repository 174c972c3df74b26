"""Typed layout blocks on the generated corpus: are its headings and tables found, and what do blocks cost?

    .venv/bin/python -m bench.layout_blocks [--pages 12] [--threads 1]

Each generated page knows the headings and tables it drew (``bench.corpus``: the document title at
1.35× the body size, section headings bold at 1.1×, ruled tables). docpipe reads the page image with
tables on; a drawn heading counts as found when a ``heading`` block's text matches it (whitespace-free
CER ≤ 0.15), a predicted heading is right when it matches a drawn one; a page with a table should have
a ``table`` block. The time is the CPU time of typing the blocks (``ink_styles`` on the page image, then
``page_blocks``), beside the CPU time of reading the whole page.
"""
from __future__ import annotations

import argparse
import time

from bench.blocks import Heading, Table
from bench.corpus import build_corpus, document_blocks
from pipeline import Engine, EngineConfig, Options
from pipeline.blocks import ink_styles, page_blocks
from tests.factories import cer

MATCH_CER = 0.15


def _squash(text: str) -> str:
    return "".join(text.split())


def _matches(a: str, b: str) -> bool:
    return cer(_squash(a), _squash(b), ignore_whitespace=True) <= MATCH_CER


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--pages", type=int, default=12)
    args.add_argument("--threads", type=int, default=1)
    opts = args.parse_args(argv)
    engine = Engine(EngineConfig(threads=opts.threads))
    totals = {"truth": 0, "found": 0, "predicted": 0, "right": 0, "tables": 0, "tables_found": 0}
    page_cpu = blocks_cpu = 0.0
    print(f"{'page':40s} {'headings found/drawn':>20s} {'right/predicted':>16s} {'table':>6s}")
    for page in build_corpus(limit=opts.pages):
        drawn = _squash("".join(page.lines))
        blocks = document_blocks(page.spec)
        truth = [b.text for b in blocks if isinstance(b, Heading) and _squash(b.text)[:20] in drawn]
        has_table = any(isinstance(b, Table) and _squash(" ".join(b.header)) in drawn for b in blocks)
        t0 = time.process_time()
        result = next(engine.process(page.png(), Options(tables=True)))
        page_cpu += time.process_time() - t0
        t0 = time.process_time()
        for _ in range(10):
            page_blocks(result, ink_styles(page.image, result.lines))
        blocks_cpu += (time.process_time() - t0) / 10
        heads = [" ".join(result.lines[i].text for i in b.lines) for b in result.blocks if b.type == "heading"]
        found = sum(any(_matches(t, h) for h in heads) for t in truth)
        right = sum(any(_matches(t, h) for t in truth) for h in heads)
        table_found = any(b.type == "table" for b in result.blocks)
        for key, n in (("truth", len(truth)), ("found", found), ("predicted", len(heads)), ("right", right),
                       ("tables", has_table), ("tables_found", has_table and table_found)):
            totals[key] += n
        print(f"{page.spec.page_id:40s} {found:>9d}/{len(truth):<10d} {right:>7d}/{len(heads):<8d} "
              f"{('yes' if table_found else 'no') if has_table else '-':>6s}")
    recall = totals["found"] / max(1, totals["truth"])
    precision = totals["right"] / max(1, totals["predicted"])
    print(f"\nheadings: recall {recall:.1%} ({totals['found']}/{totals['truth']}), "
          f"precision {precision:.1%} ({totals['right']}/{totals['predicted']})")
    print(f"tables: {totals['tables_found']}/{totals['tables']} pages with a drawn table have a table block")
    print(f"blocks: {1000 * blocks_cpu / opts.pages:.2f} ms CPU per page, "
          f"{100 * blocks_cpu / max(page_cpu, 1e-9):.3f} % of the page's {page_cpu / opts.pages:.2f} s CPU")


if __name__ == "__main__":
    main()
