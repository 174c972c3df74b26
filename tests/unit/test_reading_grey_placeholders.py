"""Placeholders in grey between math angle brackets on a Chinese line (iii. ⟨种加词⟩；iv. ×⟨种加词⟩；),
which the recognizer reads as parentheses, come out as ⟨ ⟩ where one bracket of the pair alone shows
the two straight strokes of an angle and its partner, run into the mark after it, cannot be measured
(pipeline/math_angles.py); parentheses on the same page stay parentheses. Lines typeset glyph by
glyph, the angle brackets drawn as a math font draws them (two thin strokes meeting at a point, taller
than the Chinese glyphs), read by the real engine."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from tests.factories import _pil_font, degrade, encode_png

LINES = ["9. ⟨标本份数⟩：标本的同号复份数目，用阿拉伯数字表示。",
         "其中 ⟨属级部分⟩ 有 2 类结构，⟨种级部分⟩ 有 9 类结构：",
         "iii. ⟨种加词⟩；iv. ×⟨种加词⟩；v. aff. ⟨种加词⟩；"]
CODE = ["函数 f(x) 与 (a, b) 都按原样印出。"]


def _typeset(lines: list[str], size: int, grey: int, scan: bool) -> np.ndarray:
    """``lines``: Chinese in Noto Serif CJK, ASCII in Liberation Serif, a placeholder and its angle
    brackets in ``grey``; with ``scan``, degraded as a scan."""
    cjk, latin = _pil_font("cjk-serif", size), _pil_font("serif", size)
    img = Image.new("L", (1300, 40 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for row, line in enumerate(lines):
        x, y = 30.0, 20 + 60 * row
        top, bottom = y - 0.1 * size, y + 1.25 * size
        grey_now = False
        for ch in line:
            if ch == " ":
                x += size / 3
                continue
            if ch in "⟨⟩":
                width = 0.2 * size
                tip, back = (x + 0.05 * size, x + width) if ch == "⟨" else (x + width - 0.05 * size, x)
                draw.line([(back, top), (tip, (top + bottom) / 2), (back, bottom)], fill=grey, width=2)
                x += width + (0.05 * size if ch == "⟨" else 0)
                grey_now = ch == "⟨"
                continue
            font = latin if ch.isascii() or ch == "×" else cjk
            draw.text((x, y), ch, font=font, fill=grey if grey_now else 0)
            x += font.getlength(ch)
    page = np.asarray(img)
    return degrade(page, blur=0.8, noise=8, jpeg_quality=60, seed=2) if scan else page


@pytest.mark.parametrize("size", [28, 32])
@pytest.mark.parametrize("grey", [110, 150])
@pytest.mark.parametrize("scan", [False, True])
def test_grey_placeholders_between_angle_brackets(engine, size, grey, scan):
    # A page of such placeholders; the third line's brackets the recognizer reads as parentheses.
    placeholders = list(engine.process(encode_png(_typeset(LINES, size, grey, scan))))[0].text.splitlines()[-1]
    assert placeholders.replace(" ", "").count("⟨种加词⟩") == 3, placeholders


@pytest.mark.parametrize("scan", [False, True])
def test_parentheses_beside_them_stay(engine, scan):
    text = list(engine.process(encode_png(_typeset(CODE, 30, 0, scan))))[0].text
    assert "f(x)" in text and "(a, b)" in text, text
