"""The TeX logo's lowered E, hanging out of the box the detector drew around its line, is still read.

On a Chinese page the detector's box ends a little below the ideographs; the logo's E hangs 0.22 em below
the baseline, and a box cut there left the recognizer ``CTX`` for CTEX, whose E no step could find inside
the crop. The line is looked at again with room below its box.
"""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.latex_logo import DEEPER, lowered_e_below_box
from tests.factories import _pil_font, degrade

SIZE = 32


def _line(parts: list[tuple[str, str, float, float]], below: str = "", paper: int = 255, ink: int = 0
          ) -> tuple[np.ndarray, list[tuple[str, float]], int, int]:
    """``parts`` (text, font, drop and kern after, in ems) set on one line, and ``below`` on a tight next line;
    the page, each glyph's centre column, and the rows of a box from the line's cap height to just under its
    baseline."""
    fonts = {"latin": _pil_font("serif", SIZE), "cjk": _pil_font("cjk-serif", SIZE)}
    img = Image.new("L", (900, 200), paper)
    draw = ImageDraw.Draw(img)
    x, y, centres = 40.0, 60.0, []
    for text, font, drop, kern in parts:
        for ch in text:
            f = fonts[font]
            width = SIZE / 3 if ch == " " else f.getlength(ch)
            draw.text((x, y + drop * SIZE), ch, font=f, fill=ink)
            centres.append((ch, x + width / 2))
            x += width
        x += kern * SIZE
    if below:
        draw.text((40, y + 0.95 * SIZE), below, font=fonts["latin"], fill=ink)
    page = degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=1)
    baseline = int(y + fonts["latin"].getmetrics()[0])
    return page, centres, int(y + 0.2 * SIZE), baseline + int(0.08 * SIZE)


def _reading(centres: list[tuple[str, float]], text: str) -> DecodedLine:
    """``text`` as read, each character at its glyph's centre (one time step per column)."""
    chars, k = [], 0
    for ch in text:
        while centres[k][0] != ch:  # a glyph not read (the E cut off)
            k += 1
        chars.append(DecodedChar(ch, 0.9, int(centres[k][1]), int(centres[k][1]) + 1))
        k += 1
    return DecodedLine(tuple(chars), 900)


def _read_again(page, centres, top, bottom, text):
    deep = page[top : bottom + int(round((bottom - top) * DEEPER))]
    return lowered_e_below_box([_reading(centres, text)], lambda idx: [deep for _ in idx])[0].text


def test_e_cut_off_by_the_box_is_read():
    page, centres, top, bottom = _line([("或 ", "cjk", 0, 0), ("C", "latin", 0, 0), ("T", "latin", 0, -0.1667),
                                        ("E", "latin", 0.22, -0.125), ("X", "latin", 0, 0), (" 中", "cjk", 0, 0)])
    # Inside the box alone nothing shows the E (what the recognizer read), below it its foot does.
    assert lowered_e_below_box([_reading(centres, "CTX")], lambda idx: [page[top:bottom] for _ in idx])[0].text == "CTX"
    assert _read_again(page, centres, top, bottom, "CTX") == "CTEX"


@pytest.mark.parametrize("below", ["", "Type ll kh tlfl dpq"])
@pytest.mark.parametrize("paper, ink", [(255, 0), (200, 110)])
def test_letters_on_the_baseline_stay(below, paper, ink):
    # ATX and TeX set plainly, with or without a tight line below reaching into the room looked at, on white
    # or grey paper with faded ink (the next line's ink is left out as paper of the crop's own grey: white
    # there moved the threshold into the paper).
    for text in ("the ATX board", "run LaTeX twice"):
        page, centres, top, bottom = _line([(text, "latin", 0, 0)], below, paper, ink)
        assert _read_again(page, centres, top, bottom, text) == text
