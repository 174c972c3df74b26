"""A backslash in small typewriter print, blurred like a scan, that the recognizer reads as a 1, I, l or bar
(``\\\\`` read ``11``) comes back as a backslash, told by its ink leaning back; upright 1s, Is, ls and bars and
italic ones (leaning forward) stay as read. Pages of an escape table are rendered and read whole."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font, degrade, encode_png

# Escapes in a typewriter face, what they are in a serif one; uprights in both faces and in italics.
ITEMS = [("\\n", "newline, ASCII code 10", "serif"), ("\\\\", "a literal backslash", "serif"),
         ("ta\\-ta\\-ta", "hyphenation points", "serif"), ("\\\\ \\n \\t", "escapes", "serif"),
         ("l1 I| 11 ll", "uprights", "serif"), ("fill all 1911", "Illinois, Ill. 11 all", "serif-italic")]


def _page(size: int) -> np.ndarray:
    img = Image.new("L", (1654, 200 + 2 * size * len(ITEMS)), 255)
    draw = ImageDraw.Draw(img)
    for i, (code, what, face) in enumerate(ITEMS):
        y = 100 + 2 * size * i
        draw.text((200, y), code, font=_pil_font("mono", size), fill=0)
        draw.text((520, y), what, font=_pil_font(face, size), fill=0)
    return degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=3)


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def _row(text: str, words: str) -> str:
    return " ".join(next(r for r in text.splitlines() if words in r).split())


@pytest.mark.parametrize("size", [16, 18])
def test_backslashes_read_as_uprights_come_back(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    words = text.split()
    assert words.count("\\\\") == 2, text  # the literal backslash and the first of the escapes
    assert "\\\\ \\n \\t" in " ".join(words), text


@pytest.mark.parametrize("size", [16, 18])
def test_uprights_and_italics_stay(engine, size):
    text = list(engine.process(encode_png(_page(size))))[0].text
    assert "\\" not in _row(text, "I|") + _row(text, "Illinois") + _row(text, "fill all"), text
    assert "ta\\-ta\\-ta" in text.split(), text
