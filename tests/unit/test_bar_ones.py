"""A 1 whose ink is a bare bar is an l or an I: the recognizer reads a sans-serif l before a digit as a 1
(``12tabu`` for ``l2tabu`` on a scanned page). Lines are rendered in a sans and a serif face, degraded like a
scan and read by the recognizer; the misreading is made by swapping the bar's reading for a 1 (the model's
second choice kept), and the check must read the bar's ink back to the letter where the page's 1s read among
digits show a flag, while every real 1 (a flag at its top left, in both faces) in words of letters stays a 1."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.bar_ones import bar_ones
from pipeline.ctc import DecodedLine
from tests.factories import degrade
from tests.line_crops import render_line_crop

BARS = ["the file is lost, a help line", "LINUX and HTML, PID and XI"]
ONES = ["x11 and sha1sum, P1D and sum1", "v1beta and the s1mple R1X"]
# The page's own 1s, read among digits: they show its 1 has a flag.
DIGITS = ["Release 2051 of 1660 pages, 1482 in 1990", "Volume 13 has 271 notes, 1914 to 1918"]


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, lines: list[str], font: str, size: int, seed: int):
    crops = [degrade(render_line_crop(t, font, size), blur=0.8, noise=6, jpeg_quality=70, seed=seed + k)
             for k, t in enumerate(lines)]
    return recognizer(crops), crops


def _as_ones(line: DecodedLine) -> DecodedLine:
    """The line with every l and I read as a 1, the letter the model's next choice."""
    chars = [replace(c, char="1", second=c.char) if c.char in "lI" else c for c in line.chars]
    return DecodedLine(tuple(chars), line.steps)


@pytest.mark.parametrize("size,seed", [(26, 3), (28, 1), (32, 2)])
def test_a_bar_read_as_a_one_is_read_back_as_its_letter(recognizer, size, seed):
    decoded, crops = _read(recognizer, BARS + DIGITS, "sans", size, seed)
    assert [d.text for d in decoded] == BARS + DIGITS, "the recognizer must read the lines right first"
    misread = [_as_ones(d) for d in decoded[: len(BARS)]] + decoded[len(BARS) :]
    assert all("l" not in d.text and "I" not in d.text for d in misread[: len(BARS)])
    mended = bar_ones(misread, lambda idx: [crops[i] for i in idx])
    assert [d.text for d in mended] == BARS + DIGITS


def test_a_bar_is_left_as_read_where_the_page_shows_no_one_with_a_flag(recognizer):
    decoded, crops = _read(recognizer, BARS, "sans", 28, 1)
    misread = [_as_ones(d) for d in decoded]
    assert bar_ones(misread, lambda idx: [crops[i] for i in idx]) == misread


@pytest.mark.parametrize("font", ["sans", "serif"])
@pytest.mark.parametrize("size,seed", [(24, 1), (32, 2)])
def test_a_one_with_its_flag_stays_a_one_in_a_word(recognizer, font, size, seed):
    decoded, crops = _read(recognizer, ONES + DIGITS, font, size, seed)
    # The recognizer reads some of these 1s as ls (``shalsum``): each is given back its 1, with the l next.
    assert [len(d.text) for d in decoded] == [len(t) for t in ONES + DIGITS]
    ones = [DecodedLine(tuple(replace(c, char="1", second="l") if t == "1" else c for c, t in zip(d.chars, truth)),
                        d.steps) for d, truth in zip(decoded, ONES + DIGITS)]
    assert [d.text for d in ones[: len(ONES)]] == ONES
    mended = bar_ones(ones, lambda idx: [crops[i] for i in idx])
    assert [d.text for d in mended[: len(ONES)]] == ONES
