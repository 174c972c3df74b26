"""A table without rules whose first column holds short numbers stacked one under the other (Octave's
datestr table): on a scan the detector boxes the stack as one tall word, read as one mark ("T", "I"),
and the table step got one token for seven rows. The table step cuts such a box at the rows beside it
and reads each piece (pipeline/tables/reread.py)."""
from __future__ import annotations
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages, unruled_rows_pdf

ROWS = [("Code", "Format", "Example")] + [(str(20 + i), f, e) for i, (f, e) in enumerate([
    ("dd/mm/yy", "07/09/00"), ("mmm.dd,yyyy HH:MM:SS", "Sep.07,2000 15:38:08"), ("mmm.dd,yyyy", "Sep.07,2000"),
    ("mm/dd/yyyy", "09/07/2000"), ("dd/mm/yyyy", "07/09/2000"), ("yy/mm/dd", "00/09/07"),
    ("yyyy/mm/dd", "2000/09/07"), ("QQ-YYYY", "Q3-2000"), ("mmmyyyy", "Sep2000")])]


def _page() -> bytes:
    """10 pt type, rows 11 pt apart, as texinfo sets a @multitable."""
    return unruled_rows_pdf(ROWS, (90, 140, 300), 11)


@pytest.mark.parametrize("seed", [1, 3, 4, 6])
def test_stacked_numbers_boxed_as_one_word_come_out_one_per_row(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert any(ln.box[3] - ln.box[1] > 3 * 40 for ln in page.lines), "the detector no longer stacks them: test moot"
    found = [t for t in page.tables if t.cols == 3]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), 3)], (params, [(t.rows, t.cols) for t in page.tables])
    got = [row[0] for row in found[0].texts()[1:]]
    # each number in its own row (the recognizer may still misread one)
    assert sum(g == w[0] for g, w in zip(got, ROWS[1:])) >= len(ROWS) - 2, got
