"""Pages of two-column rows in pymupdf's base-14 fonts, with marks a font lacks drawn by the test, read after
``bench/scan.py``'s scan at a seed: the inputs of tests that read such code listings whole."""
from __future__ import annotations

from collections.abc import Callable

import pymupdf

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Options
from tests.factories import encode_png
from tests.table_factories import render_pages

# Puts a text on a page at (x, baseline y) in a face and size.
Put = Callable[[pymupdf.Page, float, float, str, str, float], None]


def rows_page(rows: list[tuple[str, str, str, str]], put: Put, size: float, repeats: int) -> bytes:
    """A PDF page of ``rows`` (left text, its face, right text, its face) set ``repeats`` times at ``size`` pt."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 100.0
    for _ in range(repeats):
        for left, left_face, right, right_face in rows:
            put(page, 60, y, left, left_face, size)
            put(page, 180, y, right, right_face, size)
            y += 1.6 * size
        y += 20
    return doc.tobytes()


def scanned_reader(page: Callable[[float], bytes]) -> Callable[[float, int], str]:
    """What one engine reads of ``page(size)`` scanned with a seed, each size and seed read once."""
    engine, texts = Engine(EngineConfig(threads=1)), {}

    def text(size: float, seed: int) -> str:
        if (size, seed) not in texts:
            img, _ = scan_like(render_pages(page(size))[0], seed)
            texts[size, seed] = next(engine.process(encode_png(img), Options())).text
        return texts[size, seed]
    return text
