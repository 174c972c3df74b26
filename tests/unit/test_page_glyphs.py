"""A lone 1 or I (its line does not decide it) read as the other is told by the page's own print of them:
the 1s beside digits and the Is beside capitals on the same page are its pictures of the two. Lines are
rendered in a serif face, degraded, read by the recognizer; a misreading is made by swapping the reading of
the lone glyphs (as the recognizer does on 9-pt scans), and the page's glyphs must swap them back."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.ctc import DecodedLine
from pipeline.page_glyphs import page_glyphs
from tests.factories import degrade
from tests.line_crops import render_line_crop

DIGITS = ["Release 2051 of 1660 pages, 1482 in 1990", "Volume 13 has 271 notes, 1914 to 1918"]
CAPITALS = ["The GUI and CLI use ID, UID and IP", "AIX, IBM, FIFO, MIDI and VIM"]
LONE = ["part I, step 1, book I, rule 1", "see I and 1 and I"]


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, lines: list[str], size: int, seed: int):
    crops = [degrade(render_line_crop(t, "serif", size), blur=0.7, noise=6, jpeg_quality=70, seed=seed + k)
             for k, t in enumerate(lines)]
    return recognizer(crops), crops


def _swapped(line: DecodedLine) -> DecodedLine:
    """The line with each lone 1 read I and each lone I read 1, the other its model's next choice."""
    text = line.text
    chars = list(line.chars)
    for k, c in enumerate(chars):
        lone = (k == 0 or not text[k - 1].isalnum()) and (k + 1 == len(text) or not text[k + 1].isalnum())
        if lone and c.char in "1I":
            other = "I" if c.char == "1" else "1"
            chars[k] = replace(c, char=other, second=c.char)
    return DecodedLine(tuple(chars), line.steps)


@pytest.mark.parametrize("size,seed", [(24, 1), (24, 5), (28, 2)])
def test_lone_look_alikes_take_the_glyph_the_page_prints(recognizer, size, seed):
    lines = DIGITS + CAPITALS + LONE
    decoded, crops = _read(recognizer, lines, size, seed)
    lone = range(len(DIGITS + CAPITALS), len(lines))
    assert [decoded[i].text for i in lone] == LONE, "the recognizer must read the clean lines right first"
    misread = [_swapped(d) if i in lone else d for i, d in enumerate(decoded)]
    assert [misread[i].text for i in lone] != LONE
    mended = page_glyphs(misread, lambda idx: [crops[i] for i in idx])
    assert [d.text for d in mended] == [d.text for d in decoded]


def test_a_page_without_pictures_of_both_is_left_as_read(recognizer):
    # No capital I that its line decides, and the lone ones all read 1: nothing shows the page's I.
    lines = DIGITS + ["part I, step I, book I, rule I"]
    decoded, crops = _read(recognizer, lines, 24, 1)
    misread = decoded[:-1] + [_swapped(decoded[-1])]
    assert misread[-1].text == "part 1, step 1, book 1, rule 1"
    assert page_glyphs(misread, lambda idx: [crops[i] for i in idx]) == misread


def test_readings_their_lines_decide_stay(recognizer):
    decoded, crops = _read(recognizer, DIGITS + CAPITALS, 24, 3)
    assert page_glyphs(decoded, lambda idx: [crops[i] for i in idx]) == decoded
