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
