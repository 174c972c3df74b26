"""A backslash read as a vertical bar (``ta|-ta`` for ``ta\\-ta``), told by its stroke's slant.

In a blurred typewriter listing the recognizer reads some ``\\`` as ``|``, surely. The two differ in
one thing the ink shows plainly: a bar stands upright, a backslash runs from top left to bottom right.
So the stroke's middle is followed down its rows; where it moves right as it goes down, steadily and by
much, the glyph is a backslash. An italic face leans the other way, so a leaning bar is never taken.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punct_widths import component_at

_REACH = 2  # pixels beside a character's time steps where its ink may lie
# Columns the stroke's middle moves right per row down: on the scans' listings backslashes (read `\`
# or `|`) 0.42-0.50, bars -0.02-0.01; rendered backslashes 0.54 (Liberation Mono), 0.30 (DejaVu Sans),
# 0.34 (Liberation Serif). An l joined to the letter beside it by blur slants too (0.32), but is no one stroke.
_SLANT = 0.25
# One stroke: nearly every row of it one run of ink (glyphs joined by blur show two or more).
_ONE_RUN = 0.85
# One glyph, not a bar joined to its neighbours: taller than wide, and tall enough to fit a line.
_MAX_WIDE = 0.8
_MIN_ROWS = 8


def slanted_bars(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with each ``|`` whose ink (of the grey image the model read) slants as a backslash's does
    written ``\\``."""
    if "|" not in "".join(c.char for c in line.chars) or line.steps < 1:
        return line
    _, labels, stats, _ = line_ink.pieces
    scale = line_ink.shape[1] / line.steps
    out = list(line.chars)
    for i, c in enumerate(line.chars):
        if c.char == "|" and _slant(labels, stats, (c.start + c.end) / 2 * scale) >= _SLANT:
            out[i] = replace(c, char="\\")
    return line if out == list(line.chars) else DecodedLine(tuple(out), line.steps)


def _slant(labels: np.ndarray, stats: np.ndarray, x: float) -> float:
    """How many columns the middle of the glyph at column ``x`` moves right per row down (0 where no
    single tall glyph stands there)."""
    k = component_at(labels, int(x), _REACH)
    if not k:
        return 0.0
    left, top, w, h = (int(v) for v in stats[k, :4])
    if h < _MIN_ROWS or w > _MAX_WIDE * h:
        return 0.0
    glyph = labels[top : top + h, left : left + w] == k
    rows = np.flatnonzero(glyph.any(axis=1))
    runs = np.diff(glyph[rows].astype(np.int8), axis=1, prepend=0).clip(0).sum(axis=1)
    if np.mean(runs == 1) < _ONE_RUN:
        return 0.0
    cols = np.arange(w)
    middles = np.array([cols[glyph[r]].mean() for r in rows])
    return float(np.polyfit(rows, middles, 1)[0])
