"""Ordered lines joined into the page's text, and the page's confidence."""
from __future__ import annotations

import math

import numpy as np

from pipeline.geometry import quad_angle, quad_size
from pipeline.result import Line

COLUMN_ELONGATION = 3.0
# A page slanting less than this (degrees) is taken as level: rows are judged on page boxes as they are.
SLANT_MIN = 0.5


def page_text(lines: list[Line], rotation: int = 0) -> str:
    """The page as text: a blank line between blocks, a newline between
    lines, and a space between pieces of one visual row (table cells, or a
    line the detector split at a wide gap), so a table row reads as a row.
    ``rotation``: the quarter turns (counter-clockwise degrees) the engine made
    to read the page upright; rows are judged upright."""
    out: list[str] = []
    prev: Line | None = None
    boxes = _level_boxes(lines, rotation)
    for i, line in enumerate(lines):
        if prev is not None:
            if line.block != prev.block:
                out.append("\n\n")
            elif _same_row(boxes[i - 1], boxes[i]):
                out.append(" ")
            else:
                out.append("\n")
        out.append(line.text)
        prev = line
    return "".join(out)


def page_confidence(lines: list[Line]) -> float:
    """Mean line confidence weighted by characters."""
    n = sum(len(line.text) for line in lines)
    if not n:
        return 0.0
    return round(sum(line.confidence * len(line.text) for line in lines) / n, 4)


def _same_row(a: list[float], b: list[float]) -> bool:
    if _is_column(a) or _is_column(b):  # vertical text: each column is a line of its own
        return False
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and b[0] >= a[2] - 0.5 * (a[3] - a[1])


def _level_boxes(lines: list[Line], rotation: int = 0) -> list[list[float]]:
    """Each line's box measured along the page's slant: on a tilted page two
    pieces of one row sit at different heights in page pixels (a page number
    far right of its entry, 28 px lower at 2°), and would read as two rows.
    On a page read turned 180° a row's next piece lies left of it in page
    pixels: its lines keep no polygon (their boxes are level), so they take
    the page's turn."""
    angle = _slant(lines, rotation)
    if abs(angle) < SLANT_MIN:
        return [list(line.box) for line in lines]
    a = math.radians(angle)
    # Along the line and down across it, for text rising to the right by ``angle``.
    axes = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    out = []
    for line in lines:
        x0, y0, x1, y1 = line.box
        pts = np.asarray(line.polygon if line.polygon is not None else [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        p = pts @ axes.T
        out.append([float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max())])
    return out


def _slant(lines: list[Line], rotation: int = 0) -> float:
    """Median angle (degrees) of the long lines' polygons, weighted by length; a line without one runs
    level, the way the page was turned (180° on a page read upside down)."""
    level = float((-rotation + 180) % 360 - 180)  # as quad_angle measures it, in (-180, 180]
    level = 180.0 if level == -180.0 else level
    angles, weights = [], []
    for line in lines:
        if line.polygon is None:
            angles.append(level)
            weights.append(line.box[2] - line.box[0])
            continue
        w, h = quad_size(np.asarray(line.polygon, dtype=np.float32))
        if h > 0 and w / h >= COLUMN_ELONGATION:
            angles.append(quad_angle(np.asarray(line.polygon, dtype=np.float32)))
            weights.append(w)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])


def _is_column(box: list[float]) -> bool:
    return box[3] - box[1] >= COLUMN_ELONGATION * (box[2] - box[0])
