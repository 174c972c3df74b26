"""Detector boxes holding two rows, cut in two before recognition.

In a narrow column of short entries set close (a table's column of figures, a reference card's
one-letter keys) the detector sometimes joins two rows into one box. The recognizer reads one
line from a crop, so one of the rows is lost (`22` for `22` over `23`, `P` for `p` over `u`), and
the row left out of the box's neighbours no longer lines up with them. Such a box is about two
lines tall and its ink falls into two bands of like height, each running across the box, with
blank rows between them and paper above and below them; a single line always has ink across its
middle, whatever its ascenders and descenders, and a neighbour reaching into a box is cut by its edge.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.geometry import crop_quad, quad_size
from pipeline.medians import median, percentile


@dataclass(frozen=True)
class StackedSettings:
    # Only boxes at least this many times the page's median box height are looked at.
    min_height: float = 1.4
    # A band of ink rows counts when at least this share of the page's median box height ...
    min_band: float = 0.25
    # ... and the two bands are alike: the lower at least this share of the taller ...
    band_ratio: float = 0.5
    # ... and each has ink in at least this share of the columns the two span together.
    min_cover: float = 0.4
    # Ink: this many grey levels darker than the crop's paper (its 90th percentile).
    ink_level: int = 40
    # A row is ink when at least this share of its pixels are.
    row_ink: float = 0.02


def split_stacked(gray: np.ndarray, quads: list[np.ndarray], s: StackedSettings = StackedSettings()) -> list[np.ndarray]:
    """``quads`` with each box that holds two rows cut between them (its two halves in its place)."""
    if len(quads) < 2:
        return quads
    heights = [quad_size(q)[1] for q in quads]
    line_h = float(median(heights))
    out: list[np.ndarray] = []
    for q, h in zip(quads, heights):
        t = _split_fraction(crop_quad(gray, q), line_h, s) if h >= s.min_height * line_h else None
        if t is None:
            out.append(q)
            continue
        q = np.asarray(q, dtype=np.float32)
        left, right = q[0] + (q[3] - q[0]) * t, q[1] + (q[2] - q[1]) * t
        out += [np.array([q[0], q[1], right, left], dtype=np.float32), np.array([left, right, q[2], q[3]], dtype=np.float32)]
    return out


def _split_fraction(crop: np.ndarray, line_h: float, s: StackedSettings) -> float | None:
    """Where (share of the crop's height) to cut a crop holding two rows of ink; None for one line."""
    if crop.size == 0:
        return None
    ink = crop < percentile(crop, 90) - s.ink_level
    h, w = ink.shape
    on = np.concatenate([[False], ink.sum(axis=1) >= max(1.0, s.row_ink * w), [False]])
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    bands = [(a, b) for a, b in zip(edges[::2], edges[1::2]) if b - a >= s.min_band * line_h]
    # A row boxed whole has paper above and below it in the box: ink cut by the box's edge is a neighbour's.
    if len(bands) != 2 or bands[0][0] == 0 or bands[1][1] == h:
        return None
    (a0, a1), (b0, b1) = bands
    if min(a1 - a0, b1 - b0) < s.band_ratio * max(a1 - a0, b1 - b0):
        return None
    top, bottom = ink[a0:a1].any(axis=0), ink[b0:b1].any(axis=0)
    cols = np.flatnonzero(top | bottom)
    span = cols[-1] - cols[0] + 1
    if min(top.sum(), bottom.sum()) < s.min_cover * span:
        return None
    return float((a1 + b0) / 2 / h)
