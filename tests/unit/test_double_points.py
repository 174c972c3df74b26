"""A point read twice inside a word (``v1.x`` read ``v1..x``: the recognizers fire the point, then again on the next
glyph's foot reaching it) read once, from its ink (pipeline/double_points.py). Lines rendered from known text with the
x in italic, degraded like a scan, read by the recognizer; the double reading is made by repeating the point two
steps on, as the scans show it. Two points printed (``1..10``, ``a..z``) stay two."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.double_points import double_points
from tests.factories import degrade
from tests.line_crops import render_mixed_line


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _read(recognizer, parts, size: int, seed: int):
    crop = degrade(render_mixed_line(parts, size), blur=0.8, noise=8, jpeg_quality=60, seed=seed)
    return recognizer([crop])[0], crop


@pytest.mark.parametrize("size,seed", [(22, 1), (26, 2), (30, 3)])
@pytest.mark.parametrize("face", ["serif", "sans"])
@pytest.mark.parametrize("version", ["v2.", "v3.", "caption2 v2."])
def test_a_point_read_twice_is_read_once(recognizer, face, size, seed, version):
    line, crop = _read(recognizer, [(version, face), ("x", "serif-italic")], size, seed)
    assert line.text == version + "x", "the recognizer reads the version whole here"
    k = line.text.rindex(".")
    point = line.chars[k]
    again = replace(point, start=point.start + 2, end=point.end + 2)
    doubled = replace(line, chars=(*line.chars[: k + 1], again, *line.chars[k + 1 :]), read=None)
    assert doubled.text == version + ".x"
    assert double_points([doubled], lambda idx: [crop for _ in idx])[0].text == version + "x"


@pytest.mark.parametrize("size,seed", [(22, 1), (26, 2), (30, 3)])
@pytest.mark.parametrize("face", ["serif", "sans", "mono"])
@pytest.mark.parametrize("text", ["1..10", "a..z", "for i in 0..n", "x..y"])
def test_two_points_printed_stay_two(recognizer, face, size, seed, text):
    line, crop = _read(recognizer, [(text, face)], size, seed)
    assert double_points([line], lambda idx: [crop for _ in idx])[0].text == line.text
    if ".." in line.text:  # the check looked at them: a line read otherwise has no candidate
        assert line.text.count(".") == 2
