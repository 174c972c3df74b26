"""Commas read as points in blurred small print (``freedom to copy. with or without``): on a dark,
soft 8-pt page the recognizer reads many commas between clauses as points, though it gives the comma some
weight. A point after a word and before a small letter's word is made a comma where the model weighed the
comma (pipeline/ctc.py, ``_clause_commas``); abbreviations, file names and code are left as read."""
from __future__ import annotations
import random
import re
import cv2
import numpy as np
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.ctc import CtcDecoder
from tests.ctc_steps import steps
from tests.factories import encode_png, render_text_image

_WORDS = "the document license manual freedom copy work section version notice program software modify author reader page".split()
_JOINS = "and which while with but or as to".split()


def _paragraphs(seed: int) -> list[str]:
    """Eight paragraphs of four sentences, each two clauses joined by a comma before a small word."""
    rng = random.Random(seed)
    paras = []
    for _ in range(8):
        sentences = []
        for _ in range(4):
            a = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 4)))
            b = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 4)))
            sentences.append(f"The {a}, {rng.choice(_JOINS)} {b}.")
        paras.append(" ".join(sentences))
    return paras


def _clause_marks(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{4,}([.,]) [a-z]", " ".join(text.split()))


# Serif type at 17 px (8 pt at 200 DPI), blurred as a dark small-print scan (l2tabu p.20): main read
# three of these pages' commas before a small word as points.
def test_commas_in_blurred_small_print_stay_commas(engine):
    paras = _paragraphs(2)
    soft = cv2.GaussianBlur(render_text_image(paras, font="serif", size_px=17, line_gap=1.25), (0, 0), 1.2)
    scan, params = scan_like(soft, 2)
    read = _clause_marks(next(engine.process(encode_png(scan), Options())).text)
    assert len(read) >= 25, (params, read)
    assert "." not in read, (params, read)


CHARSET = [*"abcdefghijklmnopqrstuvwxyzDT2", ",", "."]
DEC = CtcDecoder(CHARSET)


def _probs(text: str, comma_on_points: float) -> np.ndarray:
    """A step per character (a blank between), each point weighing the comma ``comma_on_points``."""
    return steps(DEC, text, ".", ",", comma_on_points)


@pytest.mark.parametrize("text,read", [
    ("the copy. with the", "the copy, with the"),  # a clause: the comma weighed
    ("the DTD. and the", "the DTD, and the"),  # an acronym
    ("the document. below,refers", "the document, below,refers"),  # a mark after the next word
    ("the copy. The next", "the copy. The next"),  # a sentence starts with a capital
    ("the files etc. and", "the files etc. and"),  # an abbreviation's short word
    ("the e.g. the", "the e.g. the"),
    ("in the . aux file", "in the . aux file"),  # a file's extension
    ("matrices. int2str", "matrices. int2str"),  # a word of code after it
])
def test_only_clause_points_become_commas(text, read):
    assert DEC.decode(_probs(text, 0.2)).text == read


def test_a_point_the_model_is_sure_of_stays():
    assert DEC.decode(_probs("the copy. with the", 0.01)).text == "the copy. with the"
