"""Box arithmetic shared by hOCR, ALTO and the PDF text layer (boxes are [x0, y0, x1, y1])."""
from __future__ import annotations

import math
from collections.abc import Iterable

from pipeline.result import Line

# Degrees: a line (or block) closer than this to the horizontal is written level.
LEVEL_TOLERANCE_DEG = 0.5


def int_box(box: list[float]) -> tuple[int, int, int, int]:
    """Round outwards, so the integer box still contains the float one."""
    x0, y0, x1, y1 = box
    return math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)


def union(boxes: Iterable[list[float]]) -> list[float]:
    boxes = list(boxes)
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def blocks(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by ``Line.block``, blocks in order of first appearance.

    Lines arrive in reading order; a block is a run of that order, so its
    lines keep their order within it.
    """
    grouped: dict[int, list[Line]] = {}
    for line in lines:
        grouped.setdefault(line.block, []).append(line)
    return list(grouped.values())


def _box_quad(box: list[float], rotation: int) -> list[tuple[float, float]]:
    """The box's corners in reading order (top-left, top-right, bottom-right,
    bottom-left of the text) for a page whose text the engine found turned
    by ``rotation`` degrees clockwise (so it reads in that direction)."""
    x0, y0, x1, y1 = box
    corners = {
        0: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
        90: [(x1, y0), (x1, y1), (x0, y1), (x0, y0)],
        180: [(x1, y1), (x0, y1), (x0, y0), (x1, y0)],
        270: [(x0, y1), (x0, y0), (x1, y0), (x1, y1)],
    }
    return corners.get(rotation % 360, corners[0])


def reading_quad(line: Line, rotation: int) -> list[tuple[float, float]]:
    # The engine's polygons keep reading order (top-left first) on the page
    # as rendered, whatever rotation it undid to read them.
    if line.polygon and len(line.polygon) >= 4:
        return [(float(p[0]), float(p[1])) for p in line.polygon[:4]]
    return _box_quad(line.box, rotation)


def reading_angle(line: Line, rotation: int = 0) -> float:
    """Counter-clockwise degrees from the page's x axis to the line's reading
    direction (hOCR ``textangle``, ALTO ``ROTATION``), in (-180, 180]."""
    (ax, ay), (bx, by), _, _ = reading_quad(line, rotation)
    # y points down on the page, so a clockwise-looking turn is negative.
    angle = -math.degrees(math.atan2(by - ay, bx - ax))
    return 180.0 if angle == -180.0 else angle + 0.0
