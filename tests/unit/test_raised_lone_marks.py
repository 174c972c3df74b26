"""A quote standing alone before its item (an operator card's ``’`` transpose) comes out on its item's
row: read alone, the recognizer takes it for a comma, and the ink, at the row's top, tells it apart.
A caret so read (as a dash, a quote) is told by its ink's shape the same way; a comma on the
baseline and a dash at the row's middle stay what they are."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from pipeline.mark_shapes import raised_mark
from tests.factories import _pil_font, degrade, encode_png
from tests.operator_rows import operator_page

ITEMS = [("’", "transpose of the whole matrix"), ("+", "addition of the two arguments")]


def _page(size: int) -> np.ndarray:
    return operator_page(ITEMS, "serif", size, "The operators of the language, with what they do:")


@pytest.mark.parametrize("scan", [False, True])
def test_raised_lone_marks_come_out_on_their_rows(engine, scan):
    img = _page(18)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    page = list(engine.process(encode_png(img)))[0]
    rows = [" ".join(line.split()) for line in page.text.splitlines()]
    for mark, item in ITEMS[:1]:
        row = next(r for r in rows if item.split()[0] in r)
        assert row.startswith(f"{mark} "), (mark, row)
    assert sum(len(r) for r in rows) <= sum(len(m) + len(i) + 1 for m, i in ITEMS) + 100


def _row_crop(mark: str, font: str, size: int) -> np.ndarray:
    """The mark cut as lone_marks cuts it: its ink's width, the height of a row of text in that font."""
    img = Image.new("L", (size * 3, size * 3), 255)
    ImageDraw.Draw(img).text((size, size), mark + "Hg", font=_pil_font(font, size), fill=0)
    page = np.asarray(img)
    rows = np.nonzero((page < 128).any(axis=1))[0]
    one = Image.new("L", img.size, 255)
    ImageDraw.Draw(one).text((size, size), mark, font=_pil_font(font, size), fill=0)
    xs = np.nonzero(np.asarray(one) < 128)[1]
    return page[rows.min() : rows.max() + 1, xs.min() - 3 : xs.max() + 4]


@pytest.mark.parametrize("font", ["mono", "serif", "sans"])
def test_raised_ink_is_told_from_the_baseline(font):
    assert raised_mark(_row_crop("^", font, 24), "-") == "^"
    assert raised_mark(_row_crop("’", font, 24), "，") == "’"
    assert raised_mark(_row_crop(",", font, 24), "，") is None  # a comma on the baseline
    assert raised_mark(_row_crop("-", font, 24), "-") is None  # a dash at the row's middle
    assert raised_mark(_row_crop("’", font, 24), "y") is None  # read as a letter, not as a comma
