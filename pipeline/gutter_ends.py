"""A line standing alone in the gutter between two columns, below or above both (a page number or a
footer centred under the columns): it belongs to neither column, so it is read after both (or before).

The gutter the layout cuts at may be the narrow clear strip beside such a line, not the strip the line
stands in (both are crossed by no box; the line fills the middle of the wider one), and the line then
falls to one side: read as that column's last line, before the whole of the other column.
"""
from __future__ import annotations

import numpy as np


def gutter_ends(left: np.ndarray, right: np.ndarray, spanning: np.ndarray, boxes: np.ndarray):
    """``(left, right, spanning)`` with the lines of either side that stand out in the gutter, past the
    edge their side's other lines reach, and wholly below or above every line of both sides, moved to
    ``spanning`` (which the layout reads between the bands of the columns, here after or before them)."""
    if len(left) < 3 or len(right) < 3:
        return left, right, spanning
    out = _apart(left, right, boxes)
    sides = np.concatenate([left, right])
    return left[~out[:len(left)]], right[~out[len(left):]], np.concatenate([spanning, sides[out]])


def _apart(left: np.ndarray, right: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Which of ``left`` and ``right`` (concatenated, in that order) stand so (bool)."""
    sides = np.concatenate([left, right])
    out = np.zeros(len(sides), dtype=bool)
    b = boxes[sides]
    rest = np.ones(len(sides), dtype=bool)
    for k, i in enumerate(sides):
        own, on_left = (left, True) if k < len(left) else (right, False)
        others = own[own != i]
        apart = boxes[i, 0] >= boxes[others, 2].max() if on_left else boxes[i, 2] <= boxes[others, 0].min()
        if not apart:
            continue
        rest[k] = False  # every line of both sides but this one
        out[k] = bool(boxes[i, 1] >= b[rest, 3].max() or boxes[i, 3] <= b[rest, 1].min())
        rest[k] = True
    return out
