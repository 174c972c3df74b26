"""A caret standing alone before its item comes out as a caret when it sits lower in its row's crop than a
capital's top (a text font's small caret), or when a scan's blur has filled the ground between its feet to
a dome: read alone, the recognizer makes it a 1 or nothing sure, and its ink tells. Letters on the
baseline, a dash at the row's middle and a quote stay what they were."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.mark_shapes import raised_mark
from tests.factories import _pil_font

ROWS = 39  # a row's crop as lone_marks cuts it: the row's box height, a little above its capitals


def _crop(mark: str, top: int, size: int = 20, font: str = "sans", blur: float = 0.0) -> np.ndarray:
    img = Image.new("L", (34, ROWS), 255)
    draw = ImageDraw.Draw(img)
    f = _pil_font(font, size)
    x0, y0, _, _ = draw.textbbox((0, 0), mark, font=f)
    draw.text((12 - x0, top - y0), mark, font=f, fill=0)
    crop = np.asarray(img)
    return cv2.GaussianBlur(crop, (0, 0), blur) if blur else crop


# A small caret as a blurred scan leaves it: a dome, its feet joined but for a gap under the point.
DOME = np.array([[0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
                 [0, 0, 1, 1, 1, 1, 1, 1, 0, 0],
                 [0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                 [0, 1, 1, 1, 0, 1, 1, 1, 1, 1]], dtype=np.uint8)


def _dome(top: int) -> np.ndarray:
    crop = np.full((ROWS, 33), 200, dtype=np.uint8)
    h, w = DOME.shape
    crop[top : top + h, 11 : 11 + w][DOME > 0] = 70
    return crop


@pytest.mark.parametrize("blur", [0.0, 1.0, 1.5])
def test_a_small_caret_under_the_capitals_height(blur):
    assert raised_mark(_crop("^", 11, blur=blur), "1") == "^"


@pytest.mark.parametrize("top", [8, 11])
def test_a_caret_blurred_to_a_dome(top):
    assert raised_mark(_dome(top), "1") == "^"


def test_what_is_no_caret_stays_so():
    assert raised_mark(_crop("n", 14), "n") is None  # a letter on the baseline
    assert raised_mark(_crop("A", 6, size=24, font="serif"), "A") is None
    assert raised_mark(_crop("-", 18), "-") is None  # a dash at the row's middle
    assert raised_mark(_crop("^", 20), "1") is None  # low in the row: no raised mark
    assert raised_mark(_crop("’", 11, size=24, font="serif"), "，") is None  # a quote this low is a comma's place
    assert raised_mark(_crop("’", 6, size=24, font="serif"), "，") == "’"
