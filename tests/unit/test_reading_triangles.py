"""A triangle set as a mark before a line's words (▷ Exercise 4.1, a ▶ bullet), which the recognizer
reads as D, written as the triangle (pipeline/triangles.py); a letter D standing alone stays.
The lines are rendered from known text in real fonts, the triangle drawn as TeX's \\triangleright
draws it (an outline about an x-height tall on the baseline), and read by the real engine."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw


from tests.factories import _pil_font, degrade
from tests.line_crops import render_line_crop

WORDS = "Exercise 4.1 Change the dimensions of one paragraph"


def _marked_line(font: str, size: int, solid: bool, scan: bool, side: float = 0.55, stroke: int | None = None,
                 gap: float = 0.4, mark: str = "triangle") -> np.ndarray:
    """The words after a right-pointing triangle (``side`` and ``gap`` in ems, ``stroke`` px; or a ring,
    ``mark="ring"``), as a detected line's crop."""
    face = _pil_font(font, size)
    left, top, right, bottom = face.getbbox(WORDS)
    side = round(side * size)  # a little taller than the x-height, as cmsy's triangle
    img = Image.new("L", (right + side + 60, bottom - top + 16), 255)
    draw = ImageDraw.Draw(img)
    base = 8 - top + face.getmetrics()[0]  # the baseline's row
    x0 = 12
    width = stroke or max(2, size // 12)
    if mark == "ring":
        draw.ellipse([(x0, base - side), (x0 + side, base)], outline=0, width=width)
    else:
        corners = [(x0, base - side), (x0 + round(0.85 * side), base - side / 2), (x0, base)]
        draw.polygon(corners, fill=0 if solid else None, outline=0, width=width)
    draw.text((x0 + side + round(gap * size), 8 - top), WORDS, font=face, fill=0)
    arr = np.asarray(img)
    return degrade(arr, blur=0.8, noise=8, jpeg_quality=60, seed=3) if scan else arr


def _read(engine, crop: np.ndarray) -> str:
    h, w = crop.shape
    crop = cv2.resize(crop, (round(w * 48 / h), 48), interpolation=cv2.INTER_AREA if h > 48 else cv2.INTER_LINEAR)
    [line] = engine.recognizer([crop])
    return line.text


@pytest.mark.parametrize("font", ["serif", "sans"])
@pytest.mark.parametrize("size", [26, 32])
@pytest.mark.parametrize("scan", [False, True])
def test_outlined_triangles_are_written_as_outlined(engine, font, size, scan):
    text = _read(engine, _marked_line(font, size, False, scan))
    assert text.startswith("▷ Exercise 4.1"), text
    # A solid one (read as ▶ or, small and scanned, not at all) is not taken for an outline.
    solid = _read(engine, _marked_line(font, size, True, scan))
    assert "▷" not in solid and solid.lstrip("▶ ").startswith("Exercise 4.1"), solid


@pytest.mark.parametrize("font", ["serif", "sans", "mono"])
@pytest.mark.parametrize("scan", [False, True])
def test_a_letter_d_standing_alone_stays(engine, font, scan):
    text = _read(engine, render_line_crop("D Day, see Appendix D and D flat", font, 30, scan))
    assert text.count("D") == 4 and not any(m in text for m in "▷▶"), text


@pytest.mark.parametrize("font", ["serif", "sans"])
@pytest.mark.parametrize("size", [26, 30])
def test_a_thin_triangle_read_as_nothing_is_put_first(engine, font, size):
    """A thin outline set well before the words (gentle's clean render): the model reads nothing there;
    the triangle's ink, before the first read character, is put first."""
    text = _read(engine, _marked_line(font, size, False, False, side=0.4, stroke=1, gap=0.6))
    assert text.startswith("▷ Exercise 4.1"), text


@pytest.mark.parametrize("font", ["serif", "sans"])
def test_other_unread_marks_before_the_words_are_no_triangle(engine, font):
    text = _read(engine, _marked_line(font, 30, False, False, side=0.4, stroke=1, gap=0.6, mark="ring"))
    assert not any(m in text for m in "▷▶") and "Exercise 4.1" in text, text
