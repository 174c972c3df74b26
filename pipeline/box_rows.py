"""Rows and levels of line boxes: the small measures the reading order (``pipeline/layout.py``) decides by."""
from __future__ import annotations

import numpy as np

from pipeline.medians import median


def intervals_gaps(lo: np.ndarray, hi: np.ndarray) -> list[tuple[float, float]]:
    """Uncovered gaps between the union of [lo, hi] intervals, as (start, end)."""
    order = np.argsort(lo, kind="stable")
    gaps = []
    reach = hi[order[0]]
    for i in order[1:]:
        if lo[i] > reach:
            gaps.append((float(reach), float(lo[i])))
        reach = max(reach, hi[i])
    return gaps


def pieces_per_row(boxes: np.ndarray) -> float:
    """Median count of boxes on a row: a key and its description make two, a table's figures three or more."""
    order = np.argsort((boxes[:, 1] + boxes[:, 3]) / 2, kind="stable")
    counts: list[int] = []
    top = bottom = None
    for i in order:
        centre = (boxes[i, 1] + boxes[i, 3]) / 2
        if counts and top <= centre <= bottom:
            counts[-1] += 1
        else:
            counts.append(1)
            top, bottom = boxes[i, 1], boxes[i, 3]
    return float(median(counts)) if counts else 0.0


def row_extents(boxes: np.ndarray) -> np.ndarray:
    """Boxes that share a row merged into one extent per row (``[x0, x1]``).

    A reference card or a glossary sets a key and its description apart on
    one row; it is the row, not each piece, that fills the column.
    """
    order = np.argsort((boxes[:, 1] + boxes[:, 3]) / 2, kind="stable")
    rows: list[list[float]] = []  # x0, x1, y0, y1
    for i in order:
        x0, y0, x1, y1 = boxes[i]
        centre = (y0 + y1) / 2
        if rows and rows[-1][2] <= centre <= rows[-1][3]:
            row = rows[-1]
            row[0], row[1] = min(row[0], x0), max(row[1], x1)
        else:
            rows.append([x0, x1, y0, y1])
    return np.asarray(rows)[:, :2]


def ink_median(widths: np.ndarray) -> float:
    """The line width at which half the column's text (by width) lies in narrower lines: a table's or a
    figure's many small labels inside a prose column do not outvote its lines."""
    order = np.sort(widths)
    cum = np.cumsum(order)
    return float(order[np.searchsorted(cum, cum[-1] / 2)])


def level_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which lines of ``a`` stand level with which of ``b`` (rows, columns): they share half the shorter's height."""
    # Overlap, not centres: a table of contents sets its page numbers higher.
    overlap = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return overlap >= 0.5 * np.minimum((a[:, 3] - a[:, 1])[:, None], (b[:, 3] - b[:, 1])[None, :])


def shares_row(boxes: np.ndarray) -> np.ndarray:
    """Whether each box stands level with another (cells of one table row, a figure's labels)."""
    level = level_pairs(boxes, boxes)
    np.fill_diagonal(level, False)
    return level.any(axis=1)


def level_share(a: np.ndarray, b: np.ndarray, line_h: float) -> float:
    """The larger share, on either side, of lines level with a line on the other side."""
    level = level_pairs(a, b)
    return float(max(level.any(axis=1).mean(), level.any(axis=0).mean()))


def level_both(a: np.ndarray, b: np.ndarray) -> float:
    """The smaller share, on either side, of lines level with a line on the other side."""
    level = level_pairs(a, b)
    return float(min(level.any(axis=1).mean(), level.any(axis=0).mean()))


def density(boxes: np.ndarray) -> float:
    """Share of the boxes' height range that lines cover."""
    span = boxes[:, 3].max() - boxes[:, 1].min()
    gaps = intervals_gaps(boxes[:, 1], boxes[:, 3])
    return 1.0 - sum(g1 - g0 for g0, g1 in gaps) / max(span, 1e-6)


def centred_beside_pairs(a: np.ndarray, other: np.ndarray, line_h: float, near: float = 0.25,
                         alone: float = 1.75) -> np.ndarray:
    """Which lines of ``a`` stand centred beside two consecutive lines of ``other`` (bool): a table's
    one-line cell set in the middle of its row, beside a cell wrapped over two lines. The pair must
    have no line of ``a`` level with either of its lines, and the line must stand alone on its side,
    its nearest neighbour at least ``alone`` times the pair's pitch away (a cell as tall as the pair);
    lines of a listing beside its output, each block at its own pitch, stand closer."""
    out = np.zeros(len(a), dtype=bool)
    if len(other) < 2 or not len(a):
        return out
    ca, co = (a[:, 1] + a[:, 3]) / 2, (other[:, 1] + other[:, 3]) / 2
    order = np.argsort(co, kind="stable")
    own_gap = np.full(len(a), np.inf)
    if len(a) > 1:
        d = np.abs(ca[:, None] - ca[None, :])
        np.fill_diagonal(d, np.inf)
        own_gap = d.min(axis=1)
    lone = ~(np.abs(co[:, None] - ca[None, :]) < near * line_h).any(axis=1)  # lines of other with no level partner
    for i, j in zip(order, order[1:]):
        pitch = co[j] - co[i]
        # The pair: one line right below the other, in one cell (they overlap across), neither level with ``a``.
        if not (0 < pitch <= 1.5 * line_h and lone[i] and lone[j]
                and min(other[i, 2], other[j, 2]) > max(other[i, 0], other[j, 0])):
            continue
        out |= (np.abs(ca - (co[i] + co[j]) / 2) < near * line_h) & (own_gap >= alone * pitch)
    return out


def rows_by_centres(b: np.ndarray) -> np.ndarray:
    """The order of boxes overlapping both ways (small print set closer than its box margins): rows by their
    centres, top to bottom, each left to right."""
    centre = (b[:, 1] + b[:, 3]) / 2
    pitch = 0.6 * float(median(b[:, 3] - b[:, 1]))  # of these boxes: small print is smaller
    row = np.empty(len(b), dtype=np.int64)
    n_row, top = 0, None
    for k in np.argsort(centre, kind="stable"):
        if top is not None and centre[k] - top > pitch:
            n_row += 1
            top = centre[k]
        top = centre[k] if top is None else top
        row[k] = n_row
    return np.lexsort((b[:, 0], row))
