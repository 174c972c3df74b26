"""Bands across columns: a two-column region set as a stack of short, balanced two-column groups (an
index's letter groups, each balanced over both columns), read group by group, each left column first.

Read column by column, such a page interleaves the groups (the right column's T entries come after the
left column's U and V). What marks it on the page: both columns break, with more space than their own
line pitch, at the same heights, and a white line runs across the region there. Two columns of prose
rarely break together (a heading or a display in each, level by chance); that is why several such
shared breaks are asked for, not one. A group of one entry stands on the left alone, below the rows of the
group above it, whose right column ended a row earlier: it is a band of its own (``_left_tails``).
"""
from __future__ import annotations

import numpy as np

from pipeline.medians import median

# A break: rows further apart (centre to centre) than this share of the side's usual pitch ...
BREAK_PITCH = 1.2
# ... on both sides at once, at least this many times in the region.
MIN_SHARED_BREAKS = 2
# Both sides' next rows start within this many line heights of each other.
LEVEL = 0.3


def _rows(boxes: np.ndarray, line_h: float) -> np.ndarray:
    """The side's rows top to bottom, pieces of one row merged: ``[top, bottom, centre]``."""
    order = np.argsort((boxes[:, 1] + boxes[:, 3]) / 2, kind="stable")
    rows: list[list[float]] = []
    for i in order:
        y0, y1 = boxes[i, 1], boxes[i, 3]
        centre = (y0 + y1) / 2
        if rows and centre - rows[-1][2] < 0.5 * line_h:
            rows[-1][0], rows[-1][1] = min(rows[-1][0], y0), max(rows[-1][1], y1)
        else:
            rows.append([y0, y1, centre])
    return np.asarray(rows)


def _breaks(boxes: np.ndarray, line_h: float) -> list[tuple[float, float]]:
    """The white gaps (``bottom``, ``top``) where the side's rows stand further apart than its pitch."""
    rows = _rows(boxes, line_h)
    if len(rows) < 3:
        return []
    steps = np.diff(rows[:, 2])
    pitch = float(median(steps))
    return [(rows[k, 1], rows[k + 1, 0]) for k in np.flatnonzero(steps >= BREAK_PITCH * pitch)
            if rows[k + 1, 0] > rows[k, 1]]


def shared_breaks(idx: np.ndarray, left: np.ndarray, right: np.ndarray, boxes: np.ndarray,
                  line_h: float) -> list[float]:
    """Heights at which to cut the region ``idx`` into bands (top to bottom), or [] when it is not set in
    bands: every break of either side is a break of the other too (two columns of prose break each where
    its own paragraphs and headings fall), at several of them both sides start their next rows level
    with no box of the region crossing (there it is cut), and the bands are balanced."""
    ours, theirs = _breaks(boxes[left], line_h), _breaks(boxes[right], line_h)
    shared = np.array([[min(a1, b1) > max(a0, b0) for b0, b1 in theirs] for a0, a1 in ours], dtype=bool)
    # Below the right column's last row the left one may go on alone, group after group (the last letters'
    # entries, too few to be balanced over both): its breaks there are the tails' (``_left_tails``).
    alone = np.array([a0 >= boxes[right, 3].max() for a0, _ in ours], dtype=bool)
    if not shared.size or not ((shared.any(axis=1) | alone).all() and shared.any(axis=0).all()):
        return []
    b = boxes[idx]
    cuts: list[float] = []
    for (a0, a1), row in zip(ours, shared):
        for (b0, b1), both in zip(theirs, row):
            cut = (max(a0, b0) + min(a1, b1)) / 2
            # The next group starts on both sides at once, below a white line across the region.
            if both and abs(a1 - b1) <= LEVEL * line_h and not ((b[:, 1] < cut) & (b[:, 3] > cut)).any():
                cuts.append(cut)
    if len(cuts) < MIN_SHARED_BREAKS or not _balanced(sorted(cuts), boxes[left], boxes[right], line_h):
        return []
    return sorted(cuts + _left_tails(sorted(cuts), ours, b, boxes[right]))


def _left_tails(cuts: list[float], ours: list[tuple[float, float]], region: np.ndarray,
                right: np.ndarray) -> list[float]:
    """Further cuts at the left side's breaks below the right side's last row of their band: a group of
    one entry stands alone on the left, level with nothing (the right column's rows of the group above
    end higher), and is read after that group's right column, not before it."""
    edges = [-np.inf, *cuts, np.inf]
    centres = (right[:, 1] + right[:, 3]) / 2
    tails = []
    for a0, a1 in ours:
        cut = (a0 + a1) / 2
        if any(a0 <= c <= a1 for c in cuts):  # a break shared with the right side: cut already
            continue
        k = int(np.searchsorted(cuts, cut))
        beside = right[(centres >= edges[k]) & (centres < edges[k + 1])]
        if len(beside) and beside[:, 3].max() <= a0 and not ((region[:, 1] < cut) & (region[:, 3] > cut)).any():
            tails.append(cut)
    return tails


def _balanced(cuts: list[float], left: np.ndarray, right: np.ndarray, line_h: float) -> bool:
    """Whether no band holds fewer rows on the left than on the right, and some band more: a group balanced
    over two columns leaves its odd row on the left (a band may hold groups whose rows are too few to level
    both sides' breaks); sections of two columns that merely line up (a reference card's, the same lengths
    by chance) leave none."""
    edges = [-np.inf, *cuts, np.inf]
    counts = []
    for side in (left, right):
        centres = _rows(side, line_h)[:, 2]
        counts.append(np.histogram(centres, bins=edges)[0] if len(centres) else np.zeros(len(cuts) + 1))
    extra = counts[0] - counts[1]
    return bool((extra >= 0).all() and (extra > 0).any())
