"""A box the detector finds inside a taller line's crop (a speck in a blurred line's indent, a fragment of one
of its words) is not a line of its own: the line's crop reads its ink, and read alone it added characters that
are not on the page ("20", "Nse" from paper noise) or read a word twice."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.detect import DetectedLine, drop_nested
from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font, degrade, encode_png


def _quad(x0, y0, x1, y1) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def _kept(quads: list[np.ndarray]) -> list[list[float]]:
    return [q.min(axis=0).tolist() + q.max(axis=0).tolist() for q in drop_nested(quads)]


def test_a_small_box_inside_a_line_goes():
    line, speck = _quad(100, 100, 900, 134), _quad(104, 118, 122, 128)
    assert _kept([line, speck]) == _kept([line])


def test_marks_beside_a_line_and_lines_overlapping_stay():
    line = _quad(100, 100, 900, 134)
    beside = _quad(60, 108, 80, 128)  # an operator an em before its item
    half_in = _quad(890, 106, 930, 126)  # a mark at the line's end, half out of its crop
    neighbour = _quad(100, 128, 700, 160)  # the next line, its box reaching into this one's
    superscript = _quad(400, 96, 430, 118)  # taller than half the line: a line's own, not a speck
    quads = [line, beside, half_in, neighbour, superscript]
    assert len(drop_nested(quads)) == len(quads)


TEXT = ["Every copy of the manual carries the licence notice as printed.",
        "Nothing may be added to the text of the notice by anyone."]


def _page() -> tuple[np.ndarray, list[float]]:
    """The page, and the box of the first line's word "manual" (x0, y0, x1, y1) drawn at 30 px."""
    font = _pil_font("serif", 30)
    img = Image.new("L", (1400, 400), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(TEXT):
        draw.text((120, 120 + 60 * i), line, font=font, fill=0)
    x0 = 120 + font.getlength("Every copy of the ")
    x1 = x0 + font.getlength("manual")
    top, bottom = draw.textbbox((120, 120), TEXT[0], font=font)[1::2]
    return np.asarray(img), [x0, top, x1, bottom]


class _WithFragment:
    """The engine's detector, also boxing a piece of one word, half its line's height: such pieces came
    out of blurred scans beside the line's own box."""

    def __init__(self, detector, box):
        self.detector, self.box = detector, box

    def __call__(self, gray):
        x0, top, x1, bottom = self.box
        mid = (top + bottom) / 2
        piece = _quad(x0, mid - 0.2 * (bottom - top), x1, mid + 0.2 * (bottom - top))
        return [*self.detector(gray), DetectedLine(quad=piece, score=0.6)]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


@pytest.mark.parametrize("scan", [False, True])
def test_a_fragment_box_inside_a_line_adds_nothing(engine, scan):
    img, word = _page()
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=5)
    detector = engine.detector
    engine.detector = _WithFragment(detector, word)
    try:
        page = list(engine.process(encode_png(img)))[0]
    finally:
        engine.detector = detector
    assert [" ".join(line.text.split()) for line in page.lines] == TEXT
