"""A small unruled table whose rows are set as close as text lines (a brochure's list of meetings by
year): no gap runs between its rows, only between its columns, and it is read row by row, not column
by column (``pipeline/layout.py``, a row of cells whose lines all stand level)."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, cer, degrade, render_text_image
from tests.unit.test_page_order import SCAN, paste, position, read

YEARS = ["2013", "2012", "2011", "2010", "2009", "2008"]
PLACES = ["Tokyo, Japan", "Boston, Massachusetts", "Trivandrum, Kerala", "San Francisco, California",
          "Notre Dame, Indiana", "Cork, Ireland"]
NOTES = ["to be announced", "annual meeting", "with a workshop", "fall meeting", "joint meeting", "spring meeting"]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def close_rows_page() -> np.ndarray:
    page = np.full((1100, 1654), 255, np.uint8)
    y = paste(page, render_text_image(EN_TEXT[0:3], size_px=26, width=1300, margin=0), 140, 100) + 50
    for x, column in ((140, YEARS), (330, PLACES), (820, NOTES)):
        below = paste(page, render_text_image(column, size_px=26, width=460, margin=0, line_gap=1.0), x, y)
    paste(page, render_text_image(EN_TEXT[3:5], size_px=26, width=1300, margin=0), 140, below + 50)
    return page


def test_table_rows_set_close_read_row_by_row(engine):
    r = read(engine, degrade(close_rows_page(), **SCAN))
    rows = [f"{y} {p} {n}" for y, p, n in zip(YEARS, PLACES, NOTES)]
    assert cer("\n".join([*EN_TEXT[0:3], *rows, *EN_TEXT[3:5]]), r.text) <= 0.03, r.text
    where = [position(r.text, piece) for y, p, n in zip(YEARS, PLACES, NOTES) for piece in (y, p[:4], n[:4])]
    assert 0 <= where[0] and where == sorted(where), r.text
