"""Blurred small print read again by the larger recognizer (pipeline/second_opinion.py, ``small_below``).
A page of 7-pt serif text (19 px at 200 DPI) softened and scanned as a dark small-print scan is: the small
network reads r as n and n as r, a comma as a point, at confidences over the ordinary second opinion's
threshold; the larger network, reading the small-print lines it is unsure of, reads the words as set."""
from __future__ import annotations
import random
import re
from collections import Counter
import cv2
from bench.scan import scan_like
from pipeline import Options
from tests.factories import cer, encode_png, render_text_image

# Prose full of the letters soft print blurs into one another: r and n, rn and m, a comma's tail.
_SENTENCES = [
    "The printer returned the internal journal in order, and the normal corner of every form remained firm",
    "Our northern partners, however, prefer to run their furniture orders through a modern permanent portal",
    "Return the correct number of forms to the front counter, or record the reason in the margin",
    "Interior mirrors, frames and ornaments were transferred on Thursday morning, in their original wrapping",
    "Warranty terms cover current owners, their partners and former tenants, in the manner written here",
    "Remember that the summary, the reference manual and the formal notice are printed in smaller type",
]


def _paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [". ".join(rng.sample(_SENTENCES, 4)) + "." for _ in range(4)]


def _misread(truth: str, text: str) -> int:
    """Truth words not read as set (a word read wrong is missing from the reading's words)."""
    return sum((Counter(re.findall(r"[A-Za-z,.]+", truth)) - Counter(re.findall(r"[A-Za-z,.]+", text))).values())


def test_blurred_small_print_reads_its_words(engine):
    paras = _paragraphs(1)
    soft = cv2.GaussianBlur(render_text_image(paras, font="serif", size_px=19, line_gap=1.25, width=820, margin=40),
                            (0, 0), 0.8)
    scan, params = scan_like(soft, 1)
    text = next(engine.process(encode_png(scan), Options())).text
    truth = " ".join(paras)
    # Measured: main misread 53 of the 248 words (CER 4.6 %: `retumed`, `jourmal`, `partmers`, `fonms`); 31 (3.3 %).
    assert _misread(truth, text) <= 40, (params, text)
    assert cer(truth, text) < 0.04, (params, text)


def test_soft_edges_tell_blurred_print_from_a_sharp_render():
    from pipeline.smoothed_small_print import soft_edges
    from tests.factories import degrade
    from tests.line_crops import render_line_crop

    for font in ("serif", "sans"):
        sharp = render_line_crop("the normal corner of every form, in order", font, 19)
        assert not soft_edges(sharp)
        assert not soft_edges(degrade(sharp, noise=8, jpeg_quality=70, seed=1))  # noise alone is no blur
        assert soft_edges(degrade(sharp, blur=1.0, noise=8, jpeg_quality=70, seed=1))
