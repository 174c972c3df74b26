"""A table without rules whose long cell wraps over several lines (Octave's JSON conversion table:
"scalar struct (field names of the struct / may be different …"). On a scan the OCR's line boxes are
padded, so the lines of one cell touch or overlap and their leads are jitter around zero: the table
step took a wrapped line whose box began a few pixels lower than usual for text after the table and
cut the table in two at the wrapped cell (lines are now compared centre to centre there). And the
page was levelled by the median slant of its line boxes, one vote a line: the short one-word boxes
of the first column slant steeply, so the columns were turned out of line with each other and the
rows of the two columns grouped wrongly (the slant is now the median over the lines' length)."""
from __future__ import annotations
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages, unruled_rows_pdf

WRAPPED = ["scalar struct (field names of the struct", "may be different from the keys of",
           "the JSON object after renaming to", "valid variable names)"]
ROWS = [("JSON data type", "Octave data type"), ("Boolean", "scalar logical"), ("Number", "scalar double"),
        ("String", "vector of characters"), ("Object", WRAPPED[0])] + [("", w) for w in WRAPPED[1:]] + \
       [("null, in a numeric array", "NaN"), ("Array, of Booleans", "logical array"),
        ("Array, of Numbers", "double array"), ("Array of Objects", "struct array")]
TABLE = [list(r) for r in ROWS[:4]] + [["Object", " ".join(WRAPPED)]] + [list(r) for r in ROWS[len(WRAPPED) + 4:]]


@pytest.mark.parametrize("seed", [2, 3, 4, 5, 6, 7])
def test_a_cell_wrapped_over_several_lines_keeps_the_table_whole(engine, seed):
    pdf = unruled_rows_pdf(ROWS, (110, 280), 13)  # 10 pt type, rows 13 pt apart
    img, params = scan_like(render_pages(pdf)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    got = [t.texts() for t in page.tables]
    assert [(t.rows, t.cols) for t in page.tables] == [(len(TABLE), 2)], (params, got)
    # the first column (the recognizer may misread one word) and the wrapped cell whole
    assert sum(g[0] == w[0] for g, w in zip(got[0], TABLE)) >= len(TABLE) - 1, got
    assert got[0][4][1] == TABLE[4][1], got
