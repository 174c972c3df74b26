"""Two blocks of text side by side in a panel (two addresses), read one after the other.

Two addresses set beside each other stand level line for line, like a two-column table's rows, so the
reading order would take them row by row (``Silmaril Consultants UCC Computer Centre``). What tells
them from a table or a reference card is their shape: each side is a block whose left edge lines up
over three rows or more and whose every line runs most of the way to its block's right edge (prose
set ragged), both blocks several type heights wide, a gap between them, and rows following each
other at the pitch of their type. A table's column holds cells of unequal widths (a short figure
beside a long one, a header cell), a reference card's keys are short and ragged; a run of rows
whose lines do not all fill their sides is no panel as a whole. And a panel's right block starts at an
edge of its own: where other lines of the page in its type start there too, it is a column of a table or
of a reference card whose other sections share the tab stop. The measures here are in the panel's
own type height (its boxes' median height, as the reading order sees them: shrunk by a share of the
line height, so a small type's are 0.7 of its boxes): panels are set in small print.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.medians import median

# A panel is at least this many rows ...
MIN_ROWS = 3
# ... its blocks' left edges lining up within this many of their type heights ...
ALIGN = 0.5
# ... set apart by a gap at least this many type heights wide (the boxes cut back by their padding) and at
# most this many (wider is a table's gutter, or another column) ...
MIN_GAP = 0.2
MAX_GAP = 3.0
# ... each block at least this many type heights wide (a reference card's keys are narrower) ...
MIN_BLOCK = 5.0
# ... every line of each block at least this share of its block's width (ragged prose, no table cells) ...
MIN_FILL = 0.6
# ... and its rows following each other at most this many type heights apart (centre to centre).
MAX_PITCH = 2.2
# Lines whose boxes are at most this many times as tall or as short as the panel's are in its type.
SAME_TYPE = 1.4


@dataclass(frozen=True)
class Panel:
    left: np.ndarray  # indices of the left block's lines, top to bottom
    right: np.ndarray
    height: float  # the panel's type height: its boxes' median height

    @property
    def rows(self) -> np.ndarray:
        return np.concatenate([self.left, self.right])


def level_matrix(b: np.ndarray) -> np.ndarray:
    """Which boxes stand level with which (overlapping by half the shorter's height), itself excluded."""
    overlap = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
    h = b[:, 3] - b[:, 1]
    level = overlap >= 0.5 * np.minimum(h[:, None], h[None, :])
    np.fill_diagonal(level, False)
    return level


def neighbours(b: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each box's nearest level box wholly left of it and wholly right of it (-1: none)."""
    right_of = level & (b[None, :, 0] > b[:, None, 2])
    left_of = level & (b[None, :, 2] < b[:, None, 0])
    nearest_right = np.where(right_of, b[None, :, 0], np.inf).argmin(axis=1)
    nearest_left = np.where(left_of, b[None, :, 2], -np.inf).argmax(axis=1)
    return np.where(left_of.any(axis=1), nearest_left, -1), np.where(right_of.any(axis=1), nearest_right, -1)


def row_pairs(b: np.ndarray, level: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of boxes on a row, each the other's nearest (a left piece, a right piece), neither overlapping
    another level box. Further boxes may stand level beside the pair (the page's other column; the region
    the reading order gives ``panel_blocks`` must hold none)."""
    left, right = neighbours(b, level)
    overlapping = (level & (b[None, :, 0] <= b[:, None, 2]) & (b[None, :, 2] >= b[:, None, 0])).any(axis=1)
    return [(int(i), int(j)) for i, j in enumerate(right)
            if j >= 0 and left[j] == i and not overlapping[i] and not overlapping[j]]


def find_panels(b: np.ndarray, region: np.ndarray | None = None) -> list[Panel]:
    """The panels among upright boxes ``b`` (``[x0, y0, x1, y1]``, cut back to their text; those of ``region``
    only, indices into ``b``), top to bottom, as indices into ``b``."""
    idx = np.arange(len(b)) if region is None else np.asarray(region)
    if len(idx) < 2 * MIN_ROWS:
        return []
    sub = b[idx]
    pairs = sorted(row_pairs(sub, level_matrix(sub)), key=lambda p: sub[p[0], 1])
    # Each row joins the run it continues (rows of other columns beside a panel make runs of their own).
    runs: list[list[tuple[int, int]]] = []
    reach = MAX_PITCH * float((sub[:, 3] - sub[:, 1]).max())
    first_open = 0  # runs before it ended too far above to go on
    for p in pairs:
        while first_open < len(runs) and sub[p[0], 1] - sub[runs[first_open][-1][0], 1] > reach:
            first_open += 1
        run = next((r for r in runs[first_open:] if _follows(sub, r[-1], p, r)), None)
        if run is None:
            runs.append([p])
        else:
            run.append(p)
    panels = [Panel(idx[p.left], idx[p.right], p.height) for run in runs for p in _panel(sub, run)]
    return [p for p in panels if _own_edge(b, p)]


def _own_edge(b: np.ndarray, panel: Panel) -> bool:
    """No line of the page outside the panel, in its type, starts where its right block does: a table's
    or a reference card's column of descriptions starts at a tab stop other sections of it share."""
    h = panel.height
    edge = float(median(b[panel.right, 0]))
    heights = b[:, 3] - b[:, 1]
    others = np.ones(len(b), dtype=bool)
    others[panel.rows] = False
    same = others & (np.abs(b[:, 0] - edge) <= ALIGN * h) & (heights >= h / SAME_TYPE) & (heights <= h * SAME_TYPE)
    return not same.any()


def _follows(b: np.ndarray, prev: tuple[int, int], p: tuple[int, int], run: list[tuple[int, int]]) -> bool:
    """Whether row ``p`` continues the run ending with row ``prev``: next below it, its edges lined up."""
    h = float(median(b[[i for q in [*run, p] for i in q], 3] - b[[i for q in [*run, p] for i in q], 1]))
    pitch = (b[p[0], 1] + b[p[0], 3] - b[prev[0], 1] - b[prev[0], 3]) / 2
    return (0 < pitch <= MAX_PITCH * h and abs(b[p[0], 0] - b[run[0][0], 0]) <= ALIGN * h
            and abs(b[p[1], 0] - b[run[0][1], 0]) <= ALIGN * h)


def _panel(b: np.ndarray, run: list[tuple[int, int]]) -> list[Panel]:
    """The run of rows as a panel, if its blocks have a panel's shape (a list of one, or none)."""
    if len(run) < MIN_ROWS:
        return []
    left, right = np.array([p[0] for p in run]), np.array([p[1] for p in run])
    h = float(median(np.r_[b[left, 3] - b[left, 1], b[right, 3] - b[right, 1]]))
    if not MIN_GAP * h <= b[right, 0].min() - b[left, 2].max() <= MAX_GAP * h:
        return []
    for side in (left, right):
        width = b[side, 2].max() - b[side, 0].min()
        if width < MIN_BLOCK * h or ((b[side, 2] - b[side, 0]) < MIN_FILL * width).any():
            return []
    return [Panel(left, right, h)]


def panel_blocks(idx: np.ndarray, boxes: np.ndarray) -> list[np.ndarray] | None:
    """``idx`` as (above, left block, right block, below) read in that order, empty parts left out, when it holds
    a panel and every other box of it stands wholly above or below the panel; else None."""
    panels = find_panels(boxes, idx)
    if not panels:
        return None
    panel = panels[0]
    rows = panel.rows
    top, bottom = boxes[rows, 1].min(), boxes[rows, 3].max()
    rest = idx[~np.isin(idx, rows)]
    centre = (boxes[rest, 1] + boxes[rest, 3]) / 2
    above, below = rest[centre < top], rest[centre > bottom]
    if len(above) + len(below) < len(rest):
        return None  # a box level with the panel's rows: a wider table, or a column beside it
    parts = [above, panel.left, panel.right, below]
    return [p for p in parts if len(p)]
