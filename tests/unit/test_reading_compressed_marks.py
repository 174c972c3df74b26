"""Full-width marks that a page sets in half an em, as some Chinese typesetting compresses them, read
full-width beside Chinese text, and ASCII marks in its Latin runs read ASCII
(pipeline/compressed_marks.py); an index's ASCII comma after a full-width bracket reads ASCII
(pipeline/punct_widths.py). Lines typeset glyph by glyph (tests/mixed_print.py), read by the real engine."""
import re
import numpy as np
import pytest


from tests.factories import encode_png
from tests.mixed_print import typeset

Q = "\u2005"  # xeCJK's quarter-em glue between Chinese and Latin text
COMPRESSED = [
    "本手册介绍模板的用法，包括安装、配置和常见问题，方便读者查阅。",
    "作者：Wang" + Q + "与" + Q + "Chen，两人共同维护这个项目，欢迎反馈。",
    "请先访问项目主页（" + "gitee）获取最新的发行版（通常每月更新一次）。",
    "源码托管在" + Q + "mytpl（需要登录后才能访问），下载后解压即可使用。",
]
LATIN_RUN = "可选的文档类选项有" + Q + "draft, final, twoside" + Q + "三种，默认为" + Q + "final。"
ASCII_BRACKET = "只在使用" + Q + "(pdf)LaTeX" + Q + "编译时，本选项才有意义。"


def _read(engine, img: np.ndarray) -> list[str]:
    return [line for line in list(engine.process(encode_png(img)))[0].text.split("\n") if line]


@pytest.mark.parametrize("scan", [False, True])
def test_compressed_fullwidth_marks_beside_chinese_text_read_fullwidth(engine, scan):
    img = typeset(COMPRESSED + [LATIN_RUN, ASCII_BRACKET], scan=scan, squeeze="，：；（）")
    lines = _read(engine, img)
    assert len(lines) == 6, lines
    for got, want in zip(lines[:4], COMPRESSED):
        want = want.replace(Q, " ")
        marks = [ch for ch in got if ch in ",:;()，：；（）"]
        assert marks == [ch for ch in want if ch in ",:;()，：；（）"], (got, want)
    # The Latin run's commas and the bracket set apart by the glue stay ASCII.
    assert "draft, final, twoside" in lines[4], lines[4]
    assert "(pdf)LaTeX" in lines[5] and "（" not in lines[5], lines[5]


INDEX = ["幅角, 19", "数组切割（slice）, 77", "空数组（null" + Q + "array）, 70", "浅复制, 70", "深复制, 70",
         "控制流, 17", "标签位置, 13", "空白数组（empty" + Q + "array）, 70"]


@pytest.mark.parametrize("scan", [False, True])
def test_an_index_ascii_comma_after_a_fullwidth_bracket_reads_ascii(engine, scan):
    # The bracket's own blank stands before the comma; the word space after it tells.
    lines = _read(engine, typeset(INDEX, scan=scan))
    after = [re.search(r"[)）](.)", line) for line in lines if "（" in line]
    assert len(after) == 3 and all(m and m.group(1) == "," for m in after), lines


# A browser sets ASCII brackets tight against Chinese text and its full-width commas in whole em cells (LibreOffice's
# and Debian's HTML manuals printed): a page that compresses no mark, so its tight brackets are ASCII, with the word
# space kept where one was set.
BROWSER = [
    "使用鼠标需要加载特定的内核模块，大多时候会自动检测，但不一定适用于旧的串口。",
    "PS/2 鼠标(将自动识别)，USB 鼠标(将自动识别)，大多数串口鼠标，总线型鼠标。",
    "可以从硬盘 (包括 U 盘)、光盘或者网络引导，然后按照提示完成安装。",
]


@pytest.mark.parametrize("scan", [False, True])
def test_tight_ascii_brackets_on_a_page_of_em_cell_commas_stay_ascii(engine, scan):
    img = typeset(BROWSER, scan=scan, space=0.28, latin_face="sans", cjk_face="cjk")
    lines = _read(engine, img)
    assert "鼠标(将自动识别)，USB 鼠标(将自动识别)" in lines[1], lines
    assert "硬盘 (包括 U 盘)" in lines[2], lines
    assert "（" not in "".join(lines) and "）" not in "".join(lines)
