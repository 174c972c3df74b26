"""Cells side by side whose text wraps: a table's header cells over two or three lines. A person reads each
cell whole, then the next; read by rows, line 1 of every cell would come before line 2 of the first.

A cell is a short stack of lines, one under the other at the line pitch, close beside its neighbours.
A true table's rows set close also stack into such columns, as do a reference card's keys beside their
descriptions and a contents page's titles beside their page numbers; they are told apart by their lines,
which stand level with the lines beside them. Cells of one row wrapped to different counts are centred
on each other (or on the row), so the shorter cell's lines stand about half a line off the longer's.
Level stacks are left to be read by rows, even where they are cells (two addresses side by side in a
panel): from the boxes alone nothing tells them from keys and descriptions. Lines running across several
cells (a heading above, a line the detector ran across the gap below) are read before or after them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.box_rows import level_pairs
from pipeline.medians import median


@dataclass(frozen=True)
class CellSettings:
    # A cell holds at most this many lines, at most this many line heights apart ...
    max_lines: int = 4
    max_gap: float = 0.5
    # ... its neighbour at most this many line heights away, and the shorter cell's lines stand at least
    # this share of the line pitch off the longer's.
    max_gutter: float = 2.0
    min_offset: float = 0.3


def _columns(b: np.ndarray) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Boxes grouped by horizontal overlap (half the narrower box) into columns, left to right, and which
    boxes run across two boxes that do not overlap each other; None when nothing stands side by side."""
    n = len(b)
    inter = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
    widths = b[:, 2] - b[:, 0]
    over = inter >= 0.5 * np.maximum(np.minimum(widths[:, None], widths[None, :]), 1e-6)
    if over.all():  # every box over every other (a piece of one column): no box stands apart, one column
        return None
    np.fill_diagonal(over, False)
    apart = inter <= 0
    # Across: overlapping two boxes that stand apart from each other.
    across = (((over.astype(np.float64) @ apart.astype(np.float64)) > 0) & over).any(axis=1)
    adj = over & ~across[:, None] & ~across[None, :]
    label = np.arange(n)
    while True:  # connected columns: each box takes the least label among its neighbours, until none changes
        new = np.minimum(label, np.where(adj, label[None, :], n).min(axis=1))
        if (new == label).all():
            break
        label = new
    cols = [np.flatnonzero((label == k) & ~across) for k in np.unique(label[~across])]
    cols.sort(key=lambda g: float(b[g, 0].min()))
    return (cols, across) if len(cols) >= 2 else None


def _stack(b: np.ndarray, line_h: float, max_lines: int, max_gap: float) -> np.ndarray | None:
    """The column's boxes top to bottom when they are one line under the other at the line pitch, or None."""
    order = np.argsort(b[:, 1], kind="stable")
    if len(order) > max_lines:
        return None
    for p, q in zip(order, order[1:]):
        shorter = min(b[p, 3] - b[p, 1], b[q, 3] - b[q, 1])
        if b[p, 3] - b[q, 1] >= 0.5 * shorter or b[q, 1] - b[p, 3] > max_gap * line_h:
            return None
    return order


def _cells(b: np.ndarray, stacks: list[np.ndarray], line_h: float, s: CellSettings) -> bool:
    """Whether neighbouring columns are cells read whole: every line of the column with fewer lines
    (two at least) stands about half a line off the nearest line beside it (cells centred on each
    other), where a table's rows stand level."""
    for p, q in zip(stacks, stacks[1:]):
        # Cells of one row stand close; a table of contents' page numbers, set high, stand far off.
        if min(len(p), len(q)) < 2 or b[q, 0].min() - b[p, 2].max() > s.max_gutter * line_h:
            continue
        few, many = (p, q) if len(p) <= len(q) else (q, p)
        centre_few, centre_many = (b[few, 1] + b[few, 3]) / 2, (b[many, 1] + b[many, 3]) / 2
        pitch = float(median(np.diff(np.sort(centre_many))))
        off = np.abs(centre_few[:, None] - centre_many[None, :]).min(axis=1) / max(pitch, 1e-6)
        if (off >= s.min_offset).all():
            return True
    return False


