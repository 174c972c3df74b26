"""The LaTeX logo (L, a small raised A, T, a lowered E, X) is read as the text layer spells it: LATEX."""
import numpy as np
import pytest
from PIL import Image, ImageDraw
from pipeline.ctc import DecodedChar
from pipeline.logos import mend_logos
from tests.factories import _pil_font, degrade, encode_png


def _logo_line(before: str, after: str, font: str, size: int = 34) -> np.ndarray:
    """A line with the LaTeX logo kerned and shifted as LaTeX's \\LaTeX macro does."""
    full, small = _pil_font(font, size), _pil_font(font, int(size * 0.72))
    img = Image.new("L", (1654, 200), 255)
    draw = ImageDraw.Draw(img)
    x, y = 100.0, 80.0
    for text, f, dx_after, dy in [(before, full, 0.0, 0.0), ("L", full, -0.36, 0.0), ("A", small, -0.15, -0.12),
                                  ("T", full, -0.1667, 0.0), ("E", full, -0.125, 0.22), ("X", full, 0.0, 0.0),
                                  (after, full, 0.0, 0.0)]:
        draw.text((x, y + dy * size), text, font=f, fill=0)
        x += f.getlength(text) + dx_after * size
    return np.asarray(img)


@pytest.mark.parametrize("font", ["serif", "sans"])
@pytest.mark.parametrize("scan", [False, True])
def test_latex_logo_reads_as_latex(engine, font, scan):
    img = _logo_line("Unfortunately, ", " can use these fonts.", font)
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=1)
    assert list(engine.process(encode_png(img)))[0].text == "Unfortunately, LATEX can use these fonts."


def _mend(text: str) -> str:
    return "".join(c.char for c in mend_logos([DecodedChar(ch, 1.0, i, i + 1) for i, ch in enumerate(text)]))


def test_misread_spellings_mended_only_as_a_word():
    assert _mend("the ATEX code, pdfATEX and LTEX; IATEX2e") == "the LATEX code, pdfLATEX and LATEX; LATEX2e"
    # The TeX logo, ε-TeX (printed with its hyphen) and words that merely contain the letters stay.
    assert _mend("TEX and ε-TEX and e-TEX and BATEX and ATEXt") == "TEX and ε-TEX and e-TEX and BATEX and ATEXt"


def test_raised_a_read_into_the_l_is_mended():
    # L with the small A above its arm reads as E (or ø, ∆): ETEX for LATEX, never a word of its own.
    assert _mend("use ETEX, pdfETEX or øTEX3") == "use LATEX, pdfLATEX or LATEX3"
    assert _mend("LualATEX, LuaSTEX 和 AMS-IATEX 套件") == "LuaLATEX, LuaLATEX 和 AMS-LATEX 套件"


def test_the_lowered_e_of_the_tex_logo_is_mended():
    # The TeX logo's E sits below the line and reads as g, p or F; MacTgX, ETpX.
    assert _mend("MacTgX and TpX Live, the TFXbook; ETpX") == "MacTEX and TEX Live, the TEXbook; LATEX"


def _cjk_logo_page(lines: list[str], size: int) -> np.ndarray:
    """Chinese lines (Noto Serif CJK) with Latin words and the TeX/LaTeX logos (Liberation Serif) set glyph by
    glyph, the logos kerned and shifted as TeX's macros do."""
    cjk, latin, small = _pil_font("cjk-serif", size), _pil_font("serif", size), _pil_font("serif", int(size * 0.72))
    pitch = int(size * 1.9)
    img = Image.new("L", (1600, 80 + pitch * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for row, line in enumerate(lines):
        x, y, i = 40.0, 40.0 + pitch * row, 0
        while i < len(line):
            logo = "LATEX" if line.startswith("LATEX", i) else "TEX" if line.startswith("TEX", i) else ""
            if logo:
                parts = [("L", latin, -0.36, 0.0), ("A", small, -0.15, -0.12)] if logo == "LATEX" else []
                parts += [("T", latin, -0.1667, 0.0), ("E", latin, -0.125, 0.22), ("X", latin, 0.0, 0.0)]
                for glyph, font, dx_after, dy in parts:
                    draw.text((x, y + dy * size), glyph, font=font, fill=0)
                    x += font.getlength(glyph) + dx_after * size
                i += len(logo)
                continue
            font = latin if line[i].isascii() else cjk
            draw.text((x, y), line[i], font=font, fill=0)
            x += size / 3 if line[i] == " " else font.getlength(line[i])
            i += 1
    return np.asarray(img)


CJK_LOGO_LINES = ["以往，为 LATEX 文档配置中文支持是一件相当繁琐的事情", "指定字体映射机制。本选项只在使用 (pdf)LATEX 编译时有意义。",
                  "如果不想使用 CTEX 预定义的中文字库，可以设置 fontset 为下述值之一。", "在 TEX Live 和 MiKTEX 中，您还可以通过图形界面进行安装"]


@pytest.mark.parametrize("seed", [1, 2])
def test_raised_a_spread_over_look_alikes_is_kept(engine, seed):
    # On a scanned Chinese page the logo's small raised A gets ∆ 0.25, A 0.16, Δ 0.07 against a blank of 0.28:
    # no one class beat the blank, the A was dropped and the L with it (TEX for LATEX).
    img = degrade(_cjk_logo_page(CJK_LOGO_LINES, 32), blur=0.8, noise=8, jpeg_quality=60, seed=seed)
    text = list(engine.process(encode_png(img)))[0].text
    assert text.splitlines()[0] == CJK_LOGO_LINES[0]


def test_l_and_raised_a_read_as_other_marks_are_mended():
    assert _mend("The BTEX Companion, uplTEX, ITEX and NTEX; most LøTEX users; all IETEX tags") == \
        "The LATEX Companion, upLATEX, LATEX and LATEX; most LATEX users; all LATEX tags"
    # Other logos and names ending in TEX keep their letters.
    assert _mend("CTEX, PCTEX, MiKTEX, BibTEX, MacTEX, VTEX and OzTEX") == "CTEX, PCTEX, MiKTEX, BibTEX, MacTEX, VTEX and OzTEX"


def test_mirrored_e_of_the_xetex_logos_is_mended():
    # XeTeX's mirrored E reads as q or g, the XeLaTeX logo's L and A as one or two other glyphs.
    assert _mend("使用 XgETEX、XqlATEX 或 Xg∆TeX 编译，新增了 XqTEX 引擎") == (
        "使用 XƎLATEX、XƎLATEX 或 XƎLATEX 编译，新增了 XƎTEX 引擎")
    assert _mend("the Xg word TEX; Xqt TEX") == "the Xg word TEX; Xqt TEX"
