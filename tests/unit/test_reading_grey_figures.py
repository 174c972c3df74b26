"""Figures set in grey keep together (pipeline/spacing.py: a gap between digits against the line's digit pitch).

A spreadsheet's row numbers are grey: on a scan their ink's edges fall under the line's ink threshold, the
blank between two of them measures as wide as a word gap, and ``11`` came out ``1 1``. Their centres still
stand at the line's digit pitch, which a word space would widen. Lines are rendered here with the first
number in grey, scanned, and read by the real recognizer.
"""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.line_ink import LineInk
from pipeline.spacing import add_missing_spaces
from tests.factories import degrade, render_text_image

SIZE = 30


def _read(recognizer, text: str, grey: float | None, seed: int, space_cap: float | None = None):
    """The line as the model reads it and with the missing spaces added. ``grey``: the first word's ink kept at
    that share of black. ``space_cap``: the model's spaces taken out and its space class capped at that."""
    img = render_text_image([text], font="sans", size_px=SIZE, width=1400, margin=24)
    ys, xs = np.nonzero(img < 128)
    if grey is not None:
        cols = np.nonzero((img < 128).any(axis=0))[0]
        end = cols[np.nonzero(np.diff(cols) > SIZE * 0.3)[0][0]] + 2
        img[:, :end] = (255 - (255 - img[:, :end].astype(float)) * grey).astype(np.uint8)
    img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=seed)
    pad = (ys.max() - ys.min()) // 3
    crop = recognizer._resize(img[ys.min() - 4: ys.max() + 5, xs.min() - pad: xs.max() + pad])
    probs = recognizer.session.run(recognizer.network_input([crop]))[0]
    line = recognizer.decoder.decode(probs)
    space = recognizer.decoder.num_classes - 1
    if space_cap is not None:
        probs = probs.copy()
        probs[:, space] = np.minimum(probs[:, space], space_cap)
        line = type(line)(tuple(c for c in line.chars if c.char != " "), line.steps)
    return line.text, add_missing_spaces(line, LineInk(crop), probs, space).text


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("grey", [0.3, 0.2])
@pytest.mark.parametrize("text", ["11  10/2013  119", "13  12/2013  118", "12  11/2013  104"])
def test_grey_row_numbers_are_not_split(engine, text, grey, seed):
    read, spaced = _read(engine.recognizer, text, grey, seed)
    assert read.split() == text.split()  # the model reads it right; the spacing must not undo that
    assert spaced.split() == text.split()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_word_spaces_between_numbers_the_model_missed_still_come_back(engine, seed):
    # Table rows of figures: the model's spaces taken out, its space class gone, the gaps are still word gaps.
    text = "2013  119  10  4711  12  3"
    read, spaced = _read(engine.recognizer, text, None, seed, space_cap=0.0)
    assert read == "".join(text.split())
    assert spaced.split() == text.split()
