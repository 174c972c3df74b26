"""The visible-space mark ``␣`` (U+2423), which manuals print where a space must be typed, told from the ``u``
it is read as.

The mark is in neither recognizer's character set; the nearest shape they know is ``u``. It is not a letter's
height, though: a ``⊔`` whose arms reach about half the x-height and whose bar hangs below the baseline,
while a ``u`` stands between the baseline and the x-height like the other small letters beside it. So a ``u``
whose ink starts well below the line's x-height and ends below its baseline is the mark.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine

MARK = "\u2423"
# Small letters without ascender or descender: their ink spans the x-height (``u`` itself is left out, as
# it is what is being judged).
_X_HEIGHT = set("acemnorsvwxz")
# Where the glyph's ink starts, below the x-height line, and ends, below the baseline, in x-heights
# (measured: the mark 0.39-0.56 and +0.2-+0.35 in cmtt on scans; a ``u`` -0.2-0.13 and about 0).
_LOW_TOP = 0.3
_BELOW_BASE = 0.05


def visible_spaces(line: DecodedLine, crop: np.ndarray) -> DecodedLine:
    """``line`` with each ``u`` that ``crop`` shows set low, as the visible-space mark is, written ``␣``."""
    chars = list(line.chars)
    if not any(c.char == "u" for c in chars):
        return line
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    scale = crop.shape[1] / max(1, line.steps)
    centres = [(c.start + c.end) / 2 * scale for c in chars]
    letters = [_rows(ink, centres, i) for i, c in enumerate(chars) if c.char in _X_HEIGHT]
    letters = [r for r in letters if r is not None]
    if len(letters) < 2:
        return line
    top, base = np.median([r[0] for r in letters]), np.median([r[1] for r in letters])
    x_height = base - top + 1
    if x_height < 4:
        return line
    for i, c in enumerate(chars):
        rows = _rows(ink, centres, i) if c.char == "u" else None
        if rows and rows[0] - top >= _LOW_TOP * x_height and rows[1] - base >= _BELOW_BASE * x_height:
            chars[i] = replace(c, char=MARK)
    return DecodedLine(tuple(chars), line.steps) if tuple(chars) != line.chars else line


def _rows(ink: np.ndarray, centres: list[float], i: int) -> tuple[int, int] | None:
    """First and last ink row of glyph ``i``: of the connected piece of ink nearest its centre within its
    cell (halfway to the glyphs on either side), so a neighbour's ink is not counted."""
    x = centres[i]
    lo = int(round((centres[i - 1] + x) / 2)) if i else 0
    hi = int(round((centres[i + 1] + x) / 2)) if i + 1 < len(centres) else ink.shape[1]
    count, _, stats, middles = cv2.connectedComponentsWithStats(np.ascontiguousarray(ink[:, lo:hi]), connectivity=8)
    pieces = [k for k in range(1, count) if stats[k, cv2.CC_STAT_AREA] >= 3]
    if not pieces:
        return None
    k = min(pieces, key=lambda k: abs(middles[k][0] + lo - x))
    top = int(stats[k, cv2.CC_STAT_TOP])
    return top, top + int(stats[k, cv2.CC_STAT_HEIGHT]) - 1
