"""A lone `|` item of an operator table the detector missed is read from its ink by the table step
(``pipeline/tables/reread.py``), and the recognizer reads it `1`: a bar is one bare upright stroke, as wide in every
row, where a 1 has a flag and most faces a foot (``pipeline/bar_pipes.lone_bar``). Glyphs rendered alone in
several faces and sizes, degraded like a scan, cut as the table step cuts a missed item (its ink and some paper)."""
from __future__ import annotations

import pytest

from pipeline.bar_pipes import lone_bar
from pipeline.line_ink import LineInk
from tests.factories import degrade
from tests.line_crops import render_line_crop

FACES = ["mono", "sans", "serif"]


def _crop(text: str, font: str, size: int, seed: int) -> LineInk:
    return LineInk(degrade(render_line_crop(text, font, size), blur=0.8, noise=6, jpeg_quality=70, seed=seed))


@pytest.mark.parametrize("font", FACES)
@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2), (36, 3)])
def test_a_bar_alone_is_a_bar(font, size, seed):
    assert lone_bar(_crop("|", font, size, seed))


@pytest.mark.parametrize("font", FACES)
@pytest.mark.parametrize("size,seed", [(26, 1), (30, 2), (36, 3)])
@pytest.mark.parametrize("text", ["1", "!", "11", "l1"])
def test_a_one_or_other_strokes_are_not(font, size, seed, text):
    assert not lone_bar(_crop(text, font, size, seed))
