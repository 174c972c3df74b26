"""Angle brackets beside Chinese text read as the page prints them: the math font's narrow ⟨属级部分⟩ or
the CJK font's wide 〈说明〉 (pipeline/angle_widths.py). Pages rendered from known text, Chinese in Noto
Serif CJK and ⟨ ⟩ in DejaVu Sans (the CJK fonts have no such glyph), read by the real engine."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from tests.factories import _pil_font, degrade, encode_png

LINES = [
    "可用通式 〈属级部分〉 和 〈种级部分〉 表示，其中各部分的含义见下文。",
    "当文档类的 〈选项〉 包含此值时，每个命令将输出 〈标本份数〉 张。",
    "可选参数 〈列格式说明〉 与标准表格的列格式说明语法一致。",
    "插入图表标题，可选参数 〈短标题〉 用于图表目录。",
]


def _page(lines: list[str], math: bool, size: int) -> np.ndarray:
    """The lines on a page, in Noto Serif CJK; with ``math``, each 〈 〉 drawn as DejaVu Sans's ⟨ ⟩."""
    cjk, latin = _pil_font("cjk-serif", size), _pil_font("sans", size)
    img = Image.new("L", (1654, 200 + 2 * size * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        x, y = 120.0, 120 + 2 * size * n
        for ch in line:
            if math and ch in "〈〉":
                ch, face = "⟨⟩"[ch == "〉"], latin
            else:
                face = cjk
            draw.text((x, y), ch, font=face, fill=0, anchor="ls")
            x += face.getlength(ch)
    return np.asarray(img, dtype=np.uint8).copy()


@pytest.mark.parametrize("math", [True, False])
@pytest.mark.parametrize("size,scan", [(30, False), (34, True)])
def test_angle_brackets_take_the_form_printed(engine, math, size, scan):
    img = _page(LINES, math, size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=2)
    text = list(engine.process(encode_png(img)))[0].text.replace(" ", "")
    want, other = ("⟨", "⟩"), ("〈", "〉")
    if not math:
        want, other = other, want
    for word in ("属级部分", "种级部分", "选项", "标本份数", "列格式说明", "短标题"):
        assert f"{want[0]}{word}{want[1]}" in text, text
    assert other[0] not in text and other[1] not in text, text
