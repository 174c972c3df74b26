"""Two line boxes side by side that overlap, parted at the blank between their texts.

The detector's box for a short cell can end on the first glyph of the next cell when the two are set
close (``3,913`` beside ``3187.13`` on a tilted generated scan), and the recognizer's margin (``pad_x``
of the line's height each side) then takes that glyph in whole: the line reads ``3,913 3`` and the
next cell's 3 is read twice. Where two boxes of one row overlap side by side, the ink in the overlap
shows where one text ends and the other begins: both boxes are cut at the middle of the widest blank
run of columns there. Boxes whose overlap holds no blank as wide as a letter space or two (one line
found as two pieces, text running on through the overlap) are left as they are.
"""
from __future__ import annotations

import cv2
import numpy as np

# The blank run must be at least this many line heights wide (letters stand ~0.05 apart, words ~0.25).
MIN_BLANK = 0.12
# Only boxes this near level are cut (the cut moves their ends straight across).
MAX_SLOPE = 0.1


def part_side_overlaps(gray: np.ndarray, quads: list[np.ndarray]) -> list[np.ndarray]:
    """``quads`` (tl, tr, br, bl, in ``gray``'s pixels) with each pair side by side on one row that
    overlaps cut apart at the blank between them; every other quad as it was."""
    out = [np.array(q, dtype=np.float32) for q in quads]
    if len(out) < 2:
        return out
    boxes = np.array([[q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()] for q in out])
    for a, b in zip(*np.nonzero(_side_by_side(boxes))):
        if _level(out[a]) and _level(out[b]):
            cut = _blank_middle(gray, boxes[a], boxes[b])
            if cut is not None:
                out[a][[1, 2], 0] = np.minimum(out[a][[1, 2], 0], cut)
                out[b][[0, 3], 0] = np.maximum(out[b][[0, 3], 0], cut)
                boxes[a][2], boxes[b][0] = min(boxes[a][2], cut), max(boxes[b][0], cut)
    return out


def _side_by_side(boxes: np.ndarray) -> np.ndarray:
    """[a, b]: box ``a`` left of box ``b`` on one row (half the shorter height shared), their ends
    overlapping by less than half the narrower box (not one inside the other)."""
    a, b = boxes[:, None], boxes[None, :]
    heights, widths = boxes[:, 3] - boxes[:, 1], boxes[:, 2] - boxes[:, 0]
    shared = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    overlap = a[..., 2] - b[..., 0]
    return ((shared >= 0.5 * np.minimum(heights[:, None], heights[None, :])) & (a[..., 0] < b[..., 0])
            & (a[..., 2] < b[..., 2]) & (overlap > 0) & (overlap < 0.5 * np.minimum(widths[:, None], widths[None, :])))


def _level(q: np.ndarray) -> bool:
    dx, dy = q[1] - q[0]
    return abs(dy) <= MAX_SLOPE * max(abs(dx), 1.0)


def _blank_middle(gray: np.ndarray, a: np.ndarray, b: np.ndarray) -> float | None:
    """The x of the middle of the widest run of ink-free columns in the overlap of ``a`` and ``b``, on
    the rows they share; None when no run is ``MIN_BLANK`` line heights wide."""
    y0, y1 = int(max(a[1], b[1])), int(min(a[3], b[3]))
    x0, x1 = int(a[0]), int(np.ceil(b[2]))
    if y1 - y0 < 4 or x1 - x0 < 4:
        return None
    crop = gray[y0:y1, x0:x1]
    # Ink against both boxes' paper: the threshold is taken over both texts, the overlap alone may be blank.
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    lo, hi = int(b[0]) - x0, int(np.ceil(a[2])) - x0
    cols = ink[:, lo:hi].sum(axis=0) >= 2
    best, start, run = None, None, 0
    for i, full in enumerate(list(cols) + [True]):
        if not full and start is None:
            start = i
        elif full and start is not None:
            if i - start > run:
                best, run = (start + i) / 2, i - start
            start = None
    if best is None or run < MIN_BLANK * (y1 - y0):
        return None
    return float(x0 + lo + best)
