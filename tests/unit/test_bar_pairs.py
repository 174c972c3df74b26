"""A ``||`` in small typewriter print with no letter on one side (boxed alone, or opening ``|| &&``), blurred like
a scan, that the recognizer reads ``11`` comes back as ``||``: its ink is two bare strokes of the line's full ink
height. Typewriter and sans 1s (a flag, a foot) stay as read. Pages of an operator table are rendered and read whole."""
import numpy as np
import pytest


from tests.code_tables import code_table_page, row_with
from tests.factories import encode_png

# Operators in a typewriter face, what they are in a serif one set well apart (a box of their own).
ITEMS = [("||", "or, evaluating the right side only if needed", "mono"), ("|| &&", "logical or and and", "mono"),
         ("11", "eleven, the number", "mono"), ("11 &&", "eleven and", "mono"), ("x 11 y", "a number between", "mono"),
         ("11", "eleven again", "sans"), ("11 &&", "eleven once more", "sans")]


def _page(size: int) -> np.ndarray:
    return code_table_page([(code, face, what, "serif") for code, what, face in ITEMS], size)


@pytest.mark.parametrize("size", [16, 18])
def test_bars_read_as_ones_with_no_letter_beside_come_back(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    assert row_with(text, "evaluating").startswith("|| or,"), text
    assert row_with(text, "logical").startswith("|| &&"), text


@pytest.mark.parametrize("size", [16, 18])
def test_ones_stay(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    for words in ("eleven, the", "eleven and", "number between", "eleven again", "once more"):
        assert "|" not in row_with(text, words), text
