"""A panel's rows the detector joined across its two blocks, cut at the blocks' gap before reading order.

Two addresses side by side (``pipeline/panels.py``) stand a word space or two apart, and the detector
often runs a row of both into one box (``http://silmaril.ie http://epu.ucc.ie/latex/``): no reading
order can then read the left block before the right one. Such a line stands next to the panel's rows,
starts at the left block's edge and runs on past the right block's; it is cut at the gap free of ink
that ends at the right block's edge, wider than the line's word spaces there, each character going
with the side its step is on. The cut is kept only when the pieces then make a panel with the other rows.
"""
from __future__ import annotations

import numpy as np

from pipeline.geometry import crop_quad
from pipeline.joined_notes import cut_line, ink_gap_at
from pipeline.layout import LayoutSettings, layout_boxes
from pipeline.panels import ALIGN, MAX_PITCH, MIN_ROWS, find_panels, level_matrix
from pipeline.read_extents import read_extents

# The gap is looked for this many type heights left of the right block's edge and right of it.
BEFORE = 1.5
AFTER = 0.5


def split_panel_rows(gray: np.ndarray, boxes: list[list[float]], quads: list[np.ndarray], decoded: list,
                     settings: LayoutSettings):
    """``(boxes, quads, decoded)`` with each line joined across a panel's two blocks cut in two (``quads`` in
    ``gray``'s pixels, ``boxes`` the same lines upright)."""
    if len(boxes) < 2 * MIN_ROWS - 1:
        return boxes, quads, decoded
    out = (list(boxes), list(quads), list(decoded))
    tried: set[int] = set()
    while True:
        work = _text_boxes(*out, settings)
        level = level_matrix(work)
        joined = [(k, panel) for panel in find_panels(work, min_rows=MIN_ROWS - 1)
                  for k in _joined_beside(work, level, panel) if k not in tried]
        if not joined:
            return out
        k, panel = joined[0]
        tried.add(k)
        cut = _cut_at(gray, out[0][k], out[1][k], float(np.median(work[panel.right, 0])), panel.height)
        if cut is None:
            continue
        trial = tuple(list(part) for part in out)
        cut_line(trial, k, cut, (out[0][k][1], out[0][k][3]), (out[0][k][1], out[0][k][3]))
        if len(trial[0]) == len(out[0]):
            continue  # a piece would hold no character
        pieces = [k, k + 1]
        work = _text_boxes(*trial, settings)
        if any(np.isin(pieces, p.rows).all() for p in find_panels(work)):
            out = trial
            tried = {t + (t > k) for t in tried}


def _text_boxes(boxes, quads, decoded, settings: LayoutSettings) -> np.ndarray:
    """The boxes as the reading order sees them: cut back to their read text, then by their padding."""
    text = read_extents(boxes, decoded, settings.pad_x, settings.min_unread)
    return layout_boxes(np.asarray(text, dtype=np.float64), settings)[0]


def _joined_beside(b: np.ndarray, level: np.ndarray, panel) -> list[int]:
    """Lines alone on their row next above or below the panel's rows that start at its left block's edge and
    run on past its right block's."""
    h = panel.height
    left_x0, right_x0 = float(np.median(b[panel.left, 0])), float(np.median(b[panel.right, 0]))
    centre = (b[:, 1] + b[:, 3]) / 2
    top, bottom = centre[panel.left].min(), centre[panel.left].max()
    near = ((top - MAX_PITCH * h <= centre) & (centre < top)) | ((bottom < centre) & (centre <= bottom + MAX_PITCH * h))
    fits = (np.abs(b[:, 0] - left_x0) <= ALIGN * h) & (b[:, 2] > right_x0 + 2 * h)
    return [int(k) for k in np.flatnonzero(near & fits & ~level.any(axis=1))]


def _cut_at(gray: np.ndarray, box: list[float], quad: np.ndarray, edge: float, h: float) -> float | None:
    """Where (a fraction of the box's width) the line's gap ending at ``edge`` lies, or None."""
    x0, x1 = box[0], box[2]
    gap = ink_gap_at(crop_quad(gray, quad), (edge - x0) / (x1 - x0), h / (x1 - x0), BEFORE, AFTER)
    if gap is None or abs(x0 + gap[1] * (x1 - x0) - edge) > ALIGN * h:
        return None
    return sum(gap) / 2
