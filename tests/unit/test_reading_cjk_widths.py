"""Commas, semicolons and brackets in Chinese text come out full-width or ASCII as printed.

A Chinese document may set ASCII punctuation followed by a word space
(``有限, 文档``), which the recognizer reads as the full-width ``，``: the mark
and the blank after it look like a full-width cell; and ASCII brackets with
xeCJK's interword glue between them and the Chinese text, which a rule by
context alone made full-width. Lines typeset glyph by glyph (Chinese from a
CJK font, ASCII marks and the spaces from a Latin one), read by the real engine.
"""
import re
import numpy as np
import pytest


from tests.factories import encode_png
from tests.mixed_print import typeset as _typeset

ASCII_LINES = [
    "由于翻译水平与专业知识有限, 文档中有一些词汇和语句翻译的并不好, 如果您有更好的翻译",
    "在安装的时候, 我们可以选择在不同的级别来进行安装和管理, 比如只安装最小的方案",
    "使用命令行管理这些方案, 集合和软件包是很有必要的; 这篇简介只介绍命令行下的使用",
]
FULL_LINES = [line.replace(", ", "，").replace("; ", "；") for line in ASCII_LINES]


def _read(engine, img: np.ndarray) -> str:
    return list(engine.process(encode_png(img)))[0].text


@pytest.mark.parametrize("scan", [False, True])
def test_ascii_commas_and_semicolons_in_chinese_text_stay_ascii(engine, scan):
    img = _typeset(ASCII_LINES, scan=scan)
    text = _read(engine, img)
    assert "，" not in text and "；" not in text
    assert text.count(",") == 5 and text.count(";") == 1


@pytest.mark.parametrize("space,scan", [(0.5, False), (0.45, True)])
def test_ascii_commas_before_a_stretched_space_stay_ascii_where_the_page_sets_them_so(engine, space, scan):
    # A justified line stretches its word spaces: the blank after its commas nears a full-width cell's.
    stretched = ["所有的软件包, 集合和方案都可以列出, 并且会显示它们的版本"]
    img = np.vstack([_typeset(ASCII_LINES, scan=scan), _typeset(stretched, space=space, scan=scan)])
    assert _read(engine, img).split("\n")[-1] == stretched[0]


@pytest.mark.parametrize("scan", [False, True])
def test_a_colon_ending_a_line_is_fullwidth_or_ascii_as_printed(engine, scan):
    # Nothing follows it to measure: a full-width colon keeps a side bearing from the ideograph before it.
    full = ["如果需要手动安装，可使用安装包：", "可通过以下命令直接克隆代码仓库：", "本文的最基本用法如下："]
    ascii_ = ["使用方法:", "软件包的特有选项:"]
    assert _read(engine, _typeset(full, scan=scan)).split("\n") == full
    assert _read(engine, _typeset(ascii_, scan=scan)).split("\n") == ascii_


def test_fullwidth_commas_in_the_same_print_stay_fullwidth(engine):
    text = _read(engine, _typeset(FULL_LINES))
    assert "," not in text and ";" not in text
    assert text.count("；") == 1


BRACKET_LINES = [
    "这些程序 (也称为引擎) 都包含在发行版中",
    "它内置的解释器 (见后面的说明) 可以直接使用",
]


@pytest.mark.parametrize("scan", [False, True])
def test_ascii_brackets_with_cjk_glue_stay_ascii(engine, scan):
    # xeCJK glues Chinese to an ASCII bracket with an interword space; the recognizer reads no space there.
    img = _typeset(BRACKET_LINES, scan=scan)
    text = _read(engine, img)
    assert "（" not in text and "）" not in text
    assert text.count("(") == 2 and text.count(")") == 2


BULLET_LINES = [
    "• 打开项目主页，点击下载按钮并选择压缩包",
    "• 执行安装脚本，所有文件都会复制到目录中",
    "爱尔兰作家萨缪尔·贝克特写过一部剧本",
]
DASH_LINES = [
    "– ctexbook，提供中文排版的通用框架。",
    "– amsmath，对数学排版功能进行了扩展。",
    "宏包 unicode-math 负责处理数学字体。",
]


@pytest.mark.parametrize("scan", [False, True])
def test_list_labels_and_middle_dots_in_chinese_text(engine, scan):
    # The bullet is a dot a third of an em across, the middle dot of a name a seventh; an en dash label,
    # which the recognizer reads as a hyphen, twice a hyphen's length.
    img = _typeset(BULLET_LINES + DASH_LINES, scan=scan)
    lines = [line for line in _read(engine, img).split("\n") if line]
    assert [line[0] for line in lines[:2]] == ["•", "•"]
    assert "萨缪尔·贝克特" in lines[2]
    assert [line[:2] for line in lines[3:5]] == ["– ", "– "]
    assert "unicode-math" in lines[5]


@pytest.mark.parametrize("scan", [False, True])
def test_a_list_bullet_stands_apart_from_its_chinese_item(engine, scan):
    # LaTeX sets the label half an em before the item; no word space was ever placed before a Chinese character.
    img = _typeset(BULLET_LINES[:2], space=0.5, scan=scan)
    lines = [line for line in _read(engine, img).split("\n") if line]
    assert lines == BULLET_LINES[:2]


@pytest.mark.parametrize("scan", [False, True])
def test_a_compressed_fullwidth_comma_after_a_latin_word_stays_fullwidth(engine, scan):
    # The page sets the comma in half its cell: less blank after it than a word space, more than none.
    lines = ["宏包 ctexbook，提供中文排版的通用框架。", "宏包 amsmath，对数学排版进行了扩展。", "宏包 xcolor，提供彩色支持。"]
    assert _read(engine, _typeset(lines, scan=scan, squeeze="，")).split("\n") == lines


@pytest.mark.parametrize("scan", [False, True])
def test_a_few_ascii_commas_on_a_page_of_whole_fullwidth_cells_stay_ascii(engine, scan):
    # A translated book: the translator's ASCII commas (词汇, 本书) among the typesetter's full-width
    # ones, none of which the page compresses; the ASCII ones are the fewer.
    translated = ["这些命令根据功能分门别类, 而不是按字典顺序, 所以你可以使用目录"]
    img = np.vstack([_typeset(FULL_LINES, scan=scan), _typeset(translated, scan=scan)])
    assert [line for line in _read(engine, img).split("\n") if line] == FULL_LINES + translated


@pytest.mark.parametrize("scan", [False, True])
def test_commas_in_code_between_latin_text_stay_ascii(engine, scan):
    # Code in a monospace face on a Chinese line: its commas leave less than a full-width cell after
    # them, yet the recognizer reads some as ，.
    line = "它带有一个参数\u2005(0,0)--(3cm,4cm)\u2005，参数外面的\u2005size(5cm,0)\u2005表示代码中"
    text = _read(engine, _typeset([line], scan=scan, latin_face="mono"))
    inside = re.findall(r"[(（]([^)）]*)[)）]", text)
    assert len(inside) == 3 and not any("，" in x for x in inside)


@pytest.mark.parametrize("scan", [False, True])
def test_a_fullwidth_comma_between_latin_words_keeps_its_cell(engine, scan):
    line = "打印机，说到页面描述语言\u2005Page Description Language，PDL\u2005是一种语言"
    assert "Language，PDL" in _read(engine, _typeset([line], scan=scan))
