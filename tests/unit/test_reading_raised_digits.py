"""A footnote mark, a digit set smaller and raised after a word (``New²``, ``程序²``), comes out as the
plain digit a document's text holds: the recognizer reads such marks as Unicode superscripts."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from tests.factories import _pil_font, degrade, encode_png

# (font, words before the mark, the mark, words after it)
LINES = [
    ("serif", "The fonts of macOS New", "2", " and of Windows are used by default."),
    ("serif", "Its manual gives the details", "4", " of each option it knows."),
    ("cjk", "附带的转换程序", "2", "可以把图片转为文档。"),
]


def _page(size: int) -> np.ndarray:
    img = Image.new("L", (1654, 200 + 3 * size * len(LINES)), 255)
    draw = ImageDraw.Draw(img)
    small = round(size * 0.62)
    for i, (font, before, mark, after) in enumerate(LINES):
        face, face_small = _pil_font(font, size), _pil_font(font, small)
        x, y = 160, 100 + 3 * size * i
        draw.text((x, y), before, font=face, fill=0)
        x += face.getlength(before)
        # Raised by about a third of the size, as TeX sets a footnote mark.
        draw.text((x + 1, y - round(size * 0.12)), mark, font=face_small, fill=0)
        x += face_small.getlength(mark) + 1
        draw.text((x, y), after, font=face, fill=0)
    return np.asarray(img)


@pytest.mark.parametrize("scan", [False, True])
def test_raised_digits_read_as_plain_digits(engine, scan):
    img = _page(32)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=5)
    text = list(engine.process(encode_png(img)))[0].text
    assert not set(text) & set("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉"), text
    flat = "".join(text.split())
    for _, before, mark, after in LINES:
        word = "".join(before.split())[-3:]
        assert f"{word}{mark}" in flat, (word + mark, text)
