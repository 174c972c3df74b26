"""Spaces beside Chinese text as printed, decided from the gaps the page leaves (pipeline/spacing.py).

Lines are typeset as a TeX engine with xeCJK sets them (tests/mixed_print.py): Chinese from a CJK
font, Latin from a Latin one, a quarter em of glue between the two and interword spaces shrunk as a
justified line shrinks them. Read by the real recognizer, with its own spaces taken out and the
space class capped where the test is of the repair; end to end through the engine elsewhere.
"""
import re
from dataclasses import replace
import numpy as np
import pytest
from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.spacing import add_missing_spaces
from tests.factories import degrade, encode_png
from tests.mixed_print import typeset
from tests.unit.test_reading_spaces import _unsure_of_spaces


def _repair(recognizer, img: np.ndarray, cap: float, ascii_commas: bool = False) -> tuple[str, str]:
    """What the model reads on the line in ``img``, and that reading with its spaces taken out,
    the space class capped at ``cap``, and the spaces put back from the image (its commas made
    ASCII first with ``ascii_commas``, as pipeline/punct_widths.py finds them on a page)."""
    ys, xs = np.nonzero(img < 128)
    pad = (ys.max() - ys.min()) // 3
    crop = recognizer._resize(img[max(0, ys.min() - 4) : ys.max() + 5, max(0, xs.min() - pad) : xs.max() + pad])
    probs = recognizer.session.run(recognizer.network_input([crop]))[0]
    line = recognizer.decoder.decode(probs)
    bare, unsure = _unsure_of_spaces(recognizer, line, probs, cap)
    if ascii_commas:
        bare = DecodedLine(tuple(replace(c, char=",") if c.char == "，" else c for c in bare.chars), bare.steps)
    return line.text, add_missing_spaces(bare, LineInk(crop), unsure, recognizer.decoder.num_classes - 1).text


@pytest.mark.parametrize("scan", [False, True])
def test_the_chinese_em_measures_the_glue_when_the_ink_band_is_taller(engine, scan):
    # A rule under the line's start (a margin note's, a link's underline) makes the line's ink band
    # taller than its glyphs; the quarter em of glue is still a quarter of the Chinese pitch.
    glued = "新版本宏包中，参考\u2005zhmetrics\u2005宏包，这和选项\u2005zhmap\u2005的取值有关，需要安装\u2005CJK\u2005字体"
    for text, want in [(glued, glued.replace("\u2005", " ")), (glued.replace("\u2005", ""), glued.replace("\u2005", ""))]:
        img = typeset([text]).copy()
        ys, xs = np.nonzero(img < 128)
        y = int(ys.max() + 0.3 * 32)
        img[y : y + 2, xs.min() : xs.min() + 3 * 32] = 0
        if scan:
            img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
        read, fixed = _repair(engine.recognizer, img, cap=0.0)
        assert read.replace(" ", "") == want.replace(" ", "")
        assert fixed == want


@pytest.mark.parametrize("scan", [False, True])
def test_a_name_with_an_accent_stands_apart_from_chinese(engine, scan):
    text = "但 André 很清楚他要画的是什么，André 的朋友"
    assert list(engine.process(encode_png(typeset([text], space=0.25, scan=scan))))[0].text == text


@pytest.mark.parametrize("scan", [False, True])
def test_an_ascii_comma_after_chinese_keeps_the_word_space_after_it(engine, scan):
    # An index set with ASCII commas: the page number after each stands a word space apart. Whether
    # a comma is read full-width is pipeline/punct_widths.py's concern; a digit never touches one.
    index = "层, 7 布尔类型, 18 帧, 45 幅角, 19 序对, 1 引号, 21 引用, 55 映射"
    text = list(engine.process(encode_png(typeset([index], scan=scan))))[0].text
    assert re.sub("[,，] ?", ", ", text) == index
    assert not re.search(r",\d", text)
    # Set tight, the number stays against its comma.
    tight = "出版社,2013 年和出版社,2017 年"
    assert list(engine.process(encode_png(typeset([tight], scan=scan))))[0].text == tight


@pytest.mark.parametrize("scan", [False, True])
def test_latin_words_on_a_chinese_line_keep_their_shrunk_word_space(engine, scan):
    # A justified line shrinks TeX's interword space toward a quarter em; the model gives it a few
    # per cent, and the Chinese glyphs' wide gaps hide what the line's letters usually leave.
    text = "本地安装 TeX Live 或 Mac OS 的用户和 Office Word 的用户，安装 TeX Live 时使用 Adobe Reader 打开"
    read, fixed = _repair(engine.recognizer, typeset([text], space=0.25, scan=scan), cap=0.03)
    assert read.replace(" ", "") == text.replace(" ", "")
    assert fixed == text
    # Run together, the same words stay together.
    tight = text.replace(" ", "")
    assert " " not in _repair(engine.recognizer, typeset([tight], scan=scan), cap=0.03)[1]


@pytest.mark.parametrize("scan", [False, True])
def test_a_table_rule_over_the_line_does_not_close_its_gaps(engine, scan):
    # A cell's text set close under the table's rule: the rule crosses every gap of the crop, a
    # little aslant as a scan draws it.
    glued = "部分\u2005root\u2005权限的程序，GNU\u2005项目的\u2005Emacs\u2005编辑器"
    img = typeset([glued]).copy()
    ys, xs = np.nonzero(img < 128)
    for x in range(xs.min() - 60, xs.max() + 60):
        y = ys.min() - 4 + (x - xs.min()) // 400
        img[y : y + 2, x] = 0
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    read, fixed = _repair(engine.recognizer, img, cap=0.0)
    assert read.replace(" ", "") == glued.replace("\u2005", "")
    assert fixed == glued.replace("\u2005", " ")


