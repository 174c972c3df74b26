"""A slash standing alone before its item (an operator list's ``/`` division) comes out on its item's
row, though it reaches below the row's box: the item has no descenders, so its box ends near the
baseline the slash goes past. Read alone with its foot on the crop's edge it looks like a 1; its lean
tells it. Marks that stay inside the row (a minus, a star) come out as before."""
import cv2
import numpy as np
import pytest


from pipeline.lone_marks import find_lone_marks
from tests.factories import degrade, encode_png
from tests.operator_rows import operator_page

ITEMS = [("-", "subtraction of the second number"), ("/", "division of the two numbers"), ("^", "raised to the nth"),
         ("|", "or"), ("*", "multiplication of both numbers")]


def _page(font: str, size: int) -> np.ndarray:
    return operator_page(ITEMS, font, size, "The arithmetic operators of the language are these:")


@pytest.mark.parametrize("font,size", [("serif", 20), ("sans", 26)])
@pytest.mark.parametrize("scan", [False, True])
def test_a_lone_slash_below_its_row_comes_out(engine, font, size, scan):
    img = _page(font, size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    page = list(engine.process(encode_png(img)))[0]
    rows = [" ".join(line.split()) for line in page.text.splitlines()]
    row = next(r for r in rows if "division" in r)
    assert row == "/ division of the two numbers", row
    # nothing read where there is no mark: the page's other lines are as printed
    assert sum(len(r) for r in rows) <= sum(len(m) + len(i) + 1 for m, i in ITEMS) + 100


def test_marks_inside_their_rows_come_out_as_before(engine):
    page = list(engine.process(encode_png(_page("sans", 26))))[0]
    rows = [" ".join(line.split()) for line in page.text.splitlines()]
    for mark, item in (ITEMS[0], ITEMS[4]):
        assert next(r for r in rows if item.split()[0] in r) == f"{mark} {item}"


def _box(x0: float, y0: float, x1: float, y1: float, tilt: float = 0.0) -> np.ndarray:
    """A line's quad (TL, TR, BR, BL), its right end ``tilt`` pixels lower than its left."""
    return np.array([[x0, y0], [x1, y0 + tilt], [x1, y1 + tilt], [x0, y1]], dtype=np.float32)


def test_a_short_box_drawn_tilted_still_has_the_slash_on_its_row():
    """A one-word item's box drawn 3° off level (its word's own slant) on a level row: followed along that
    tilt back to the slash, its bottom edge would stand well above the slash's foot."""
    gray = np.full((420, 1400), 235, dtype=np.uint8)
    cv2.line(gray, (262, 208), (254, 231), 30, 3)  # the slash, its foot past the row's baseline
    quads = [_box(390, 140, 1380, 172), _box(393, 199, 524, 230, tilt=6.0), _box(390, 258, 1380, 290),
             _box(390, 316, 1380, 348)]
    found = find_lone_marks(gray, quads, 200.0)
    assert [(i, bool(above)) for _, i, above in found] == [(1, False)]
    quad = found[0][0]
    assert quad[:, 1].max() >= 231  # the crop holds the slash's foot
