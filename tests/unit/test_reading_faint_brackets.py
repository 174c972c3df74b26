"""Angle brackets drawn lighter than the text around them (a thin face on a grey scan) are found by a
threshold of their own (pipeline/faint_glyphs.py) and told from parentheses by their shape
(pipeline/math_angles.py); the line's own threshold leaves them on the paper's side. Lines rendered
from known text, the brackets in grey, read by the real recognizer."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont


from pipeline.faint_glyphs import faint_glyph
from tests.factories import degrade, font_path

LINE = "The optional ⟨trim⟩ and ⟨space⟩ go (if at all) after"


def _line(text: str, grey: int, size: int, scan: bool) -> np.ndarray:
    """``text`` in DejaVu Sans (it draws ⟨ ⟩), black but for the angle brackets in ``grey``, cut and
    scaled to the recognizer's 48-px height."""
    face = ImageFont.truetype(str(font_path("sans")), size)
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("L", (right + 24, bottom - top + 16), 255)
    draw = ImageDraw.Draw(img)
    x = 12.0
    for ch in text:
        draw.text((x, 8 - top), ch, font=face, fill=grey if ch in "⟨⟩" else 0)
        x += face.getlength(ch)
    arr = np.asarray(img)
    if scan:
        arr = degrade(arr, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    h, w = arr.shape
    return cv2.resize(arr, (round(w * 48 / h), 48), interpolation=cv2.INTER_AREA if h > 48 else cv2.INTER_LINEAR)


@pytest.mark.parametrize("grey", [170, 190])
@pytest.mark.parametrize("size, scan", [(30, False), (34, False), (34, True)])
def test_light_angle_brackets_beside_dark_text(engine, grey, size, scan):
    crop = _line(LINE, grey, size, scan)
    [line] = engine.recognizer([crop])
    assert "⟨trim⟩" in line.text and "⟨space⟩" in line.text, line.text
    assert "(if at all)" in line.text


def test_no_glyph_on_blank_paper():
    paper = np.full((48, 200), 230, np.uint8)
    paper[:, 150:] = 0  # dark ink elsewhere in the line does not make the paper a glyph
    assert faint_glyph(paper, 60.0, 2, 115.0) is None
