"""Unruled tables as typesetters (TeX, texinfo) lay them out, born-digital, each shape from a published
manual that was misread: tall glyph boxes, justified cells. Pages are drawn here with known cells."""
from __future__ import annotations

import pymupdf

from pipeline.tables import find_pdf_tables

FS = 10.0
LEAD = 13.0  # single-spaced, as texinfo sets a @multitable
ASC, DESC = pymupdf.Font("helv").ascender, -pymupdf.Font("helv").descender


def _word(page: pymupdf.Page, x: float, base: float, text: str, tall: bool = False) -> None:
    if tall:
        # a glyph whose font box reaches far below the line (TeX's braces and bullets): a larger size,
        # set so that its box starts where the line's does
        size = 1.7 * FS
        page.insert_text((x, base - ASC * FS + ASC * size), text, fontname="helv", fontsize=size)
    else:
        page.insert_text((x, base), text, fontname="helv", fontsize=FS)


def _tables(doc: pymupdf.Document):
    return find_pdf_tables(doc[0], 200)


def _texts(table) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in table.grid()]


def test_tall_glyph_boxes_do_not_merge_the_rows_of_a_table():
    rows = [("{bf}", "Bold font"), ("{it}", "Italic font"), ("{sl}", "Oblique font"), ("{rm}", "Normal font")]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((56, 80), "Besides special glyphs, the formatting of the text can be changed", fontsize=FS)
    page.insert_text((56, 80 + LEAD), "using the codes", fontsize=FS)
    base = 80 + 3 * LEAD
    for code, what in rows:
        _word(page, 150, base, code, tall=True)
        _word(page, 260, base, what)
        base += LEAD
    page.insert_text((56, base + LEAD), "These codes may be combined anywhere in the string.", fontsize=FS)
    (table,) = _tables(doc)
    assert _texts(table) == [list(r) for r in rows]
