"""Braces ({group}) told from the parentheses they are read as, by the point at their middle.

In a scanned typewriter face the recognizer reads many a ``{`` as ``(``, and the two of a pair
differently (``\\TeX(}``). The shapes differ at half height: a brace's two arms meet in a point
that juts out on its outer side, beyond the nearly upright arms above and below it; a parenthesis
is one smooth arc, its outer edge barely moving near the middle and ever faster away from it, as an
angle bracket's edge moves steadily. So the outer edge's jut at the middle (as a share of the glyph's
width) and how upright the arms stand tell them apart.
"""
from __future__ import annotations

from dataclasses import replace
from statistics import median

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punct_widths import component_at
from pipeline.punctuation import bracket_pairs

_OPEN, _CLOSE = "({", ")}"
_BRACE = {"(": "{", ")": "}"}
_REACH = 2  # pixels beside a character's time steps where its ink may lie
# A bracket's ink spans most of the line's height and is narrow.
_MIN_TALL = 0.45
_MAX_WIDE = 0.4
_POINT, _ARMS, _ARMS_SPLIT = 0.2, (0.25, 0.6), 0.42  # in half heights from the middle
# The point juts past the arms' outer edge (a share of the glyph's width, and in pixels), and the arms
# stand upright: their outer edge moves little against the jut between their inner and outer halves,
# where an angle bracket's and a parenthesis's edge keep moving away from the middle (on the corpus:
# parentheses jut up to 0.19 of their width, braces from 0.18; the arms' move is at most a quarter of
# the jut on nine braces in ten, and on one angle bracket in ten, never on both of a pair).
_JUT = 0.18
_JUT_PX = 1.5
_UPRIGHT = 0.25
# A lone one (its partner on another line), with no partner's shape to agree, must jut further.
_LONE_JUT = 0.2


def braces_from_shapes(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with the parentheses that ``line_ink`` (of the grey image the model read) shows pointed
    written as braces; the two of a pair alike."""
    chars = line.chars
    if not any(c.char in "()" for c in chars) or line.steps < 1:
        return line
    _, labels, stats, _ = line_ink.pieces
    scale = line_ink.shape[1] / line.steps
    juts: dict[int, float | None] = {}
    for i, c in enumerate(chars):
        if c.char in "()":
            juts[i] = _point(labels, stats, line_ink.shape[0], (c.start + c.end) / 2 * scale, c.char == ")")
    braces = {i for i, jut in juts.items() if jut is not None and jut >= _LONE_JUT}
    for i, j in bracket_pairs([c.char for c in chars], _OPEN, _CLOSE):
        # A pair read half brace is a brace pair unless its other half is shaped round; a pair read
        # as parentheses needs both halves pointed.
        shapes = [None if juts[k] is None else juts[k] >= _JUT for k in (i, j) if k in juts]
        half = chars[i].char == "{" or chars[j].char == "}"
        braces.difference_update((i, j))
        if (half and False not in shapes) or (not half and all(shapes)):
            braces.update(k for k in (i, j) if k in juts)
    if not braces:
        return line
    out = [replace(c, char=_BRACE[c.char]) if i in braces else c for i, c in enumerate(chars)]
    return DecodedLine(tuple(out), line.steps)



def _point(labels: np.ndarray, stats: np.ndarray, height: int, x: float, closing: bool) -> float | None:
    """How far the point of the glyph at column ``x`` juts past its upright arms, as a share of its
    width (0 where the arms are not upright or the jut is under a pixel and a half); None where no
    bracket-shaped glyph stands."""
    k = component_at(labels, int(x), _REACH)
    if not k:
        return None
    left, top, w, h = (int(v) for v in stats[k, :4])
    if h < _MIN_TALL * height or w > _MAX_WIDE * height or h < 8:
        return None
    glyph = labels[top : top + h, left : left + w] == k
    if closing:
        glyph = glyph[:, ::-1]  # the outer side on the left
    filled = glyph.any(axis=1)
    rows = glyph[filled]
    outer = np.argmax(rows, axis=1).astype(np.float64)
    y = np.abs(np.flatnonzero(filled) - (h - 1) / 2) / max(1.0, (h - 1) / 2)
    middle, arms = y <= _POINT, (y >= _ARMS[0]) & (y <= _ARMS[1])
    near, far = arms & (y < _ARMS_SPLIT), arms & (y >= _ARMS_SPLIT)
    if not middle.any() or not near.any() or not far.any():
        return None
    jut = float(median(outer[arms].tolist()) - outer[middle].min())
    leaning = float(median(outer[far].tolist()) - median(outer[near].tolist()))
    return jut / w if jut >= _JUT_PX and leaning <= _UPRIGHT * jut else 0.0
