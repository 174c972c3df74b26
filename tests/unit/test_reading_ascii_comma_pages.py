"""A Chinese page typed with ASCII commas and a space after each (如果不带参数, 将会列出…) reads them
ASCII, also where a sharp render leaves more than a side bearing before each comma
(pipeline/punct_widths.page_separator_widths), and a translator's ASCII commas among full-width ones.
Pages rendered from known text, read by the real engine; the page rule on lines with recorded looks."""
import pytest
from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.punct_widths import page_separator_widths
from tests.factories import degrade, encode_png, render_text_image

LINES = [
    "如果不带参数, 将会列出所有软件包仓库中的软件包, 把已经安装的软件包加上前缀.",
    "如果带参数, 将会列出全部的集合或安装方案, 而不列出软件包, 同样地加上前缀.",
    "对于普通的软件包, 软件包大小是分四个部分显示的, 对于集合, 显示的是总和.",
    "如果这个软件包没有在本地安装, 那么将会在远端仓库去查找它, 然后显示信息.",
]


@pytest.mark.parametrize("font,size,scan", [("cjk-serif", 30, False), ("cjk-serif", 28, False), ("cjk-serif", 32, True)])
def test_a_page_of_ascii_commas_reads_them_ascii(engine, font, size, scan):
    img = render_text_image(LINES, font=font, size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=5)
    text = list(engine.process(encode_png(img)))[0].text
    assert text.count(",") == 10 and "，" not in text, text


# A translator's ASCII commas (", ") in a text whose typesetter sets full-width ones in em cells
# (impatient-zh): in Noto Serif CJK most of the ASCII ones keep a little more than a side bearing from
# the ideograph before them, and only two or three hug it strictly.
MIXED = [
    "我们在第五章里解释了这些命令，你可以在目录中找到它们，然后阅读说明。",
    "这些命令根据功能分门别类, 而不是按字典顺序, 所以如果你知道你想做什么, 但不知道",
    "该用什么命令，你可以使用目录来引导你找到正确的命令组，我们标出了常用的命令。",
    "本书最主要的部分就是用来解释这些命令, 从第五章到第九章, 我们解释了它们的用法。",
    "每个命令都有一个简短的描述，说明它的参数和效果，以及一些例子。",
]


@pytest.mark.parametrize("size,scan", [(32, False), (30, True)])
def test_ascii_commas_typed_among_full_width_ones_read_as_printed(engine, size, scan):
    img = render_text_image(MIXED, font="cjk-serif", size_px=size)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=5)
    lines = list(engine.process(encode_png(img)))[0].text.split("\n")
    assert [line.count(",") for line in lines] == [text.count(",") for text in MIXED], lines
    # The full-width ones stay (the first line's second one reads as a point in the clean render, on main too).
    assert [line.count("，") for line in lines[1:]] == [0, 2, 0, 2] and "，" in lines[0], lines


def _line(text: str, looks: dict[int, str]) -> DecodedLine:
    return DecodedLine(tuple(DecodedChar(ch, 0.9, k, k + 1, looks.get(k, "")) for k, ch in enumerate(text)), len(text))


def test_near_ascii_looks_follow_the_strict_ones_typed_in_chinese_text():
    cells = [_line("事实上，国内引进很多大学，而且", {3: "cell", 12: "cell"}) for _ in range(4)]
    near = _line("数十年的历史，很多大学的", {6: "near"})
    # A full-width page whose near ones are squeezed em cells, with a caption's ASCII colon after a digit: kept.
    caption = _line("表 2: 国内主要大学", {3: "ascii"})
    page = cells + [near, caption]
    assert [d.text for d in page_separator_widths(page)] == [d.text for d in page]
    # Two typed after an ideograph look ASCII strictly: the near one is one of them.
    typed = [_line("主要词汇，本书最主要的，我们", {4: "ascii", 11: "ascii"})]
    out = page_separator_widths(cells + [near] + typed)
    assert out[4].text == "数十年的历史, 很多大学的" and out[5].text == "主要词汇, 本书最主要的, 我们"
    assert [d.text for d in out[:4]] == [d.text for d in cells]
