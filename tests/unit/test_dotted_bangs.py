"""An exclamation mark whose point the detector's box cut off, read as the upright stroke left (``!=`` read ``1=``),
comes back as a ``!`` when the crop cut deeper shows the point under the stroke; a 1 or an l with nothing under it
stays. Lines are rendered in a typewriter face at small size, degraded like a scan, cut just above the point and
read by the recognizer; the deeper crop is the whole rendered line."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from pipeline.dotted_bangs import _candidate, _glyph_pieces, _pointed, _pointed_nearby, dotted_bangs
from pipeline.line_ink import LineInk
from tests.factories import _pil_font, degrade
from tests.line_crops import render_line_crop


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _cut_above_point(text: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The line degraded, whole and cut at the blank row between the first glyph's stroke and its point."""
    clean = render_line_crop(text, "mono", size)
    first = clean[:, 12 : 12 + int(_pil_font("mono", size).getlength(text[0]))]
    rows = np.flatnonzero((first < 128).any(axis=1))
    gap = rows[np.flatnonzero(np.diff(rows) > 1)[-1]] + 1
    whole = degrade(clean, blur=0.8, noise=6, jpeg_quality=70, seed=size)
    return whole[:gap], whole


@pytest.mark.parametrize("text,size", [("!= not equals", 16), ("!= not equals", 20), ("! bool", 16), ("!= y", 22)])
def test_a_bang_cut_above_its_point_comes_back(recognizer, text, size):
    cut, whole = _cut_above_point(text, size)
    line = recognizer([cut])[0]
    assert line.text[0] in "1Il|", f"the recognizer reads the cut stroke as an upright here: {line.text}"
    assert dotted_bangs([line], lambda idx: [whole for _ in idx])[0].text[0] == "!"


@pytest.mark.parametrize("text,size", [("1= one equals", 18), ("l = ell", 22), ("I | 1 l", 20)])
def test_uprights_with_nothing_under_them_stay(recognizer, text, size):
    crop = degrade(render_line_crop(text, "mono", size), blur=0.8, noise=6, jpeg_quality=70, seed=size)
    line = recognizer([crop])[0]
    deeper = np.vstack([crop, np.full((size // 2, crop.shape[1]), 255, np.uint8)])  # paper below the box
    assert dotted_bangs([line], lambda idx: [deeper for _ in idx])[0].text == line.text


@pytest.mark.parametrize("text,size", [("!a = !b!", 16), ("!= 1 or != l!", 20), ("wow! 1 I l", 18), ("a!=b; c!=d!", 22)])
def test_the_strip_around_a_reading_misses_no_point(recognizer, text, size):
    """The cheap look at the columns around a candidate (``_pointed_nearby``) says no only where the whole deeper
    crop's labelling does: every upright and every ``!`` of a rendered line (a ``!`` made an unsure 1, as read where
    the box cut its point off; bangs at both ends of the line, where the strip is cut by the crop's edge)."""
    crop = degrade(render_line_crop(text, "mono", size), blur=0.8, noise=6, jpeg_quality=70, seed=size)
    read = recognizer([crop])[0]
    line = replace(read, chars=tuple(replace(c, char="1" if c.char == "!" else c.char, confidence=0.5)
                                     if c.char in "!1Il|" else c for c in read.chars))
    ink = LineInk(crop)
    glyphs, band = _glyph_pieces(ink.pieces[2], ink.shape[0])
    pointed = [k for k, c in enumerate(line.chars) if c.char in "1Il|" and _pointed(ink, glyphs, band, line, c)]
    assert pointed, f"no point found under any stroke of {read.text!r}: the test would show nothing"
    assert all(_pointed_nearby(ink, line, line.chars[k]) for k in pointed)
    assert [k for k, c in enumerate(dotted_bangs([line], lambda idx: [crop for _ in idx])[0].chars) if c.char == "!"] \
        == [k for k in pointed if _candidate(line.chars, k)]
