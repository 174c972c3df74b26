"""The visible-space mark ``␣`` (U+2423), which manuals print where a space must be typed, told from the ``u``
(or ``∪``, or ``L``) it is read as.

The mark is in neither recognizer's character set; the nearest shape they know is ``u``. It is not a letter's
height, though: a ``⊔`` whose arms reach about half the x-height and whose bar hangs below the baseline,
while a ``u`` stands between the baseline and the x-height like the other small letters beside it. So a ``u``
whose ink starts well below the line's x-height and ends below its baseline is the mark.

A ``∪`` that is not the mark, in Chinese text with no Latin letter, digit or mark beside it, is the letter ``U``
in a sans-serif face (``U 盘``, a USB stick): a set union stands between sets' names.
"""
from __future__ import annotations

from dataclasses import replace
from statistics import median

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.ink_pieces import ink_pieces
from pipeline.punct_widths import neighbour
from pipeline.punctuation import is_ideograph

MARK = "\u2423"
# Small letters without ascender or descender: their ink spans the x-height (``u`` itself is left out, as
# it is what is being judged).
_X_HEIGHT = set("acemnorsvwxz")
# Where the glyph's ink starts, below the x-height line, and ends, below the baseline, in x-heights
# (measured: the mark 0.39-0.56 and +0.2-+0.35 in cmtt on scans; a ``u`` -0.2-0.13 and about 0).
_LOW_TOP = 0.3
_BELOW_BASE = 0.05
# The mark is about as wide as the x-height (a speck beside a letter is not it).
_WIDE = 0.5
_NEAREST = 6
# The least x-height a line's crop shows, as a share of its height (for a first check in pixels).
_LEAST_X_HEIGHT = 0.25
# What the recognizers read the mark as: a ``u``, or, in a serif face, the set union ``∪`` or an ``L`` (its
# foot and left arm); a real cup stands on the baseline as tall as a small letter or more, an ``L`` reaches the
# cap height, so the heights below tell each from the mark as they tell a ``u``.
_READ_AS = "u\u222aL"


def visible_spaces(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with each ``u`` that ``line_ink`` (of the crop the model read) shows set low, as the
    visible-space mark is, written ``␣``, and each other ``∪`` of Chinese text written ``U``."""
    chars = list(line.chars)
    if not any(c.char in _READ_AS for c in chars):
        return line
    ink = line_ink.ink
    scale = line_ink.shape[1] / max(1, line.steps)
    # Cells run halfway to the next glyph on either side: a space read beside the mark has no ink of its own.
    centres = [(c.start + c.end) / 2 * scale if c.char != " " else None for c in chars]
    cells = _cells(centres, ink.shape[1])
    pieces: dict[int, tuple[int, int, int] | None] = {}

    def piece(j: int) -> tuple[int, int, int] | None:
        if j not in pieces:
            pieces[j] = _piece(ink, centres[j], *cells[j]) if cells[j] else None
        return pieces[j]

    letters = [j for j, c in enumerate(chars) if c.char in _X_HEIGHT]
    for i, c in enumerate(chars):
        mark = piece(i) if c.char in _READ_AS else None
        if mark is None:
            continue
        # Lower than a glyph beside it (a letter's or a bracket's): a u among its like is not the mark.
        # Checked first, in pixels, as most u's fail it: their x-height neighbours' tops are theirs.
        beside = [b for j in (i - 1, i + 1) if 0 <= j < len(chars) for b in [piece(j)] if b is not None]
        if not any(mark[0] - b[0] >= _LOW_TOP * _LEAST_X_HEIGHT * ink.shape[0] for b in beside):
            continue
        # The letters nearest it: a line's baseline drifts along a skewed or stepped crop.
        near = []
        for j in sorted(letters, key=lambda j: abs(centres[j] - centres[i])):
            if len(near) == _NEAREST:
                break
            letter = piece(j)
            # A letter's own height, not a sliver of a rule or frame its cell holds.
            if letter is not None and letter[1] - letter[0] + 1 >= _LEAST_X_HEIGHT * ink.shape[0]:
                near.append(letter)
        if len(near) < 2:
            continue
        top, base = float(median(r[0] for r in near)), float(median(r[1] for r in near))
        x_height = base - top + 1
        # A small letter right beside it whose top is as low stands on the same line: a u of a word set
        # lower (a stepped crop), not the mark.
        level = [piece(j) for j in (i - 1, i + 1) if 0 <= j < len(chars) and chars[j].char in _X_HEIGHT]
        if (x_height >= 4 and mark[2] >= _WIDE * x_height and mark[0] - top >= _LOW_TOP * x_height
                and mark[1] - base >= _BELOW_BASE * x_height
                and any(mark[0] - b[0] >= _LOW_TOP * x_height for b in beside)
                and not any(b is not None and mark[0] - b[0] < _LOW_TOP * x_height for b in level)):
            chars[i] = replace(c, char=MARK)
    _union_letters(chars)
    return DecodedLine(tuple(chars), line.steps) if tuple(chars) != line.chars else line


def _union_letters(chars: list) -> None:
    """Each ``∪`` of ``chars`` with an ideograph beside it, past a space, and nothing else beside it but
    spaces and ideographs, made ``U`` (in place)."""
    for i, c in enumerate(chars):
        if c.char != "\u222a":
            continue
        sides = [neighbour(chars, i, -1), neighbour(chars, i, 1)]
        if any(is_ideograph(s) for s in sides) and all(s == "" or is_ideograph(s) for s in sides):
            chars[i] = replace(c, char="U")


def _cells(centres: list[float | None], width: int) -> list[tuple[int, int] | None]:
    """Each glyph's cell, halfway to the glyphs on either side (``centres``: None for a space); None for a space."""
    glyphs = [i for i, x in enumerate(centres) if x is not None]
    out: list[tuple[int, int] | None] = [None] * len(centres)
    for k, i in enumerate(glyphs):
        x = centres[i]
        out[i] = (int(round((centres[glyphs[k - 1]] + x) / 2)) if k else 0,
                  int(round((centres[glyphs[k + 1]] + x) / 2)) if k + 1 < len(glyphs) else width)
    return out


def _piece(ink: np.ndarray, x: float, lo: int, hi: int) -> tuple[int, int, int] | None:
    """First and last ink row, and width, of the glyph centred at column ``x`` in its cell ``lo:hi``: of the
    connected piece of ink nearest its centre there, so a neighbour's ink is not counted, nor a rule's or a
    neighbouring line's that the crop's edge cuts."""
    if hi <= lo:  # two characters on one time step: no cell (OpenCV's labelling crashes on an empty one)
        return None
    count, _, stats, middles = ink_pieces(np.ascontiguousarray(ink[:, lo:hi]))
    # A thin bar across the whole cell is a rule's or a frame's; ink cut by the crop's top, or a sliver at its
    # bottom, a neighbouring line's (a mark hanging low may reach the bottom: it is a glyph's height). Python's
    # numbers, not numpy's: a cell holds a few pieces.
    rows = ink.shape[0]
    found, nearest = None, None
    for (left, top, width, height, area), (middle, _) in zip(stats.tolist()[1:], middles.tolist()[1:]):
        bar = left == 0 and left + width == hi - lo and height < 0.2 * rows
        sliver = top + height == rows and height < 0.25 * rows
        if area < 3 or top <= 0 or bar or sliver:
            continue
        off = abs(middle + lo - x)
        if nearest is None or off < nearest:
            found, nearest = (top, top + height - 1, width), off
    return found
