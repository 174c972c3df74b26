"""A full-width semicolon set after Latin text on a Chinese line (i. sp.；ii. sp. nov.；) is read full-width,
as its em cell shows, and an ASCII one between Latin words there (x = 1; y = 2) stays ASCII.
Lines typeset as a TeX engine sets them, read by the real engine."""
import pytest


from tests.factories import encode_png
from tests.mixed_print import typeset

LINES = [
    "种级部分有以下结构：i. sp.；ii. sp. nov.；iii. aff.；iv. cf.；以上各项。",
    "代码 x = 1; y = 2; z = 3 中的分号。",
]


@pytest.mark.parametrize("scan", [False, True])
def test_full_width_separators_after_latin_text(engine, scan):
    first, second = list(engine.process(encode_png(typeset(LINES, size=32, scan=scan))))[0].text.splitlines()
    assert first.count("；") == 4 and ";" not in first
    assert "x=1;y=2;z=3" in second.replace(" ", "")
