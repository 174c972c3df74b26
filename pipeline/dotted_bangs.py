"""An exclamation mark read as a 1, I, l or bar (``!=`` read ``1=``, a lone ``!`` read ``1``), told by its point
found just below the line's box.

In small typewriter print the detector's box can end above the point of a ``!`` (its lowest ink, set apart from
the stroke), so the crop read holds only the stroke, which the recognizer takes for the upright it looks like. No
1, I, l or bar has a point under it. So such a reading whose ink, in a crop cut deeper than the box, is an upright
stroke with no foot, and right under it, after a gap, a point about the stroke's width, is a ``!``. Lines without
such a reading are not cut again.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine, between
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reread_chars

_UPRIGHTS = "1Il|"
# A reading this sure is left as read.
_SURE = 0.999
# The stroke: at least this share of the deeper crop's ink band tall; its lowest quarter of rows no wider than its
# median row (a 1's or an I's foot is wider), its box at most half as wide as tall.
_MIN_TALL = 0.5
# The point: as wide as the stroke's widest row within ``_SLACK`` px, about as tall as wide, its centre within the
# stroke's columns, its top at most ``_MAX_GAP`` of the stroke's height below the stroke's foot (and not touching).
_SLACK = 1
_MAX_GAP = 0.35


def dotted_bangs(decoded: list[DecodedLine], deeper: Crops) -> list[DecodedLine]:
    """``decoded`` with each upright reading whose stroke has a point under it made a ``!``."""
    return reread_chars(decoded, deeper, lambda line, k: _candidate(line.chars, k), _bang, _UPRIGHTS)


def _bang(line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    glyphs, band = ink.glyph_pieces()
    c = line.chars[k]
    return replace(c, char="!", second=c.char) if glyphs and _pointed(ink, glyphs, band, line, c) else None


def _candidate(chars, k: int) -> bool:
    """An upright read less than surely, not between two letters (a ``!`` ends a word; an l inside one may stand
    over the next line's ink)."""
    c = chars[k]
    if c.char not in _UPRIGHTS or c.confidence >= _SURE:
        return False
    return not between(chars, k, str.isalpha)


def _pointed(ink: LineInk, glyphs: list[int], band: float, line: DecodedLine, c) -> bool:
    stats = ink.pieces[2]
    stroke = ink.mark_piece(glyphs, ink.shape[0], c.start, c.end, line.steps,
                            keep=lambda p: stats[p, 3] >= max(6, _MIN_TALL * band))
    if stroke is None:
        return False
    x, y, w, h = (int(v) for v in stats[stroke, :4])
    rows = (ink.pieces[1][y : y + h, x : x + w] == stroke).sum(axis=1)
    if rows[-max(1, h // 4):].max() > np.median(rows) or w > max(4, 0.5 * h):
        return False
    for p in glyphs:
        px, py, pw, ph = (int(v) for v in stats[p, :4])
        if (p != stroke and y + h < py <= y + h + _MAX_GAP * h and pw <= rows.max() + _SLACK and ph <= pw + _SLACK
                and x <= px + pw / 2 <= x + w):
            return True
    return False
