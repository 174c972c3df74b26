"""Angle brackets beside Chinese text are read as printed: 〈宽度〉 and 《书名》, not (宽度), <宽度>, 《宽度〉.

Lines rendered from known text in the CJK fonts, read by the real engine.
"""
import numpy as np
import pytest
from pipeline.angle_brackets import _double, _pairs
from pipeline.line_ink import ink_runs
from pipeline.ctc import DecodedChar
from tests.factories import degrade, encode_png, render_text_image

LINES = [
    "logo-size = {〈宽度〉, 〈高度〉}",
    "title = {〈中文标题〉} author = {〈姓名〉}",
    "书名号《红楼梦》与尖括号〈数字〉不同。",
    "论文封面（封一）和声明页（封三），如 a < b 时。",
]


@pytest.mark.parametrize("font,size,scan", [("cjk-serif", 24, False), ("cjk-serif", 32, True), ("cjk", 24, True)])
def test_angle_brackets_beside_chinese(engine, font, size, scan):
    img = render_text_image(LINES, font=font, size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    text = list(engine.process(encode_png(img)))[0].text
    for word in ["〈宽度〉", "〈高度〉", "〈中文标题〉", "〈姓名〉", "《红楼梦》", "〈数字〉", "（封一）", "（封三）"]:
        assert word in text
    assert "<" in text  # a less-than sign stays one


def test_a_less_than_sign_is_no_bracket():
    # `(<2GiB)`: the parenthesis pairs with its own kind across the sign; so across a spaced one.
    for text, pair in [("硬盘(<2GiB)上", (2, 8)), ("如(a < b)时", (1, 7)), ("值(x<=1)时", (1, 6))]:
        assert _pairs([DecodedChar(ch, 1.0, i, i + 1) for i, ch in enumerate(text)]) == [pair]


def _bracket_ink(strokes: int, broken_rows: set[int]) -> np.ndarray:
    """A 24-row 〈 (or 《 with two strokes) as ink, its stroke split in two in ``broken_rows``."""
    ink = np.zeros((24, 20), np.uint8)
    for r in range(24):
        x = 3 + abs(12 - r) // 2
        for k in range(strokes):
            ink[r, x + 5 * k] = 1
            if r in broken_rows:
                ink[r, x + 5 * k + 2] = 1
    return ink


def test_a_single_bracket_broken_up_by_resampling_stays_single():
    # A page turned back a quarter and levelled by 5° breaks a thin 〈's stroke in some rows (exam-zh's
    # 〈文件〉, a quarter of its rows crossed ink twice, was read 《文件》); a 《 crosses twice in most.
    single = _bracket_ink(1, {2, 5, 8, 11, 14, 17, 20})
    double = _bracket_ink(2, set())
    for ink, want in [(single, False), (double, True)]:
        runs = ink_runs(ink.sum(axis=0) >= 1)
        centre = float(np.flatnonzero(ink.any(axis=0)).mean())
        assert _double(ink, runs, [centre], centre) is want
