"""A backslash in small typewriter print, blurred like a scan, that the recognizer reads as a 1, I, l or bar
(``\\\\`` read ``11``) comes back as a backslash, told by its ink leaning back; upright 1s, Is, ls and bars and
italic ones (leaning forward) stay as read. Pages of an escape table are rendered and read whole."""
import numpy as np
import pytest


from tests.code_tables import code_table_page, row_with
from tests.factories import encode_png

# Escapes in a typewriter face, what they are in a serif one; uprights in both faces and in italics.
ITEMS = [("\\n", "newline, ASCII code 10", "serif"), ("\\\\", "a literal backslash", "serif"),
         ("ta\\-ta\\-ta", "hyphenation points", "serif"), ("\\\\ \\n \\t", "escapes", "serif"),
         ("l1 I| 11 ll", "uprights", "serif"), ("fill all 1911", "Illinois, Ill. 11 all", "serif-italic")]


def _page(size: int) -> np.ndarray:
    return code_table_page([(code, "mono", what, face) for code, what, face in ITEMS], size)


@pytest.mark.parametrize("size", [16, 18])
def test_backslashes_read_as_uprights_come_back(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    words = text.split()
    assert words.count("\\\\") == 2, text  # the literal backslash and the first of the escapes
    assert "\\\\ \\n \\t" in " ".join(words), text


@pytest.mark.parametrize("size", [16, 18])
def test_uprights_and_italics_stay(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    assert "\\" not in row_with(text, "I|") + row_with(text, "Illinois") + row_with(text, "fill all"), text
    assert "ta\\-ta\\-ta" in text.split(), text
