"""A straight apostrophe (``doesn't``) read as a curly one: on scanned serif pages that set their
apostrophes straight the recognizer reads every one as ``’``. The page's own commas lean, a straight
apostrophe stands upright, and its ink now decides (pipeline/straight_quotes.py). DejaVu Serif, like
the Times of the scans, draws a leaning comma and an upright ``'``."""
from __future__ import annotations

import random
import re

import pytest

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Options
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


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


# (text seed, size in px, scan seed): main read every straight apostrophe of these pages as ’.
@pytest.mark.parametrize("seed,size", [(0, 26), (2, 30)])
def test_straight_apostrophes_read_straight(engine, seed, size):
    paras = _paragraphs(seed, "'")
    scan, params = scan_like(render_text_image(paras, font="dejavu-serif", size_px=size), seed)
    read = _apostrophes(next(engine.process(encode_png(scan), Options())).text)
    assert read == _apostrophes(" ".join(paras)), (params, read)


@pytest.mark.parametrize("seed,size", [(0, 26), (1, 22)])
def test_curly_apostrophes_stay_curly(engine, seed, size):
    paras = _paragraphs(seed, "’")
    scan, params = scan_like(render_text_image(paras, font="dejavu-serif", size_px=size), seed)
    read = _apostrophes(next(engine.process(encode_png(scan), Options())).text)
    assert read == _apostrophes(" ".join(paras)), (params, read)
