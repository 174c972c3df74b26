"""A lone operator read unsurely is kept where its ink has that operator's shape, and only there.

Read alone, a small plus or backslash comes out under the lone marks' confidence bar although it is
read right; its ink (a cross, a falling diagonal) agrees with the reading. A caret's ink is no cross,
so a caret read as a plus stays out."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.engine import Engine, EngineConfig
from pipeline.lone_marks import LoneMarkSettings, read_marks
from pipeline.mark_shapes import ink_shape_agrees
from tests.factories import _pil_font, degrade


def _mark_crop(mark: str, font: str, size: int) -> np.ndarray:
    """The mark scanned, cut as lone_marks cuts it: the ink's width, a row's height, padded."""
    img = Image.new("L", (size * 2, size * 2), 255)
    ImageDraw.Draw(img).text((size // 2, size // 2), mark, font=_pil_font(font, size), fill=0)
    page = degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=3)
    xs = np.nonzero(page < 170)[1]
    y0 = size // 2 + int(size * 0.05)
    px, py = 0.3 * size, 0.1 * size
    return page[int(y0 - py) : int(y0 + size + py), int(xs.min() - px) : int(xs.max() + 1 + px)]


@pytest.fixture(scope="module")
def read():
    engine = Engine(EngineConfig(threads=1))
    return engine.second_recognizer or engine.recognizer


@pytest.mark.parametrize("mark,font,size", [("+", "sans", 18), ("\\", "mono", 18)])
def test_unsure_operator_with_its_shape_is_kept(read, mark, font, size):
    crop = _mark_crop(mark, font, size)
    d = read([crop])[0]
    # the case this is about: read right, under the bar
    assert d.text.strip() == mark and d.chars[0].confidence < LoneMarkSettings().min_confidence
    kept = read_marks([crop], read, ["addition of the two arguments"])[0]
    assert kept is not None and kept.text.strip() == mark


@pytest.mark.parametrize("mark,font,size,shape", [
    ("-", "serif", 22, "-"), ("+", "serif", 22, "+"), ("|", "sans", 26, "|"), ("/", "serif", 26, "/"),
    ("\\", "mono", 26, "\\")])
def test_operator_ink_has_its_shape(mark, font, size, shape):
    assert ink_shape_agrees(_mark_crop(mark, font, size), shape)


@pytest.mark.parametrize("mark,shape", [("^", "+"), ("^", "-"), ("/", "\\"), ("\\", "/"), ("+", "-"), ("-", "|"),
                                        ("x", "+"), ("o", "+")])
def test_other_ink_is_not_that_operator(mark, shape):
    for font in ("serif", "sans", "mono"):
        assert not ink_shape_agrees(_mark_crop(mark, font, 22), shape), (mark, font)
