"""Two single Chinese characters one under the other in a table's column (a TeX \\settabs example: 一, 二,
三 beside 1, 2, 3), set 13 pt apart: on a scan the detector can box two of them as one tall word,
read as one odd glyph at a low confidence (`二` over `三` read `言`). Such a box is less than two line
heights tall, and the table step cut only taller stacks: one row got the glyph, the next none.

The detector's boxes are given here by hand (the text layer's, where the scan put them; the two rows'
words merged into one word, as the detector boxed them on the published page): on a page this small the
detector stacks whole columns. The recognizer, the rules and the cells are the engine's own
(pipeline/tables/reread.py).
"""
from __future__ import annotations

import numpy as np
import pymupdf
import pytest

from bench.scan import rotation_matrix, scan_like
from pipeline import Engine, EngineConfig
from pipeline.result import Line, Word
from pipeline.tables.raster import find_image_tables
from tests.table_factories import put_mixed, render_pages

ROWS = [("1", "一", "第一"), ("2", "二", "第二"), ("3", "三", "第三"), ("4", "四", "第四"), ("5", "五", "第五")]
STACK = ("二", "三")  # the two rows the detector boxes as one word


@pytest.fixture(scope="module")
def read():
    """The engine's recognizers, as the engine hands them to the table step."""
    engine = Engine(EngineConfig(threads=1))
    return engine.recognizer, engine.second_recognizer


def _page() -> bytes:
    """10 pt type, rows 13 pt apart, the columns 0.5 inch apart, a line of prose above and below."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    put_mixed(page, 90, 270, "结果：各列按样例行中的制表符位置排列，行距与正文相同。", latin="tiro")
    for r, row in enumerate(ROWS):
        for x, text in zip((100, 136, 172), row):
            put_mixed(page, x, 300 + 13 * r, text, latin="tiro")
    put_mixed(page, 90, 300 + 13 * len(ROWS) + 20, "这个命令的第二种形式是利用样例行中的制表符来定义位置。", latin="tiro")
    return doc.tobytes()


def _detected(pdf: bytes, shape: tuple[int, int], angle: float) -> list[Line]:
    """Each word of the page a line, boxed where the scan put it (the text layer's boxes at 200 DPI,
    turned as ``scan_like`` turned the page), the two words of ``STACK`` boxed as one."""
    m = rotation_matrix(shape, angle)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        words = [(w[4], [v * 200 / 72 for v in w[:4]]) for w in doc[0].get_text("words")]
    stack = [b for t, b in words if t in STACK]
    assert len(stack) == 2, words
    merged = [min(b[0] for b in stack), min(b[1] for b in stack), max(b[2] for b in stack), max(b[3] for b in stack)]
    out = []
    for text, (x0, y0, x1, y1) in [(t, b) for t, b in words if t not in STACK] + [(None, merged)]:
        quad = [(m @ np.array([x, y, 1.0])).tolist() for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        box = [min(p[0] for p in quad), min(p[1] for p in quad), max(p[0] for p in quad), max(p[1] for p in quad)]
        out.append(Line(text or "", 0.99, box, [Word(text or "", 0.99, box)], polygon=quad))
    return out


def _middle_column(seed: int, read: tuple, text: str, confidence: float) -> list[str]:
    pdf = _page()
    img, params = scan_like(render_pages(pdf)[0], seed)
    lines = _detected(pdf, img.shape, params["angle"])
    for w in (lines[-1], lines[-1].words[0]):  # the detector's one box over the two rows, read as one glyph
        w.text, w.confidence = text, confidence
    tables = find_image_tables(img, lines, 200, *read)
    found = [t for t in tables if t.cols == 3]
    assert found, [(t.rows, t.cols) for t in tables]
    return [row[1] for row in found[0].texts()]


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_two_items_boxed_as_one_unsure_glyph_come_out_one_per_row(read, seed):
    got = _middle_column(seed, read, "言", 0.13)
    assert got == [r[1] for r in ROWS], got


def test_a_sure_tall_word_keeps_its_box(read):
    # the guard: read surely, the box is one glyph (a large bracket, say) and stays one token
    got = _middle_column(1, read, "言", 0.95)
    assert "言" in " ".join(got) and "二" not in got and "三" not in got, got
