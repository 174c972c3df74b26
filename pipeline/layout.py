"""Reading order: lines → blocks, top to bottom, column by column.

A recursive XY-cut over the line boxes. A region is first split at a
vertical gutter that few boxes cross, when both sides look like text
columns (wide, filled lines); the boxes crossing it (titles, headings)
cut the columns into bands, each read left column first. Blocks beside
each other whose lines do not line up (a listing and its output) are read
one after the other. Otherwise the region is cut at its widest horizontal
gap, and finally a row is split into cells at its vertical gaps. Tables therefore read row by row (their
cells are narrow or short, so their gutters are not taken as columns),
while two-column text reads column by column even when one column runs
longer than the other. Boxes must be upright (de-skewed) for this.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LayoutSettings:
    # A gutter must be at least this many line heights wide to split columns
    # (CJK columns are often set less than one line height apart).
    min_gutter: float = 0.4
    # Share of a region's boxes that may cross a gutter (titles, headings).
    max_spanning: float = 0.1
    # Each column side must be at least this many line heights wide ...
    min_column_width: float = 10.0
    # ... and its lines must fill this share of it (median), as prose does.
    min_fill: float = 0.55
    # Vertical gap (in line heights) that starts a new block within a column.
    block_gap: float = 1.2
    # Side-by-side blocks (code and its output) need a clean gutter this many
    # line heights wide; they are told from a table by their rows, which do
    # not line up: on each side, below this share of lines has a level partner.
    min_block_gutter: float = 1.0
    max_aligned: float = 0.8
    # Median line width (line heights) of a block that can stand on its own.
    min_block_line: float = 2.0


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


def _find_columns(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings):
    """Split ``idx`` at a vertical gutter into (left, right, spanning), or None.

    A gutter is an x-range that few boxes cross: headings and titles may
    span it, which is why a plain "no box crosses" cut is not enough.
    Both sides must look like text columns.
    """
    b = boxes[idx]
    if len(idx) < 4:
        return None
    x_lo, x_hi = float(b[:, 0].min()), float(b[:, 2].max())
    res = max(1.0, line_h / 8)
    n = int((x_hi - x_lo) / res) + 2
    cover = np.zeros(n, dtype=np.int32)
    for x0, x1 in zip(((b[:, 0] - x_lo) / res).astype(int), np.ceil((b[:, 2] - x_lo) / res).astype(int)):
        cover[x0:x1] += 1
    allowed = max(1, int(s.max_spanning * len(idx)))
    best = None
    i = 0
    while i < n:
        if cover[i] > allowed:
            i += 1
            continue
        j = i
        while j < n and cover[j] <= allowed:
            j += 1
        start, end = x_lo + i * res, x_lo + j * res
        if i > 0 and j < n and end - start >= s.min_gutter * line_h:
            crossing = int(cover[i:j].max())
            key = (crossing, -(end - start))
            if best is None or key < best[0]:
                best = (key, start, end)
        i = j
    if best is None:
        return None
    _, start, end = best
    left = idx[b[:, 2] <= end]
    right = idx[b[:, 0] >= start]
    left = left[~np.isin(left, right)]
    spanning = idx[~np.isin(idx, np.concatenate([left, right]))]
    if len(left) < 2 or len(right) < 2:
        return None
    if not (_column_side(left, boxes, line_h, s) and _column_side(right, boxes, line_h, s)):
        return None
    return left, right, spanning


def _column_side(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings) -> bool:
    """One side of a gutter is a text column, or itself columns (a three-column page)."""
    return _looks_like_column(boxes[idx], line_h, s) or _find_columns(idx, boxes, line_h, s) is not None


def _side_by_side(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings):
    """Split ``idx`` into (left, right) blocks read one after the other, or None.

    Needs a gutter no box crosses, and rows that do not line up across it:
    a table's cells sit level with each other, the lines of two separate
    blocks (a listing and its output, each with its own pitch) mostly not.
    """
    b = boxes[idx]
    gaps = [g for g in _intervals_gaps(b[:, 0], b[:, 2]) if g[1] - g[0] >= s.min_block_gutter * line_h]
    if not gaps:
        return None
    start, end = max(gaps, key=lambda g: g[1] - g[0])
    is_left = b[:, 2] <= start
    if is_left.sum() < 2 or (~is_left).sum() < 2:
        return None
    widths = b[:, 2] - b[:, 0]
    if min(np.median(widths[is_left]), np.median(widths[~is_left])) < s.min_block_line * line_h:
        # A column of page numbers or short labels belongs to the rows beside
        # it, even where a slight skew puts the two out of level.
        return None
    centre = (b[:, 1] + b[:, 3]) / 2
    level = np.abs(centre[is_left][:, None] - centre[~is_left][None, :]) < 0.25 * line_h
    # In a table every cell of the side with fewer lines (the one-line cells
    # beside wrapped ones) sits level with a line across the gutter.
    if max(level.any(axis=1).mean(), level.any(axis=0).mean()) >= s.max_aligned:
        return None
    return idx[is_left], idx[~is_left]


def _xy_cut(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings, out: list[list[int]]) -> None:
    """Append the regions of ``idx`` to ``out`` in reading order; each region is a column piece."""
    if len(idx) == 1:
        out.append([int(idx[0])])
        return
    columns = _find_columns(idx, boxes, line_h, s)
    if columns is not None:
        left, right, spanning = columns
        # Boxes spanning the gutter (titles, wide headings) cut the page into
        # bands; each band is read left column first, then right.
        cuts = sorted(spanning, key=lambda i: boxes[i, 1])
        lo = -np.inf
        for c in [*cuts, None]:
            hi = np.inf if c is None else (boxes[c, 1] + boxes[c, 3]) / 2
            for side in (left, right):
                centre = (boxes[side, 1] + boxes[side, 3]) / 2
                band = side[(centre >= lo) & (centre < hi)]
                if len(band):
                    _xy_cut(band, boxes, line_h, s, out)
            if c is not None:
                out.append([int(c)])
            lo = hi
        return
    blocks = _side_by_side(idx, boxes, line_h, s)
    if blocks is not None:
        for block in blocks:
            _xy_cut(block, boxes, line_h, s, out)
        return
    b = boxes[idx]
    ygaps = _intervals_gaps(b[:, 1], b[:, 3])
    if ygaps:
        start, end = max(ygaps, key=lambda g: g[1] - g[0])
        cut = (start + end) / 2
        _xy_cut(idx[b[:, 3] <= cut], boxes, line_h, s, out)
        _xy_cut(idx[b[:, 1] >= cut], boxes, line_h, s, out)
        return
    xgaps = _intervals_gaps(b[:, 0], b[:, 2])
    if xgaps:
        # A row of separate cells (one may hold several lines): each cell
        # left to right, its own lines top to bottom.
        edges = [-np.inf, *[(g0 + g1) / 2 for g0, g1 in xgaps], np.inf]
        centre = (b[:, 0] + b[:, 2]) / 2
        for lo, hi in zip(edges, edges[1:]):
            cell = idx[(centre >= lo) & (centre < hi)]
            if len(cell):
                _xy_cut(cell, boxes, line_h, s, out)
        return
    # Boxes overlapping both ways (a collision of detections): left to right.
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
