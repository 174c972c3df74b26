"""A straight apostrophe (``doesn't``) read as a curly one: on scanned serif pages that set their
apostrophes straight the recognizer reads every one as ``’``. The page's own commas lean, a straight
apostrophe stands upright, and its ink now decides (pipeline/straight_quotes.py). DejaVu Serif, like
the Times of the scans, draws a leaning comma and an upright ``'``."""
from __future__ import annotations
import random
import re
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png, render_text_image

_WORDS = "the left margin hand paper rule line table index value program style reading".split()
_APOSTROPHES = ["don't", "it's", "doesn't", "that's", "isn't", "Debian's", "upstream's", "can't"]


def _paragraphs(seed: int, apostrophe: str) -> list[str]:
    """Eight paragraphs of three clauses, each with one word holding ``apostrophe``, joined by commas."""
    rng = random.Random(seed)
    paras = []
    for _ in range(8):
        clauses = []
        for _ in range(3):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 7))]
            words.insert(rng.randint(0, len(words)), rng.choice(_APOSTROPHES).replace("'", apostrophe))
            clauses.append(" ".join(words))
        paras.append(", ".join(clauses) + ".")
    return paras


def _apostrophes(text: str) -> str:
    return "".join(re.findall(r"[A-Za-z]([’'‘`])[a-z]", text))


# Straight ones: main read every straight apostrophe of these pages as ’. Curly ones must stay curly.
@pytest.mark.parametrize("mark,seed,size", [("'", 0, 26), ("'", 2, 30), ("’", 0, 26), ("’", 1, 22)],
                         ids=["straight-0", "straight-2", "curly-0", "curly-1"])
def test_apostrophes_read_as_printed(engine, mark, seed, size):
    paras = _paragraphs(seed, mark)
    scan, params = scan_like(render_text_image(paras, font="dejavu-serif", size_px=size), seed)
    read = _apostrophes(next(engine.process(encode_png(scan), Options())).text)
    assert read == _apostrophes(" ".join(paras)), (params, read)
