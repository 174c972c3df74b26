"""Typographic punctuation is read as printed: ’ ‘ “ ” – — • ·, not ' " - ■.

Lines rendered from known text in real fonts, read by the real engine; and
the context rules on their own, where the recognizer cannot tell (straight
against curly quotes: it gives the curly class a few per cent at best).
"""
import numpy as np
import pytest
from PIL import Image, ImageDraw
from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.page_punctuation import page_punctuation
from pipeline.punctuation import normalize_punctuation
from tests.factories import _pil_font, cer, degrade, encode_png, render_text_image

LINES = [
    "He said “don’t go” and the ‘back’ door shut at 10–12 o’clock.",
    "The authors’ notes — written in 1998–2004 — aren’t “final” yet.",
    "• First item · second item",
]


def _read(engine, img) -> str:
    return list(engine.process(encode_png(img)))[0].text


def test_curly_quotes_apostrophes_and_dashes_in_serif(engine):
    # The opening ‘ of ‘back’ loses its only time step to the blank by a hair:
    # the decoder keeps a glyph that close.
    assert _read(engine, render_text_image(LINES, font="serif", size_px=32)).split("\n") == LINES


def test_typographic_punctuation_in_degraded_serif(engine):
    img = degrade(render_text_image(LINES, font="serif", size_px=32), blur=0.8, noise=8, jpeg_quality=60, seed=1)
    text = _read(engine, img)
    for word in ["“don’t go”", "o’clock", "authors’ notes", "aren’t", "“final” yet", "1998–2004", "—", "•", "·"]:
        assert word in text
    assert "'" not in text and '"' not in text
    assert cer("\n".join(LINES), text) < 0.01


@pytest.mark.parametrize("scan", [False, True])
def test_apostrophes_and_quotes_in_sans(engine, scan):
    # DejaVu Sans draws ’ much like ': the words must still come out with ’,
    # and the quotes curly as the page prints them.
    img = render_text_image(LINES, font="sans", size_px=32)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    text = _read(engine, img)
    for word in ["don’t", "o’clock", "authors’ notes", "aren’t", "“final” yet", "‘back’ door", "—", "•", "·"]:
        assert word in text
    assert "'" not in text and '"' not in text
    assert cer("\n".join(LINES), text) < 0.02  # the en dash in 1998–2004 may read as a hyphen here


def test_chinese_quotes_open_and_close(engine):
    line = "所谓“章节的名字”，可以分为前后两部分，称作“auto-install”。"
    assert _read(engine, render_text_image([line], font="cjk", size_px=32)) == line


def _fix(text: str) -> str:
    return "".join(c.char for c in normalize_punctuation([DecodedChar(ch, 1.0, i, i + 1) for i, ch in enumerate(text)]))


def _page(*lines: str) -> list[str]:
    decoded = [DecodedLine(tuple(DecodedChar(ch, 1.0, i, i + 1) for i, ch in enumerate(t)), len(t)) for t in lines]
    return [d.text for d in page_punctuation(decoded)]


def test_rules_on_quotes_between_ideographs_pair_up():
    assert _fix("所谓”章节的名字”，可以") == "所谓“章节的名字”，可以"
    assert _fix("键值列表中，”=“左右的空格") == "键值列表中，“=”左右的空格"
    assert _fix("称作”auto-install”，") == "称作“auto-install”，"


def test_rules_apostrophe_between_letters_is_typographic():
    assert _fix("we can't say, it doesn't") == "we can’t say, it doesn’t"
    assert _fix("x = 'a'; y = 5'") == "x = 'a'; y = 5'"  # no curly evidence on the line: code stays


def test_page_rules_follow_the_page_evidence():
    page = _page("the “Agreement” says", "Most of these 'packages' are", "the authors' notes and 5' 10\"")
    assert page == ["the “Agreement” says", "Most of these ‘packages’ are", "the authors’ notes and 5' 10”"]
    # A string glued to code punctuation stays straight although the page prints curly quotes.
    assert _page("称作“time”。", 'usepackage("amsmath"); label("$\\omega$",(0,0));')[1] == \
        'usepackage("amsmath"); label("$\\omega$",(0,0));'
    # A quote after a digit closes the quote its word opens; a foot mark opens none.
    assert _page("Robertson, ‘user11126', ‘Daniel’, ‘Wil89', a 6' wall, height 5' 10") == \
        ["Robertson, ‘user11126’, ‘Daniel’, ‘Wil89’, a 6' wall, height 5' 10"]
    # After a closing mark: the quote its word opens, a suffix's apostrophe; a prime after a bracket stays.
    assert _page("an asterisk means ‘500*'; here", "that of the ⟨n⟩'th \\thanks", "Too many }'s. Here’s f(x)' and") == \
        ["an asterisk means ‘500*’; here", "that of the ⟨n⟩’th \\thanks", "Too many }’s. Here’s f(x)' and"]
    # No curly quote anywhere: straight quotes are what the page prints.
    assert _page("plain 'ASCII' stays", 'and "this" too') == ["plain 'ASCII' stays", 'and "this" too']


@pytest.mark.parametrize("font", ["cjk", "cjk-serif"])
def test_fullwidth_and_ascii_brackets_beside_chinese_read_as_printed(engine, font):
    # The recognizer reads （ and ( alike; the blank half of the full-width cell tells them apart.
    lines = ["合同总金额为人民币伍拾万元整（¥500,000.00），含增值税。",
             "参见LuaTeX手册（第3版）和(https://tug.org/texlive/)，以及schemes(方案)。"]
    text = _read(engine, render_text_image(lines, font=font, size_px=32))
    assert text.replace("LuaTex", "LuaTeX").split("\n") == lines


def _compressed_brackets_line(font: str, text: str, squeeze: float) -> np.ndarray:
    """``text`` set glyph by glyph, each full-width bracket's blank half squeezed by
    ``squeeze`` em, as xeCJK's punctuation compression and many Chinese fonts print it."""
    size = 32
    pil = _pil_font(font, size)
    img = Image.new("L", (1200, 120), 255)
    draw = ImageDraw.Draw(img)
    x = 60.0
    for ch in text:
        if ch == "（":
            x -= squeeze * size
        draw.text((x, 40), ch, font=pil, fill=0)
        x += pil.getlength(ch)
        if ch == "）":
            x -= squeeze * size
    return np.asarray(img)


@pytest.mark.parametrize("font", ["cjk", "cjk-serif"])
def test_fullwidth_brackets_between_chinese_stay_fullwidth_when_compressed(engine, font):
    # Compressed, a full-width bracket's outer blank is no wider than an ASCII one's:
    # between two Chinese characters it is full-width all the same, and so is its partner.
    lines = ["需要设置功能（见第七节）才能使用", "请以管理员身份（在终端中）运行安装程序"]
    for line in lines:
        assert _read(engine, _compressed_brackets_line(font, line, 0.4)) == line
