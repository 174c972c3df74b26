"""A typewriter l read as a 1 (``1atex``, ``underfu11`` on scanned code) is read back as an l where its ink lies
among the page's own sure ls of its size (read beside small letters in words without digits), and a real 1 in a
word (``var1``, ``type1cm``) stays a 1. Lines are rendered in a monospace face, degraded like a scan and read by
the recognizer; the misreading is made by swapping the l's reading for a 1 (the l kept as the model's next choice)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.ctc import DecodedLine
from pipeline.typewriter_ls import typewriter_ls
from tests.factories import degrade
from tests.line_crops import render_line_crop

# Lines whose ls are the page's sure ones (beside small letters, no digits in their words).
PLAIN = ["the file list and all tools", "called local or global help", "sloppy lines fill the label"]
CODE = ["latex underfull"]
ONES = ["var1 type1cm"]


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, lines: list[str], size: int, seed: int):
    crops = [degrade(render_line_crop(t, "mono", size), blur=0.8, noise=6, jpeg_quality=70, seed=seed + k)
             for k, t in enumerate(lines)]
    return recognizer(crops), crops


def _swap(line: DecodedLine, truth: str, old: str, new: str) -> DecodedLine:
    """The line with each ``old`` of the truth read as ``new``, the other of l and 1 the model's next choice."""
    chars = [replace(c, char=new, second="l" if new == "1" else "1") if t == old else c for c, t in zip(line.chars, truth)]
    return DecodedLine(tuple(chars), line.steps)


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_typewriter_l_read_as_a_one_is_read_back_as_an_l(recognizer, size, seed):
    decoded, crops = _read(recognizer, PLAIN + CODE, size, seed)
    assert [len(d.text) for d in decoded] == [len(t) for t in PLAIN + CODE], "the recognizer must read the lines whole"
    misread = decoded[: len(PLAIN)] + [_swap(decoded[-1], CODE[0], "l", "1")]
    assert misread[-1].text == "1atex underfu11"
    mended = typewriter_ls(misread, lambda idx: [crops[i] for i in idx])
    assert mended[-1].text == CODE[0]


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_typewriter_one_in_a_word_stays_a_one(recognizer, size, seed):
    decoded, crops = _read(recognizer, PLAIN + ONES, size, seed)
    assert [len(d.text) for d in decoded] == [len(t) for t in PLAIN + ONES]
    # Each 1 read as a 1 with an l the model's next choice (as on the scans).
    ones = decoded[: len(PLAIN)] + [_swap(decoded[-1], ONES[0], "1", "1")]
    assert ones[-1].text == ONES[0]
    mended = typewriter_ls(ones, lambda idx: [crops[i] for i in idx])
    assert mended[-1].text == ONES[0]


# A lone l beside a mark (``C-l``, ``real l)``) has no letters beside it to decide it; the page's sure 1s (beside digits) are
# needed to judge it, so a lone 1 is judged against both.
NUMBERS = ["pages 10 to 21 of 2051 in 1999", "11 12 13 14 15 16 17 18 19"]
LONE_L = ["hit b and l, then f(real l)"]
LONE_ONE = ["hit b and 1, then f(real 1)"]


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_lone_typewriter_l_read_as_a_one_is_read_back_as_an_l(recognizer, size, seed):
    decoded, crops = _read(recognizer, PLAIN + NUMBERS + LONE_L, size, seed)
    assert [len(d.text) for d in decoded] == [len(t) for t in PLAIN + NUMBERS + LONE_L]
    misread = decoded[:-1] + [_swap(decoded[-1], LONE_L[0], "l", "1")]
    assert misread[-1].text == "hit b and 1, then f(rea1 1)"
    # the l of ``real`` is read back as in a word; the lone one by the page's ls and 1s alike
    mended = typewriter_ls(misread, lambda idx: [crops[i] for i in idx])
    assert mended[-1].text == LONE_L[0]


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_lone_typewriter_one_stays_a_one(recognizer, size, seed):
    decoded, crops = _read(recognizer, PLAIN + NUMBERS + LONE_ONE, size, seed)
    assert [len(d.text) for d in decoded] == [len(t) for t in PLAIN + NUMBERS + LONE_ONE]
    ones = decoded[:-1] + [_swap(decoded[-1], LONE_ONE[0], "1", "1")]
    assert ones[-1].text == LONE_ONE[0]
    mended = typewriter_ls(ones, lambda idx: [crops[i] for i in idx])
    assert mended[-1].text == LONE_ONE[0]


def _read_fonts(recognizer, lines: list[tuple[str, str]], size: int, seed: int):
    crops = [degrade(render_line_crop(t, font, size), blur=0.8, noise=6, jpeg_quality=70, seed=seed + k)
             for k, (t, font) in enumerate(lines)]
    return recognizer(crops), crops


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_lone_typewriter_l_is_read_back_by_the_ls_alone(recognizer, size, seed):
    # No sure 1s on the page: the lone glyph (a mark beside it) is judged among the sure ls of its own width.
    lone = "hit b and l, then go on"
    lines = [(t, "mono") for t in PLAIN + [lone]]
    decoded, crops = _read_fonts(recognizer, lines, size, seed)
    assert [len(d.text) for d in decoded] == [len(t) for t, _ in lines]
    misread = decoded[:-1] + [_swap(decoded[-1], lone, "l", "1")]
    mended = typewriter_ls(misread, lambda idx: [crops[i] for i in idx])
    assert mended[-1].text == lone


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_lone_serif_one_beside_typewriter_ls_stays_a_one(recognizer, size, seed):
    # A prose 1 (``page 1``) on a page whose sure ls are a typewriter face's and a serif face's, no sure 1s.
    prose = "see page 1 and rule 1 of it"
    lines = [(t, "mono") for t in PLAIN] + [(t, "serif") for t in PLAIN] + [(prose, "serif")]
    decoded, crops = _read_fonts(recognizer, lines, size, seed)
    assert [len(d.text) for d in decoded] == [len(t) for t, _ in lines]
    ones = decoded[:-1] + [_swap(decoded[-1], prose, "1", "1")]
    assert ones[-1].text == prose
    mended = typewriter_ls(ones, lambda idx: [crops[i] for i in idx])
    assert mended[-1].text == prose
