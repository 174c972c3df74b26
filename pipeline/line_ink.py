"""One line's ink as the mending steps measure it: the crop the recognizer read, made binary once.

Several steps of pipeline/line_mending.py look at the same 48-px crop: its Otsu ink, the ink's
connected pieces, or which columns hold the line's own ink. Each is computed here on first use
and kept for the line's later steps (most lines need none of them: each step asks only once its
text calls for it), so no line is thresholded or labelled twice.
"""
from __future__ import annotations

from functools import cached_property

import cv2
import numpy as np
from pipeline.ink_pieces import ink_pieces


class LineInk:
    """The grey crop a line was read from, and what its ink shows, each computed once."""

    def __init__(self, crop: np.ndarray):
        self.gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)

    @property
    def shape(self) -> tuple[int, int]:
        return self.gray.shape[:2]

    @cached_property
    def _otsu(self) -> tuple[float, np.ndarray]:
        return cv2.threshold(self.gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)

    @property
    def level(self) -> float:
        """The crop's Otsu threshold (grey level): ink is darker than this."""
        return float(self._otsu[0])

    @property
    def ink(self) -> np.ndarray:
        """1 where the crop is darker than its Otsu threshold, else 0 (uint8). Shared: never write to it."""
        return self._otsu[1]

    @cached_property
    def pieces(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """``cv2.connectedComponentsWithStats`` of the ink (8-connected): count, labels, stats, centroids."""
        return ink_pieces(self.ink)

    @cached_property
    def columns(self) -> tuple[np.ndarray, int]:
        """Which columns hold the line's own ink, and the height of its ink band (rules and slivers of
        the neighbouring lines left out)."""
        return ink_columns(self.ink)

    @cached_property
    def runs(self) -> np.ndarray:
        """(start, end) of each run of the line's own ink columns (``columns``)."""
        return ink_runs(self.columns[0])

    def glyph_pieces(self) -> tuple[list[int], float]:
        """The ink pieces that can be glyphs (not a piece as tall as the crop: a rule or frame; not a speck
        under 3 px), and the tallest one's height (the line's ink band)."""
        count, _, stats, _ = self.pieces
        h = self.shape[0]
        glyphs = [p for p in range(1, count) if stats[p, 3] < h - 2 and stats[p, 4] >= 3]
        return glyphs, float(max((stats[p, 3] for p in glyphs), default=0))

    def mark_piece(self, glyphs: list[int], below: float, start: int, end: int, steps: int, keep=None) -> int | None:
        """Of ``glyphs``, the piece under ``below`` px tall nearest the centre of time steps ``start``..``end``
        (of ``steps`` in the line), within 1.5 steps of it (the model fires on or just after a mark's ink);
        ``keep(piece)`` narrows the choice. None where there is none."""
        stats = self.pieces[2]
        step = self.shape[1] / max(1, steps)
        centre = (start + end) / 2 * step
        near = [p for p in glyphs if stats[p, 3] < below and abs(stats[p, 0] + stats[p, 2] / 2 - centre) <= 1.5 * step
                and (keep is None or keep(p))]
        return min(near, key=lambda p: abs(stats[p, 0] + stats[p, 2] / 2 - centre)) if near else None

    def centres(self, chars, steps: int) -> list[float]:
        """Each character's centre in the crop's columns, from its time steps (``steps`` in the line)."""
        scale = self.shape[1] / steps
        return [(c.start + c.end) / 2 * scale for c in chars]


def ink_runs(columns: np.ndarray) -> np.ndarray:
    """(start, end) of each run of ink columns."""
    d = np.diff(np.concatenate(([0], columns.astype(np.int8), [0])))
    return np.stack([np.flatnonzero(d == 1), np.flatnonzero(d == -1)], axis=1)


def run_at(runs: np.ndarray, x: float) -> tuple[int, int]:
    """The ink run holding column ``x``, or the nearest one."""
    inside = (runs[:, 0] <= x) & (x < runs[:, 1])
    if inside.any():
        start, end = runs[int(np.argmax(inside))]
    else:
        dist = np.minimum(np.abs(runs[:, 0] - x), np.abs(runs[:, 1] - 1 - x))
        start, end = runs[int(np.argmin(dist))]
    return int(start), int(end)


def ink_columns(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """Which columns of the binary ``ink`` hold ink, and the height of the ink band; rules left out."""
    ink = _without_rules(ink, 3 * ink.shape[0])
    per_row = ink.sum(axis=1)
    cover = per_row / ink.shape[1]
    rows = np.nonzero(cover > 0.02)[0]
    if len(rows) == 0:
        return np.zeros(ink.shape[1], dtype=bool), 0
    # The line's own rows: the inkiest stretch between blank rows (a descender's sparse rows are not
    # blank), not a sliver of the line above or below it.
    inked = np.flatnonzero(cover > 0.005)
    stretches = np.split(inked, np.flatnonzero(np.diff(inked) > 2) + 1)
    own = max(stretches, key=lambda r: int(per_row[r[0] : r[-1] + 1].sum()))
    mine = rows[(rows >= own[0]) & (rows <= own[-1])]
    rows = mine if len(mine) else rows
    band = ink[rows[0] : rows[-1] + 1]
    # Two pixels, not one: a speck of scan noise should not close a gap.
    return band.sum(axis=0) >= 2, int(rows[-1] - rows[0] + 1)


def _without_rules(ink: np.ndarray, longest: int) -> np.ndarray:
    """``ink`` without its horizontal runs of at least ``longest`` pixels: a rule crossing the crop (a
    table's, above or below a cell's text) would close every gap, and no glyph's stroke is that long.
    Runs are taken over two rows at once, so a rule drawn a little aslant stays one run."""
    if ink.shape[1] < longest:
        return ink
    # Such a run inks every column of some whole block of half its length, blocks counted from the left edge;
    # most lines (word gaps) have no such block, and need no pass over their rows.
    block = (longest + 1) // 2
    cols = ink.any(axis=0)
    if not cols[: len(cols) // block * block].reshape(-1, block).all(axis=1).any():
        return ink
    pair = ink | np.vstack([ink[1:], np.zeros((1, ink.shape[1]), ink.dtype)])
    # Eroding along the row (the kernel anchored at its left end, nothing beyond the crop's edge)
    # leaves the columns where a long run starts; dilating back (anchored at its right end) gives the
    # runs whole. Two passes of OpenCV, where finding each run in numpy cost twice as much CPU.
    along = np.ones((1, longest), np.uint8)
    starts = cv2.erode(pair, along, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    if not starts.any():
        return ink
    runs = cv2.dilate(starts, along, anchor=(longest - 1, 0), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    gone = runs.copy()
    gone[1:] |= runs[:-1]  # a run found over rows r and r + 1 goes from both
    return np.where(gone > 0, 0, ink).astype(ink.dtype)
