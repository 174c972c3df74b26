"""A table without rules whose first column holds single digits (Octave's weekday table: n, "short",
"long"): on a scan the detector misses some lone digits altogether, and the table step glued their
rows to the row above as wrapped cells ("Sun Mon" in one cell) or lost the row's first cell. The
table step reads the ink left of such a line where the lines above or below have an item there
(pipeline/tables/reread.py)."""
from __future__ import annotations
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages, unruled_rows_pdf

DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
ROWS = [("n", '"short"', '"long"')] + [(str(i + 1), d[:3], d) for i, d in enumerate(DAYS)]


def _page() -> bytes:
    """10 pt type, rows 13 pt apart, the digits a third of an inch left of the names."""
    return unruled_rows_pdf(ROWS, (110, 145, 195), 13)


@pytest.mark.parametrize("seed", [2, 5])
def test_lone_digits_the_detector_missed_keep_their_rows(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == 3]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), 3)], (params, [t.texts() for t in page.tables])
    got = found[0].texts()
    assert [r[1:] for r in got] == [list(r[1:]) for r in ROWS], got  # no row glued to the one above
    # the digits read (the recognizer may still misread one: "i" for "1")
    assert sum(g[0] == w[0] for g, w in zip(got[1:], ROWS[1:])) >= len(DAYS) - 1, got
