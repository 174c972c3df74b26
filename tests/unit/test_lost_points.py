"""A decimal point lost between two digits (caption's section column: ``2.7`` read ``27``) put back from its ink
(pipeline/lost_points.py, run by digit_marks). Numbers rendered in several faces and sizes, degraded like a scan,
read by the recognizer; the loss is made by dropping the point from the reading (as the scans show it: the point's
weight stays under the blank's). Numbers printed without a point, in serif faces whose digits end in low round
terminals (a 9's tail, a 5's), are left as read."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.digit_marks import digit_marks
from tests.factories import degrade
from tests.line_crops import render_line_crop


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, text: str, font: str, size: int, seed: int):
    crop = degrade(render_line_crop(text, font, size), blur=0.8, noise=8, jpeg_quality=60, seed=seed)
    return recognizer([crop])[0], crop


@pytest.mark.parametrize("font", ["sans", "serif", "mono"])
@pytest.mark.parametrize("size,seed", [(20, 1), (26, 2), (30, 3)])
@pytest.mark.parametrize("text", ["2.7", "2.2", "10.5", "3.14"])
def test_a_lost_point_is_put_back(recognizer, font, size, seed, text):
    line, crop = _read(recognizer, text, font, size, seed)
    assert line.text == text, "the recognizer reads the number whole here"
    lost = replace(line, chars=tuple(c for c in line.chars if c.char != "."))
    assert digit_marks([lost], lambda idx: [crop for _ in idx])[0].text == text


@pytest.mark.parametrize("font", ["sans", "serif", "mono"])
@pytest.mark.parametrize("size,seed", [(16, 1), (20, 2), (26, 3), (30, 1), (30, 2)])
@pytest.mark.parametrize("text", ["27", "1998", "31415926", "0x1F 0755", "section 12 and 47", "(2007)"])
def test_numbers_without_a_point_stay(recognizer, font, size, seed, text):
    line, crop = _read(recognizer, text, font, size, seed)
    assert digit_marks([line], lambda idx: [crop for _ in idx])[0].text == line.text
