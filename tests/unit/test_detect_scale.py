"""The detector's input follows the print size: large print runs on fewer pixels, ordinary print does not.

Images are rendered here: a few paragraphs at 40 px a line on an 800-px image (a label or a
screenshot sent to ``POST /v1/ocr``), an A4 page at 200 DPI with 11-pt text, and a page whose
tall marks are not text (a thick frame) around small print, which must not be shrunk.
"""
import cv2
import numpy as np
import pytest

from pipeline.engine import Engine, EngineConfig
from tests.factories import EN_TEXT, cer, degrade, encode_png, render_text_image


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


class _Shapes:
    """Records the input shape of every call to the real detector session (it still runs)."""

    def __init__(self, session):
        self.session, self.shapes = session, []

    def __getattr__(self, name):
        return getattr(self.session, name)

    def run(self, x):
        self.shapes.append(x.shape[2:])
        return self.session.run(x)


@pytest.fixture
def shapes(engine):
    real = engine.detector.session
    engine.detector.session = _Shapes(real)
    yield engine.detector.session.shapes
    engine.detector.session = real


def _read(engine, img) -> str:
    return list(engine.process(encode_png(img)))[0].text


@pytest.mark.parametrize("scan", [False, True])
def test_large_print_is_detected_on_fewer_pixels_and_read_whole(engine, shapes, scan):
    lines = EN_TEXT[:2]
    img = render_text_image(lines, size_px=40, width=800, margin=40)
    if scan:
        img = degrade(img, angle=0.5, blur=0.7, noise=4, jpeg_quality=70, seed=5)
    normal = engine.detector.input_size(*img.shape)
    text = _read(engine, img)
    assert len(shapes) == 1 and shapes[0][0] * shapes[0][1] < 0.7 * normal[0] * normal[1]
    truth = "\n".join(lines)
    assert cer(truth, text) <= 0.01, text


def test_ordinary_print_keeps_the_normal_input(engine, shapes):
    img = render_text_image(EN_TEXT[:6], size_px=30, height=2339)  # 11 pt on A4 at 200 DPI
    _read(engine, img)
    assert shapes and tuple(shapes[0]) == engine.detector.input_size(*img.shape)


def test_tall_marks_that_are_not_lines_fall_back_to_the_normal_input(engine, shapes):
    # Small print inside a heavy frame: the frame's bars and the boxes' tall strokes make
    # the marks look tall; the lines found on the smaller input are too low, so the page
    # is detected again at its normal size and every line is still read.
    lines = EN_TEXT[:3]
    img = render_text_image(lines, size_px=16, width=800, margin=120)
    h, w = img.shape
    for k in range(12):
        x = 20 + k * 62
        cv2.rectangle(img, (x, 10), (x + 30, 100), 0, -1)
        cv2.rectangle(img, (x, h - 100), (x + 30, h - 10), 0, -1)
    text = _read(engine, img)
    normal = engine.detector.input_size(h, w)
    assert tuple(shapes[-1]) == normal or len(shapes) == 1 and tuple(shapes[0]) == normal
    # The bars themselves may read as marks (``III``); every word of the print must be there.
    assert all(word in text.split() for word in " ".join(lines).split()), text
