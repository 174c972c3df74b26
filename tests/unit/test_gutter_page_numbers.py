"""A page number centred under two columns (or over them) stands in the gutter, clear of both: it is read
after both columns (before them), not as the last line of the column whose side of the gutter it fell on
(``pipeline/gutter_ends.py``)."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, degrade, render_text_image
from tests.unit.test_page_order import SCAN, justified, paste, position, read

LEFT, RIGHT = EN_TEXT[0:6], EN_TEXT[6:12]
MARGIN, COLUMN, GUTTER, SIZE = 150, 620, 110, 26


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def page_with_number(number: str, below: bool, shift: int) -> np.ndarray:
    """Two justified columns, ``number`` in the gutter ``shift`` px off its middle, below or above them.
    Off to the left below (to the right above) the wider clear strip is the one on the number's far
    side: main read it as the left (right) column's last (first) line."""
    left, right = justified([" ".join(LEFT)], COLUMN, size_px=SIZE), justified([" ".join(RIGHT)], COLUMN, size_px=SIZE)
    mark = render_text_image([number], font="serif", size_px=SIZE, width=200, margin=0)
    ink = np.flatnonzero((mark < 128).any(axis=0))
    mark = mark[:, ink.min():ink.max() + 1]
    page = np.full((1300, 2 * MARGIN + 2 * COLUMN + GUTTER), 255, np.uint8)
    top = 200 if below else 300
    paste(page, left, MARGIN, top)
    paste(page, right, MARGIN + COLUMN + GUTTER, top)
    bottom = top + max(left.shape[0], right.shape[0])
    x = MARGIN + COLUMN + (GUTTER - mark.shape[1]) // 2 + shift
    paste(page, mark, x, bottom + 60 if below else top - 60 - mark.shape[0])
    return page


@pytest.mark.parametrize("below, shift", [(True, -12), (False, 12), (True, 12), (False, -12)])
def test_a_page_number_in_the_gutter_is_read_after_or_before_both_columns(engine, below, shift):
    text = read(engine, degrade(page_with_number("63", below, shift), **SCAN)).text
    words = "".join(text.split())
    assert words.count("63") == 1, text
    first, last = position(text, LEFT[0][:25]), position(text, RIGHT[-1][-25:])
    assert 0 <= first < position(text, RIGHT[0][:25]) < last, text
    at = words.find("63")
    assert (at > last) if below else (at < first), text
