"""A backslash read as a 1, I, l or bar (``\\n`` read ``In``, ``\\\\`` read ``11``, ``ta\\-ta`` read ``ta|-ta``),
told by its ink leaning back.

In small typewriter print of escapes and TeX (``\\n``, ``\\\\``, ``\\-``) blurred on a scan, the recognizer reads a
backslash as the upright stroke it nearly is. No 1, I, l or bar leans back (its top left of its foot): upright
faces stand straight, italics lean forward, and a 1's flag sits at the top only. So such a reading whose ink is
one thin straight stroke, at least half as tall as the line's ink, whose rows move right going down by at least
``_MIN_LEAN`` of a pixel per row, is a backslash. Lines without such a reading are not measured.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine, between
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reread_chars

_UPRIGHTS = "1Il|"
# A reading this sure is left as read: the backslashes misread on the English scans weigh 0.36-0.47, rendered
# ones up to 0.98.
_SURE = 0.99
# The stroke: at least this share of the line's ink band tall, its rows at most this share of its height wide
# (a backslash's row is its stroke's width; a letter's bowl or a 1's foot is wider).
_MIN_TALL = 0.5
_MAX_ROW = 0.35
# How far its rows' centres move right per row going down, fitted on its middle rows (a 1's flag and foot left
# out): a typewriter backslash 0.4-0.6, an upright stroke about 0, an italic one below 0. The stroke is straight:
# its middle rows' centres within ``_MAX_WANDER`` px (root mean square) of the fitted line, and no row but its
# ends more than twice as wide as its median row and a pixel (a small capital L's foot, an s's turns).
_MIN_LEAN = 0.3
_MAX_WANDER = 1.0


def backslashes(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each unsure 1, I, l or | whose ink is one stroke leaning back made a ``\\``."""
    return reread_chars(decoded, crops, lambda line, k: _candidate(line.chars, k), _backslash, _UPRIGHTS)


def _backslash(line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    glyphs, band = ink.glyph_pieces()
    c = line.chars[k]
    if glyphs and _leans_back(ink, band, ink.mark_piece(glyphs, ink.shape[0], c.start, c.end, line.steps)):
        return replace(c, char="\\", second=c.char)
    return None


def _candidate(chars, k: int) -> bool:
    """An upright read unsurely (a bar however sure: bar_pipes writes one for a backslash reaching below the line
    too), not between two letters: an escape or a command opens with its backslash."""
    c = chars[k]
    if c.char not in _UPRIGHTS or (c.char != "|" and c.confidence >= _SURE):
        return False
    return not between(chars, k, str.isalpha)


def stroke_lean(ink: LineInk, piece: int) -> float | None:
    """How far ``piece``'s rows' centres move right per row going down, on its middle rows; None where it is no
    one thin straight stroke (see ``_MAX_ROW``, ``_MAX_WANDER``; each middle row one run of ink) or too short to tell."""
    x, y, w, h = (int(v) for v in ink.pieces[2][piece, :4])
    if h < 6:
        return None
    mask = ink.pieces[1][y : y + h, x : x + w] == piece
    widths = mask.sum(axis=1)
    median = float(np.median(widths))
    if median > max(2, _MAX_ROW * h) or widths[1:-1].max() > 2 * median + 1:
        return None
    rows = np.arange(h)
    middle = (rows >= 0.2 * h) & (rows <= 0.8 * h) & (widths > 0)
    if middle.sum() < 3:
        return None
    starts = (np.diff(mask[middle].astype(np.int8), axis=1) == 1).sum(axis=1) + mask[middle, 0]
    if starts.max() > 1:
        return None  # a middle row in two runs: two glyphs touching (an l's foot on the s or i beside it)
    centres = (mask[middle] * np.arange(w)).sum(axis=1) / widths[middle]
    slope, at = np.polyfit(rows[middle], centres, 1)
    wander = float(np.sqrt(np.mean((centres - (slope * rows[middle] + at)) ** 2)))
    return float(slope) if wander <= _MAX_WANDER else None


def _leans_back(ink: LineInk, band: float, piece: int | None) -> bool:
    if piece is None or ink.pieces[2][piece, 3] < _MIN_TALL * band:
        return False
    slope = stroke_lean(ink, piece)
    return slope is not None and slope >= _MIN_LEAN
