"""Running heads above two columns: the page's top row, broken at the gutter into a page number and a
title, read as one row before both columns rather than as the first line of each.

A row a block gap above the columns is a head whatever its pieces. Set closer (a head only a line's
space above the text), it is told from the columns' own first lines (two headings level by chance) by
its place: its pieces stand at the region's outer edges, the right-hand one set flush right, well in
from where the right column's lines start, and the space under it is wider than the columns' own
spacing between lines.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.box_rows import intervals_gaps, row_extents
from pipeline.medians import median

# A head set closer than a block gap: its gap at least this many line heights ...
CLOSE_GAP = 0.5
# ... and this many times the region's median gap between rows.
CLOSE_GAP_RATIO = 2.0
# Its pieces within this many line heights of the region's outer edges; the right-hand one starting at
# least this many in from the right column's start (a heading there starts flush with its lines).
FLUSH = 1.0
IN_FROM_COLUMN = 2.0


def head_apart(idx: np.ndarray, columns, boxes: np.ndarray, line_h: float, s, read: Callable,
               out: list[list[int]]) -> bool:
    """If the top row of ``idx`` is a running head across the columns ``(left, right, spanning)``, append
    it and then the rest to ``out`` (``read(part, out)`` orders a part) and return True."""
    left, right, _ = columns
    b = boxes[idx]
    gaps = intervals_gaps(b[:, 1], b[:, 3])
    if not gaps:
        return False
    gap = gaps[0][1] - gaps[0][0]
    head = idx[b[:, 3] <= gaps[0][0]]
    if not (np.isin(head, left).any() and np.isin(head, right).any()) or len(row_extents(boxes[head])) > 1:
        return False
    if (boxes[head, 3] - boxes[head, 1]).max() > s.max_head_lines * line_h:  # a logo or a figure, no running head
        return False
    if gap < s.block_gap * line_h and not _close_head(head, right, boxes, b, gaps, line_h):
        return False
    read(head, out)
    read(idx[b[:, 1] >= gaps[0][1]], out)
    return True


def _close_head(head: np.ndarray, right: np.ndarray, boxes: np.ndarray, region: np.ndarray, gaps,
                line_h: float) -> bool:
    """A head less than a block gap above the columns: clear of them by more than their own line spacing,
    its first piece at the region's left edge, its last flush with the right edge, well in from where
    the right column's lines start."""
    gap = gaps[0][1] - gaps[0][0]
    rest = [g1 - g0 for g0, g1 in gaps[1:]]
    if gap < CLOSE_GAP * line_h or (rest and gap < CLOSE_GAP_RATIO * float(median(rest))):
        return False
    h = boxes[head]
    first, last = h[np.argmin(h[:, 0])], h[np.argmax(h[:, 2])]
    column_start = boxes[right[~np.isin(right, head)], 0].min() if len(right) > 1 else last[0]
    return bool(first[0] <= region[:, 0].min() + FLUSH * line_h and last[2] >= region[:, 2].max() - FLUSH * line_h
                and last[0] >= column_start + IN_FROM_COLUMN * line_h)
