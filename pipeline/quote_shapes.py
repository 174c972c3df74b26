"""Curly or straight quotes, told from the shapes of a line's quote pairs.

The recognizer reads ‘ ’ “ ” and ' " alike in most fonts, so the page's own glyphs decide. A curly
pair is two mirrored commas: the opening one (6) carries its weight low, the closing one (9) high.
A straight quote is the same wedge on both sides of a word. So on a line whose quotes open and close
a word, the opening ones' ink sits lower than the closing ones' by a clear margin when they are
curly, and at the same height when they are straight. Each glyph is measured as the ink component
above the line's middle at the quote's place, in the crop the recognizer read, scaled to its height.
"""
from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

from pipeline.ctc import DecodedLine

Look = Literal["curly", "straight"]
_QUOTES = "'\"‘’“”"
_HEIGHT = 48  # the recognizer's line height: the glyphs measured as it saw them
# Opening minus closing centre of mass, in glyph heights. On the corpus's lines with quote pairs:
# straight pairs -0.05..+0.03, curly +0.065..+0.26 (two curly exceptions at +0.01, +0.02).
_CURLY_MIN = 0.06
_STRAIGHT_MAX = 0.035
_MIN_TALL = 5  # pixels at the line height above
_REACH = 8


def quote_look(line: DecodedLine, crop: np.ndarray) -> Look | None:
    """Whether ``line``'s quote pairs (in ``crop``, the image it was read from) are printed curly or
    straight; None where it has no measurable pair or the shapes are not clear either way."""
    chars = line.chars
    if sum(c.char in _QUOTES for c in chars) < 2 or not crop.size:
        return None
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    scale_y = _HEIGHT / max(1, gray.shape[0])
    width = max(1, int(round(gray.shape[1] * scale_y)))
    gray = cv2.resize(gray, (width, _HEIGHT), interpolation=cv2.INTER_AREA if scale_y < 1 else cv2.INTER_LINEAR)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    step = width / max(1, line.steps)
    opening: list[float] = []
    closing: list[float] = []
    for i, c in enumerate(chars):
        if c.char not in _QUOTES:
            continue
        before = chars[i - 1].char if i else " "
        after = chars[i + 1].char if i + 1 < len(chars) else " "
        if before.isspace() or before in "([{":
            side = opening if not after.isspace() else None
        elif after.isspace() or after in ".,;:!?)]}":
            side = closing
        else:
            side = None
        if side is None:
            continue
        centre = _centre_of_mass(labels, stats, count, (c.start + c.end) / 2 * step)
        if centre is not None:
            side.append(centre)
    if not opening or not closing:
        return None
    lift = float(np.mean(opening) - np.mean(closing))
    if lift >= _CURLY_MIN:
        return "curly"
    return "straight" if abs(lift) <= _STRAIGHT_MAX else None


def _centre_of_mass(labels: np.ndarray, stats: np.ndarray, count: int, x: float) -> float | None:
    """Vertical centre of the ink of the quote-sized component nearest ``x`` (0 its top, 1 its bottom)."""
    best: tuple[float, int] | None = None
    for k in range(1, count):
        left, top, w, h, _ = stats[k]
        # A quote ends above the line's middle, is smaller than half the line's height and taller
        # than an i's dot; a character's time steps may sit a little beside its ink (monospace).
        if not (top + h < 0.6 * _HEIGHT and _MIN_TALL <= h < 0.45 * _HEIGHT and w < 0.5 * _HEIGHT):
            continue
        off = max(left - x, x - (left + w), 0.0)
        if off <= _REACH and (best is None or off < best[0]):
            best = (off, k)
    if best is None:
        return None
    k = best[1]
    top, h = stats[k, cv2.CC_STAT_TOP], stats[k, cv2.CC_STAT_HEIGHT]
    rows = np.nonzero(labels[top : top + h] == k)[0]
    return float(rows.mean() / max(1, h - 1))
