"""An exclamation mark read as a 1, I, l or bar (``!=`` read ``1=``, a lone ``!`` read ``1``), told by its point
found just below the line's box.

In small typewriter print the detector's box can end above the point of a ``!`` (its lowest ink, set apart from
the stroke), so the crop read holds only the stroke, which the recognizer takes for the upright it looks like. No
1, I, l or bar has a point under it. So such a reading whose ink, in a crop cut deeper than the box, is an upright
stroke with no foot, and right under it, after a gap, a point about the stroke's width, is a ``!``. Lines without
such a reading are not cut again.
"""
from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine, between
from pipeline.ink_pieces import ink_pieces
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
    # A line's glyph pieces, found once for all its candidates (keyed by its ink, which the dict holds for the call).
    found: dict[LineInk, tuple[np.ndarray, float]] = {}
    return reread_chars(decoded, deeper, lambda line, k: _candidate(line.chars, k), partial(_bang, found), _UPRIGHTS)


def _bang(found: dict, line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    c = line.chars[k]
    # Most candidates have no stroke with a point near them: told from the columns around them, the line's whole
    # crop is then not labelled.
    if not _pointed_nearby(ink, line, c):
        return None
    if ink not in found:
        found[ink] = _glyph_pieces(ink.pieces[2], ink.shape[0])
    glyphs, band = found[ink]
    return replace(c, char="!", second=c.char) if len(glyphs) and _pointed(ink, glyphs, band, line, c) else None


def _glyph_pieces(stats: np.ndarray, height: int) -> tuple[np.ndarray, float]:
    """``LineInk.glyph_pieces()`` of a labelling's ``stats`` (a crop ``height`` px tall) as an array of the pieces'
    labels: the pieces that can be glyphs, and the tallest's height."""
    stats = stats[1:]
    glyph = (stats[:, 3] < height - 2) & (stats[:, 4] >= 3)
    return np.flatnonzero(glyph) + 1, float(stats[glyph, 3].max()) if glyph.any() else 0.0


def _pointed_nearby(ink: LineInk, line: DecodedLine, c) -> bool:
    """False only where ``_pointed`` is: no piece in the columns around ``c`` is a stroke with a point under it.

    A stroke ``_pointed`` takes lies within 1.5 steps of ``c``'s centre and is at most ``max(4, h / 2)`` wide, its
    point no wider than it plus ``_SLACK`` and centred within its columns: both lie whole within ``reach`` of the
    centre, so they are pieces of the strip of columns as they are of the whole crop (the strip's Otsu ink is the
    crop's). The strip is searched for any such pair among the pieces at least 6 px tall (the least ``_pointed``
    asks), not only the nearest of those as tall as the line's band asks; it may find one ``_pointed`` does not, never
    the reverse."""
    height, width = ink.shape
    step = width / max(1, line.steps)
    centre = (c.start + c.end) / 2 * step
    reach = 1.5 * step + max(4, 0.5 * height) + _SLACK + 1
    lo, hi = max(0, math.floor(centre - reach)), min(width, math.ceil(centre + reach) + 1)
    if hi <= lo:
        return False
    _, labels, stats, _ = ink_pieces(np.ascontiguousarray(ink.ink[:, lo:hi]))
    glyphs, _ = _glyph_pieces(stats, height)
    off = np.abs(stats[glyphs, 0] + lo + stats[glyphs, 2] / 2 - centre)
    near = glyphs[(stats[glyphs, 3] >= 6) & (off <= 1.5 * step)]
    return any(_point_under(labels, stats, glyphs, int(s)) for s in near)


def _candidate(chars, k: int) -> bool:
    """An upright read less than surely, not between two letters (a ``!`` ends a word; an l inside one may stand
    over the next line's ink)."""
    c = chars[k]
    if c.char not in _UPRIGHTS or c.confidence >= _SURE:
        return False
    return not between(chars, k, str.isalpha)


def _pointed(ink: LineInk, glyphs: np.ndarray, band: float, line: DecodedLine, c) -> bool:
    stats = ink.pieces[2]
    stroke = _stroke(stats[glyphs], ink.shape, line.steps, c, max(6, _MIN_TALL * band))
    if stroke is None:
        return False
    return _point_under(ink.pieces[1], stats, glyphs, int(glyphs[stroke]))


def _point_under(labels: np.ndarray, stats: np.ndarray, glyphs: np.ndarray, stroke: int) -> bool:
    """Whether piece ``stroke`` (of a labelling's ``labels`` and ``stats``) is an upright with no foot and, among
    ``glyphs``, a point right under it after a gap."""
    x, y, w, h = (int(v) for v in stats[stroke, :4])
    if w > max(4, 0.5 * h):
        return False
    rows = (labels[y : y + h, x : x + w] == stroke).sum(axis=1)
    if rows[-max(1, h // 4):].max() > np.median(rows):
        return False
    px, py, pw, ph = (stats[glyphs, j] for j in range(4))
    middle = px + pw / 2
    point = ((glyphs != stroke) & (y + h < py) & (py <= y + h + _MAX_GAP * h) & (pw <= rows.max() + _SLACK)
             & (ph <= pw + _SLACK) & (x <= middle) & (middle <= x + w))
    return bool(point.any())


def _stroke(stats: np.ndarray, shape: tuple[int, int], steps: int, c, tall: float) -> int | None:
    """Which of the pieces (their ``stats`` rows) is the stroke read at ``c``: ``LineInk.mark_piece``'s choice (the
    piece under the crop's height nearest the reading's steps, within 1.5 steps) among those ``tall`` or taller."""
    step = shape[1] / max(1, steps)
    centre = (c.start + c.end) / 2 * step
    off = np.abs(stats[:, 0] + stats[:, 2] / 2 - centre)
    near = np.flatnonzero((stats[:, 3] < shape[0]) & (off <= 1.5 * step) & (stats[:, 3] >= tall))
    return int(near[np.argmin(off[near])]) if len(near) else None
