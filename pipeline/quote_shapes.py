"""Curly or straight quotes, told from the shapes of a line's quote pairs.

The recognizer reads ‘ ’ “ ” and ' " alike in most fonts, so the page's own glyphs decide. A curly
pair is two mirrored commas: the opening one (6) carries its weight low, the closing one (9) high.
A straight quote is the same wedge on both sides of a word. So on a line whose quotes open and close
a word, the opening ones' ink sits lower than the closing ones' by a clear margin when they are
curly, and at the same height when they are straight. Each glyph is measured as the ink component
above the line's middle at the quote's place, in the crop the recognizer read, scaled to its height.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.ink_pieces import ink_pieces

SINGLE, DOUBLE = "'‘’", '"“”'
_QUOTES = SINGLE + DOUBLE
_HEIGHT = 48  # the recognizer's line height: the glyphs measured as it saw them
_MIN_TALL = 5  # pixels at the line height above
_REACH = 8


def quote_lift(line: DecodedLine, crop: np.ndarray, kind: str = _QUOTES) -> float | None:
    """How much lower the opening quotes of ``line``'s pairs (in ``crop``, the image it was read from)
    carry their ink than the closing ones, in glyph heights: about 0 for straight quotes, 0.06 and
    more for curly ones; None where the line has no measurable pair. ``kind``: the quote marks
    measured (single ones, double ones, or both)."""
    chars = line.chars
    if sum(c.char in kind for c in chars) < 2 or not crop.size:
        return None
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    scale_y = _HEIGHT / max(1, gray.shape[0])
    width = max(1, int(round(gray.shape[1] * scale_y)))
    gray = cv2.resize(gray, (width, _HEIGHT), interpolation=cv2.INTER_AREA if scale_y < 1 else cv2.INTER_LINEAR)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = ink_pieces(ink)
    step = width / max(1, line.steps)
    opening: list[float] = []
    closing: list[float] = []
    for i, c in enumerate(chars):
        if c.char not in kind:
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
    return float(np.mean(opening) - np.mean(closing))


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
