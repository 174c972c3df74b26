"""Reading order: lines → blocks, top to bottom, column by column.

A recursive XY-cut over the line boxes: a region is split at a vertical
gutter when both sides look like text columns (wide, filled lines), else
at its widest horizontal gap, until each region is one row of boxes read
left to right. Tables therefore read row by row (their cells are narrow or
short, so their gutters are not taken as columns), while two-column text
reads column by column. Boxes must be upright (de-skewed) for this.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LayoutSettings:
    # A gutter must be at least this many line heights wide to split columns.
    min_gutter: float = 1.0
    # Each column side must be at least this many line heights wide ...
    min_column_width: float = 10.0
    # ... and its lines must fill this share of it (median), as prose does.
    min_fill: float = 0.55
    # Vertical gap (in line heights) that starts a new block within a column.
    block_gap: float = 1.2


@dataclass(frozen=True)
class Ordered:
    index: int  # position in the caller's list
    block: int


def _intervals_gaps(lo: np.ndarray, hi: np.ndarray) -> list[tuple[float, float]]:
    """Uncovered gaps between the union of [lo, hi] intervals, as (start, end)."""
    order = np.argsort(lo, kind="stable")
    gaps = []
    reach = hi[order[0]]
    for i in order[1:]:
        if lo[i] > reach:
            gaps.append((float(reach), float(lo[i])))
        reach = max(reach, hi[i])
    return gaps


def _looks_like_column(boxes: np.ndarray, line_h: float, s: LayoutSettings) -> bool:
    width = boxes[:, 2].max() - boxes[:, 0].min()
    if width < s.min_column_width * line_h:
        return False
    fill = np.median(boxes[:, 2] - boxes[:, 0]) / max(width, 1e-6)
    return bool(fill >= s.min_fill)


def _xy_cut(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings, out: list[list[int]]) -> None:
    """Append the regions of ``idx`` to ``out`` in reading order; each region is a column piece."""
    if len(idx) == 1:
        out.append([int(idx[0])])
        return
    b = boxes[idx]
    xgaps = [g for g in _intervals_gaps(b[:, 0], b[:, 2]) if g[1] - g[0] >= s.min_gutter * line_h]
    if xgaps:
        start, end = max(xgaps, key=lambda g: g[1] - g[0])
        cut = (start + end) / 2
        left, right = idx[b[:, 2] <= cut], idx[b[:, 0] >= cut]
        if _looks_like_column(boxes[left], line_h, s) and _looks_like_column(boxes[right], line_h, s):
            _xy_cut(left, boxes, line_h, s, out)
            _xy_cut(right, boxes, line_h, s, out)
            return
    ygaps = _intervals_gaps(b[:, 1], b[:, 3])
    if ygaps:
        start, end = max(ygaps, key=lambda g: g[1] - g[0])
        cut = (start + end) / 2
        _xy_cut(idx[b[:, 3] <= cut], boxes, line_h, s, out)
        _xy_cut(idx[b[:, 1] >= cut], boxes, line_h, s, out)
        return
    # One row of boxes that overlap vertically: read left to right.
    out.append([int(i) for i in idx[np.argsort(b[:, 0], kind="stable")]])


def reading_order(boxes: list[list[float]], settings: LayoutSettings = LayoutSettings()) -> list[Ordered]:
    """Order upright ``[x0, y0, x1, y1]`` boxes for reading; assign block numbers."""
    if not boxes:
        return []
    arr = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    heights = arr[:, 3] - arr[:, 1]
    line_h = float(np.median(heights)) if len(arr) else 1.0
    line_h = max(line_h, 1.0)
    # Shrink boxes vertically a little: detector boxes of adjacent lines
    # often touch after unclipping, which would hide the gap between them.
    shrink = np.minimum(heights * 0.15, line_h * 0.15)
    work = arr.copy()
    work[:, 1] += shrink
    work[:, 3] -= shrink
    regions: list[list[int]] = []
    _xy_cut(np.arange(len(arr)), work, line_h, settings, regions)

    result: list[Ordered] = []
    block = 0
    prev: int | None = None
    for region in regions:
        for i in region:
            if prev is not None:
                gap = arr[i, 1] - arr[prev, 3]
                new_column = arr[i, 1] < arr[prev, 1] - line_h * 0.5
                same_row = arr[i, 1] < arr[prev, 3] and arr[i, 3] > arr[prev, 1]
                if not same_row and (new_column or gap > settings.block_gap * line_h):
                    block += 1
            result.append(Ordered(index=i, block=block))
            prev = i
    return result