def wrapped_cells(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: CellSettings) -> list[np.ndarray] | None:
    """``idx`` as parts read one after the other (lines across the cells above, each cell, lines
    across them below) when it is a row of cells of which one at least wraps, or None."""
    if len(idx) < 3:
        return None
    b = boxes[idx]
    found = _columns(b)
    if found is None:
        return None
    cols, across = found
    stacks = []
    for col in cols:
        order = _stack(b[col], line_h, s.max_lines, s.max_gap)
        if order is None:
            return None
        stacks.append(col[order])
    if not _cells(b, stacks, line_h, s):
        return None
    cells = np.concatenate(stacks)
    top, bottom = b[cells, 1].min(), b[cells, 3].max()
    centre = (b[:, 1] + b[:, 3]) / 2
    above, below = across & (centre < top), across & (centre > bottom)
    if (above | below).sum() != across.sum():
        return None  # a line across the cells between their lines: no row of cells
    parts = [idx[above], *[idx[st] for st in stacks], idx[below]]
    return [p for p in parts if len(p)]


def cell_tail_up(upper: np.ndarray, lower: np.ndarray, boxes: np.ndarray, line_h: float,
                 s: CellSettings) -> tuple[np.ndarray, np.ndarray]:
    """A region cut at its widest horizontal gap into ``upper`` and ``lower``: the last line of a cell
    wrapped over two rows of a table's header (a last column's ``Total`` / ``number of`` / ``cases`` beside
    a second row of ``min max``) falls below the cut and would be read after the row beside it. Such a line (the top of
    ``lower``) stands under a line of ``upper`` at the line pitch, overlapping it across, with none under it
    (its cell ends there), level with no line of ``lower`` but close beside a line of it centred about half
    a line lower: it goes with ``upper``. A table of contents' page numbers, set high, stand far from
    their entries; a cell's first line beside a one-line cell centred on it has its next line under it."""
    if len(upper) == 0 or len(lower) < 2:
        return upper, lower
    u, d = boxes[upper], boxes[lower]

    def across(a: np.ndarray, b: np.ndarray):
        """How far each pair overlaps across, and whether by half the narrower's width."""
        over_x = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
        narrower = np.minimum((a[:, 2] - a[:, 0])[:, None], (b[:, 2] - b[:, 0])[None, :])
        return over_x, over_x >= 0.5 * narrower

    # Only lines at the top of ``lower`` can be a tail: the pairs are measured from those alone.
    top = np.flatnonzero(d[:, 1] <= d[:, 1].min() + 0.5 * line_h)
    t = d[top]
    level = level_pairs(t, d)
    level[np.arange(len(top)), top] = False
    over_x, stacked = across(t, d)
    centre = (d[:, 1] + d[:, 3]) / 2
    lower_by = centre[None, :] - centre[top, None]
    beside = (-over_x <= s.max_gutter * line_h) & (over_x <= 0) & (lower_by >= s.min_offset * line_h) & (lower_by <= line_h)
    if not beside.any():  # no cell beside them (lines of one column): no tail
        return upper, lower
    gap_down = d[None, :, 1] - t[:, None, 3]
    below = stacked & (gap_down >= -0.5 * line_h) & (gap_down <= s.max_gap * line_h)
    below[np.arange(len(top)), top] = False
    continued = below.any(axis=1)
    _, across_up = across(t, u)
    gap_up = t[:, None, 1] - u[None, :, 3]
    under = (across_up & (gap_up <= s.max_gap * line_h)).any(axis=1)
    tail = np.zeros(len(lower), dtype=bool)
    tail[top] = ~level.any(axis=1) & beside.any(axis=1) & under & ~continued
    if not tail.any() or tail.all():
        return upper, lower
    return np.concatenate([upper, lower[tail]]), lower[~tail]
