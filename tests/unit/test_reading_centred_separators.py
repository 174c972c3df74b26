"""A full-width separator between Latin text on a Chinese line keeps its width as its ink shows it: a
mark in a cell about an em wide is full-width, also where the font centres it in the cell (Noto Sans
CJK TC's InfoZIP：DOS) or the page compresses it before a bracket (Firefox，（); one in a narrower cell
is ASCII. Lines typeset as a TeX engine sets them, read by the real engine."""
import pytest


from tests.factories import encode_png
from tests.mixed_print import typeset

CENTRED = [
    "压缩格式包括\u2005InfoZIP：DOS\u2005和\u2005Unix\u2005两种文件格式。",
    "可以使用浏览器\u2005Firefox，（或者其他浏览器）打开这个文件。",
    "列出的程序有\u2005etex, latex, pdftex\u2005以及其他的程序。",
]


def _read(engine, img) -> list[str]:
    text = list(engine.process(encode_png(img)))[0].text
    return [line.replace(" ", "").lower() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("scan", [False, True])
def test_separators_centred_in_their_cells_stay_full_width(engine, scan):
    # The page compresses the comma before the bracket: half a cell, the comma in its middle.
    zip_line, firefox, programs = _read(engine, typeset(CENTRED, scan=scan, cjk_face="cjk-tc", squeeze="，"))
    assert "zip：dos" in zip_line
    assert "firefox，（" in firefox
    # ASCII commas and their word spaces: a narrower cell.
    assert "etex,latex,pdftex" in programs
