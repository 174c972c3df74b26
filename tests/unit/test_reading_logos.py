"""The LaTeX logo (L, a small raised A, T, a lowered E, X) is read as the text layer spells it: LATEX."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ctc import DecodedChar
from pipeline.logos import mend_logos
from pipeline.engine import Engine, EngineConfig
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


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


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


def test_the_lowered_e_of_the_tex_logo_is_mended():
    # The TeX logo's E sits below the line and reads as g, p or F; MacTgX, ETpX.
    assert _mend("MacTgX and TpX Live, the TFXbook; ETpX") == "MacTEX and TEX Live, the TEXbook; LATEX"