@pytest.mark.parametrize("scan", [False, True])
def test_the_tails_of_the_line_above_do_not_close_the_gaps(engine, scan):
    # A crop cut high takes in the tips of the descenders of the line above, a few rows over this one.
    glued = "部分\u2005root\u2005权限的程序，可以使用\u2005Emacs\u2005编辑器和\u2005GNU\u2005工具"
    img = typeset([glued]).copy()
    above = typeset(["gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy gjpqy"])
    last = np.flatnonzero((above < 128).any(axis=1)).max()
    ys, xs = np.nonzero(img < 128)
    tips = (slice(ys.min() - 8, ys.min() - 4), slice(xs.min(), xs.max()))
    img[tips] = np.minimum(img[tips], above[last - 3 : last + 1, xs.min() : xs.max()])
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    read, fixed = _repair(engine.recognizer, img, cap=0.0)
    assert read.replace(" ", "") == glued.replace("\u2005", "")
    assert fixed == glued.replace("\u2005", " ")


def test_angle_brackets_around_a_placeholder_keep_the_glue_outside(engine):
    # fduthesis's 〈宽度〉 is a math font's bracket pair, not CJK cells: xeCJK sets its quarter em
    # outside them, and the text layer has a space there; inside, the bracket touches its text.
    glued = "需指定高度，可在\u2005⟨宽度⟩\u2005处填入一个空的参数"
    read, fixed = _repair(engine.recognizer, typeset([glued]), cap=0.0)
    assert read.replace(" ", "") == "需指定高度，可在〈宽度〉处填入一个空的参数"
    assert fixed == "需指定高度，可在 〈宽度〉 处填入一个空的参数"
    assert " " not in _repair(engine.recognizer, typeset([glued.replace("\u2005", "")]), cap=0.0)[1]


@pytest.mark.parametrize("scan", [False, True])
def test_operators_between_latin_words_on_a_chinese_line_keep_their_spaces(engine, scan):
    # A justified line's shrunk word space (a quarter em) beside + or = gets none of the model's
    # space class; operators and coordinates set without spaces stay together.
    text = "使用\u2005Win + R\u2005组合键，选项\u2005backend = biber\u2005的取值"
    read, fixed = _repair(engine.recognizer, typeset([text], space=0.25, scan=scan), cap=0.0)
    want = text.replace("\u2005", " ")
    assert read.replace(" ", "") == want.replace(" ", "")
    assert fixed == want
    tight = "坐标\u2005(3cm,4cm)\u2005的点，选项\u2005backend=biber\u2005和\u2005Win+R"
    assert _repair(engine.recognizer, typeset([tight], space=0.25, scan=scan), cap=0.0)[1] == tight.replace("\u2005", " ")


def test_a_number_after_an_ascii_comma_in_an_index_keeps_a_shrunk_word_space(engine):
    # asymptote-manual's index: 恒同变换, 55, the word space after the comma shrunk toward a fifth of
    # an em (xeCJK's quarter em after the number). Where a comma's centre falls on the model's time
    # steps moves its measured gap a little, so the spaces are counted over several lines.
    index = "填充规则, 38\u2005恒同变换, 55\u2005构造函数, 57\u2005扩展布尔类型, 18\u2005数组, 69"
    kept = 0
    for space in (0.22, 0.24, 0.26):
        for scan in (False, True):
            fixed = _repair(engine.recognizer, typeset([index], space=space, scan=scan), cap=0.0, ascii_commas=True)[1]
            assert fixed.replace(" ", "") == index.replace("\u2005", "").replace(" ", "")
            assert " " not in re.sub(r"\d \w", "", fixed.replace(", ", ""))  # no space but these
            kept += fixed.count(", ")
    assert kept >= 27  # of 30


@pytest.mark.parametrize("space,scan", [(0.16, False), (0.16, True), (0.2, False), (0.2, True)])
def test_numbers_beside_chinese_keep_the_glue_as_it_shrinks(engine, space, scan):
    # xeCJK's glue around a number, shrunk on a tight line and by the scan's blur: a digit other than
    # 1 has side bearings no wider than a letter's. Set tight, numbers stay against their Chinese.
    text = "在 2009 年发布第 2 版，到了 20 世纪 90 年代，共 56 章和 34 节"
    assert _repair(engine.recognizer, typeset([text], space=space, scan=scan), cap=0.0)[1] == text
    tight = "在2009年发布第2版，到了20世纪90年代，共56章和34节，见第1章和第11节"
    assert _repair(engine.recognizer, typeset([tight], scan=scan), cap=0.0)[1] == tight


@pytest.mark.parametrize("scan", [False, True])
def test_a_file_extension_after_chinese_keeps_the_glue_before_its_dot(engine, scan):
    # 映射到 .ttf 文件: the dot starts a name, xeCJK's glue stands before it; set tight, it stays so.
    glued = "把命令映射到\u2005.ttf\u2005文件，字库到\u2005.otf\u2005的映射"
    assert _repair(engine.recognizer, typeset([glued], scan=scan), cap=0.0)[1] == glued.replace("\u2005", " ")
    tight = "只需要.tfm\u2005文件，或者.otf\u2005文件"
    assert _repair(engine.recognizer, typeset([tight], scan=scan), cap=0.0)[1] == tight.replace("\u2005", " ")
