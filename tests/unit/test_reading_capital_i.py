"""Capital Is read as ls in sans-serif type (``Cork, lreland``, ``File/lmport``, ``ASCIl``): the two are one
glyph there, and the model leans to the l while weighing the I. An l where no word has one (a word's start
before a consonant, alone, after capitals) is made an I where the model weighed the I (pipeline/ctc.py,
``_capital_is``); words of code that start so (``lpr``, ``\\lfoot``) keep their l."""
from __future__ import annotations
import random
import re
import numpy as np
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.ctc import CtcDecoder
from tests.ctc_steps import steps
from tests.factories import encode_png, render_text_image

_WORDS = ["Ireland", "Italy", "Inc", "Import", "Indentation", "Index", "Invariant", "Irish", "In", "If", "It", "Insert"]
_FILL = "the of and a file menu from offices in with page".split()


def _paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(f"{rng.choice(_FILL)} {rng.choice(_FILL)} {rng.choice(_WORDS)}{',' if rng.random() < 0.3 else ''}"
                     for _ in range(5)) for _ in range(10)]


# DejaVu Sans at 20 px, scanned: main read three of the page's fifty Is as ls (lreland, lf, lrish).
def test_capital_is_in_sans_serif_scan(engine):
    paras = _paragraphs(0)
    scan, params = scan_like(render_text_image(paras, font="sans", size_px=20), 0)
    text = " ".join(next(engine.process(encode_png(scan), Options())).text.split())
    assert re.findall(r"\bl[a-z]*", text) == [], (params, text)
    assert len(re.findall(r"\bI[a-z]*", text)) == 50, (params, text)


DEC = CtcDecoder([*"abcdefhiklmnoprstuwACIST/:\\", "1"])


def _probs(text: str, i_on_ls: float) -> np.ndarray:
    """A step per character (a blank between), each l weighing the I ``i_on_ls``."""
    return steps(DEC, text, "l", "I", i_on_ls)


@pytest.mark.parametrize("text,read", [
    ("a lnc in", "a Inc in"),  # a word's start before a consonant
    ("file/lmport", "file/Import"),
    ("the source: l", "the source: I"),  # alone
    ("ASCIl code", "ASCII code"),  # after capitals
    ("a little lesson", "a little lesson"),  # a vowel after it: a word with an l
    ("\\lfoot", "\\lfoot"),  # a command's name
    ("All stars", "All stars"),  # one capital before it
])
def test_only_ls_where_words_have_none_become_is(text, read):
    assert DEC.decode(_probs(text, 0.3)).text == read


def test_an_l_the_model_is_sure_of_stays():
    assert DEC.decode(_probs("lpr file", 0.02)).text == "lpr file"
