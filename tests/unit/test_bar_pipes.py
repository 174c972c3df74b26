"""A bar read as an l, I or 1 in code (``true|false`` read ``truelfalse``) is read back as a bar where its ink is
one bare stroke reaching below the letters' baseline; real ls, Is and 1s, sitting on it, stay as read. Lines are
rendered in several faces, degraded like a scan and read by the recognizer; the misreading is made by swapping the
bar's reading for an l, I or 1 read unsurely (as the scans show it)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.bar_pipes import bar_pipes
from pipeline.ctc import DecodedLine
from tests.factories import degrade
from tests.line_crops import render_line_crop

BARS = "zhmap = true|false|auto"
LOOK_ALIKES = "fill all null Idle 1st"


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, text: str, font: str, size: int, seed: int):
    crop = degrade(render_line_crop(text, font, size), blur=0.8, noise=6, jpeg_quality=70, seed=seed)
    line = recognizer([crop])[0]
    assert len(line.text) == len(text), "the recognizer must read the line whole"
    return line, crop


@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_a_typewriter_bar_the_recognizer_reads_as_an_l_is_read_back(recognizer, size, seed):
    line, crop = _read(recognizer, BARS, "mono", size, seed)
    assert line.text != BARS, "the recognizer reads some bar as a letter here"
    assert bar_pipes([line], lambda idx: [crop for _ in idx])[0].text == BARS


def _unsure(line: DecodedLine, truth: str, old: str, new: str) -> DecodedLine:
    """The line with each ``old`` of the truth read as ``new`` with 0.6 of the weight, ``old`` the next choice."""
    chars = [replace(c, char=new, second=old, confidence=0.6) if t == old else c for c, t in zip(line.chars, truth)]
    return DecodedLine(tuple(chars), line.steps)


@pytest.mark.parametrize("font", ["mono", "sans", "serif"])
@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
@pytest.mark.parametrize("misread", ["l", "I", "1"])
def test_a_bar_read_as_a_look_alike_is_read_back_as_a_bar(recognizer, font, size, seed, misread):
    line, crop = _read(recognizer, BARS, font, size, seed)
    line = DecodedLine(tuple(replace(c, char=t) for c, t in zip(line.chars, BARS)), line.steps)
    wrong = _unsure(line, BARS, "|", misread)
    assert wrong.text == BARS.replace("|", misread)
    assert bar_pipes([wrong], lambda idx: [crop for _ in idx])[0].text == BARS


@pytest.mark.parametrize("font", ["mono", "sans", "serif"])
@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2)])
def test_unsure_ls_is_and_ones_stay_as_read(recognizer, font, size, seed):
    line, crop = _read(recognizer, LOOK_ALIKES, font, size, seed)
    assert line.text == LOOK_ALIKES
    unsure = line
    for ch in "lI1":
        unsure = _unsure(unsure, LOOK_ALIKES, ch, ch)
    assert bar_pipes([unsure], lambda idx: [crop for _ in idx])[0].text == LOOK_ALIKES


# Operators between single letters, or opening a list with letters on one side only: the baseline comes from
# one or two letters, a descender among them (the y of ``x | y``). Small print blurred like a scan draws the bar
# 4 px wide.
SHORT_BARS = ["x | y", "| & and"]
# Guards: an l between descenders, a capital I opening a line, a 1 opening a number, each read unsurely.
SHORT_LOOK_ALIKES = ["ply gly", "Idle", "12 by", "fall"]


def _read_short(recognizer, text: str, font: str, size: int, blur: float):
    """A line read as ``_read`` does, blurred by ``blur``; the truth given back as read (the recognizer may leave out
    a space between single glyphs)."""
    crop = degrade(render_line_crop(text, font, size), blur=blur, noise=6, jpeg_quality=70, seed=1)
    line = recognizer([crop])[0]
    if len(line.text) != len(text):
        text = text.replace(" ", "")
    assert len(line.text) == len(text), "the recognizer must read the line whole"
    return line, crop, text


@pytest.mark.parametrize("font", ["mono", "sans"])
@pytest.mark.parametrize("size,blur", [(18, 1.2), (26, 0.8), (30, 0.8)])
@pytest.mark.parametrize("text", SHORT_BARS)
@pytest.mark.parametrize("misread", ["l", "I"])
def test_a_bar_beside_few_letters_read_as_a_look_alike_is_read_back(recognizer, font, size, blur, text, misread):
    line, crop, text = _read_short(recognizer, text, font, size, blur)
    line = DecodedLine(tuple(replace(c, char=t) for c, t in zip(line.chars, text)), line.steps)
    wrong = _unsure(line, text, "|", misread)
    assert bar_pipes([wrong], lambda idx: [crop for _ in idx])[0].text == text


@pytest.mark.parametrize("font", ["mono", "sans", "serif"])
@pytest.mark.parametrize("size,blur", [(18, 1.2), (26, 0.8), (30, 0.8)])
@pytest.mark.parametrize("text", SHORT_LOOK_ALIKES)
def test_unsure_look_alikes_beside_few_letters_stay_as_read(recognizer, font, size, blur, text):
    line, crop, text = _read_short(recognizer, text, font, size, blur)
    assert line.text == text
    unsure = line
    for ch in "lI1":
        unsure = _unsure(unsure, text, ch, ch)
    assert bar_pipes([unsure], lambda idx: [crop for _ in idx])[0].text == text
