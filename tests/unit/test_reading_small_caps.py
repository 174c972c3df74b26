"""Small capitals come out as the lower-case letters they stand for (pipeline/small_caps.py).

Small caps are drawn here as a face's capitals scaled to its x-height on the same baseline, as a
small-caps font draws them, Chinese in a CJK face; lines are read by the real engine.
"""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from pipeline.punctuation import is_ideograph
from tests.factories import _pil_font, degrade, encode_png


def _page(runs_per_line: list[list[tuple[str, str]]], font: str = "serif", size: int = 30, scan: bool = False) -> np.ndarray:
    """Lines of runs, each ("text", kind): kind "" is normal, "sc" small caps (capitals at x-height),
    "low" a capital lowered by half the x-height (the E of the TeX logo)."""
    face = _pil_font(font, size)
    x_height = -face.getbbox("x", anchor="ls")[1]
    cap_height = -face.getbbox("H", anchor="ls")[1]
    small = _pil_font(font, max(8, round(size * x_height / cap_height)))
    cjk = _pil_font("cjk-serif", size)
    img = Image.new("L", (1654, 120 + len(runs_per_line) * 2 * size), 255)
    draw = ImageDraw.Draw(img)
    for n, runs in enumerate(runs_per_line):
        x, base = 80, 100 + n * 2 * size
        for text, kind in runs:
            y = base + (x_height // 2 if kind == "low" else 0)
            for ch in text:
                f = small if kind == "sc" else cjk if is_ideograph(ch) or ch in "，。" else face
                draw.text((x, y), ch, font=f, fill=0, anchor="ls")
                x += f.getlength(ch)
    arr = np.asarray(img)
    return degrade(arr, blur=0.8, noise=8, jpeg_quality=60, seed=2) if scan else arr


def _read(engine, img) -> str:
    return list(engine.process(encode_png(img)))[0].text


@pytest.mark.parametrize("scan", [False, True])
def test_small_caps_read_lower_case(engine, scan):
    # (A capital blurred into the small cap after it is measured as one glyph of its height: Hansen
    # reads HAnsen on this scan, so the names here start with a capital that stands apart.)
    lines = [[("The package, mainly written by Donald A", ""), ("RSENEAU", "sc"), (", provides a way", "")],
             [("As usual with Patrick D", ""), ("ALY", "sc"), (", the documentation is excellent", "")],
             [("Fortunately, one can use P", ""), ("OST", "sc"), ("S", ""), ("CRIPT", "sc"), (" fonts in the text", "")]]
    text = _read(engine, _page(lines, scan=scan))
    for word in ("Arseneau", "Daly", "PostScript"):
        assert word in text, text


@pytest.mark.parametrize("scan", [False, True])
def test_full_capitals_and_a_lowered_logo_letter_stay(engine, scan):
    lines = [[("Available from CTAN and from the UK TUG archive at once", "")],
             [("The logo of T", ""), ("E", "low"), ("X is set with a lowered letter here", "")]]
    text = _read(engine, _page(lines, scan=scan))
    assert "CTAN" in text and "TUG" in text, text
    assert "TEX" in text, text


@pytest.mark.parametrize("scan", [False, True])
def test_small_caps_in_latin_words_of_chinese_lines(engine, scan):
    # The Latin words' own letters give the guides; a capital right after an ideograph starts a word.
    lines = [[("宏包的文档由 Doc", ""), ("STRIP", "sc"), (" 生成，见 TeX Live 的说明。", "")],
             [("使用 P", ""), ("OST", "sc"), ("S", ""), ("CRIPT", "sc"), (" 字体和 TeX Live 发行版，", "")],
             [("安装 TeX Live 之后运行Doc", ""), ("STRIP", "sc"), ("。", "")]]
    text = _read(engine, _page(lines, scan=scan))
    assert text.count("Docstrip") == 2 and "PostScript" in text, text
    assert text.count("TeX Live") == 3, text


@pytest.mark.parametrize("scan", [False, True])
def test_capitals_and_logos_of_chinese_lines_stay(engine, scan):
    lines = [[("宏包 CTAN 和 TUG 的说明，使用TeX排版，MiKTeX 或 BibTeX 均可。", "")],
             [("中文 T", ""), ("E", "low"), ("X 的标志和 PDF 文件", "")]]
    text = _read(engine, _page(lines, scan=scan))
    for word in ("CTAN", "TUG", "TeX", "MiKTeX", "BibTeX", "TEX", "PDF"):
        assert word in text, text
