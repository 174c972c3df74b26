"""A table without rules whose last row fills every column with a word as wide as the column, set a
single space from the next (Octave's material table: a row of "default" under columns of numbers).
The table step joins words set no farther apart than the page's word spaces into phrases; that row
became one phrase over all the columns and was cut off as text running across the table. A phrase
over two column boundaries or more is now cut before the words that start where those columns do."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages
from tests.unit.test_tables_scan_bounds import PROSE

ROWS = [("type", "ambient", "diffuse", "specular", "exponent", "color"),
        ('"shiny"', "0.3", "0.6", "0.9", "20", "1.0"),
        ('"dull"', "0.3", "0.8", "0.0", "10", "1.0"),
        ('"metal"', "0.3", "0.3", "1.0", "25", "0.5"),
        ('"default"',) * 6]
XS = (90, 160, 222, 284, 346, 408)  # '"default"' in 10 pt Courier is 54 pt wide: 8 pt to the next column


def _page() -> bytes:
    """A justified paragraph in a narrow measure (the page's word spaces: wide ones, as TeX's), the table
    in Courier, rows 13 pt apart, a sentence after it."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(56, 40, 500, 220), PROSE, fontname="tiro", fontsize=14,
                        align=pymupdf.TEXT_ALIGN_JUSTIFY)
    base = 230
    for row in ROWS:
        for x, text in zip(XS, row):
            page.insert_text((x, base), text, fontname="cour", fontsize=10)
        base += 13
    page.insert_text((56, base + 13), "When called with a vector of three elements, the strengths are updated.",
                     fontname="tiro", fontsize=10)
    return doc.tobytes()


def _texts(table) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in table.grid()]


@pytest.mark.parametrize("seed", [1, 2, 4, 5, 7, 8])
def test_cells_a_space_apart_under_aligned_columns_are_a_row(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == len(XS)]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), len(XS))], (params, [t.texts() for t in page.tables])
    assert _texts(found[0])[-1] == list(ROWS[-1])

