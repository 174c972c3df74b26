"""Box arithmetic shared by the XML exports (boxes are [x0, y0, x1, y1])."""
from __future__ import annotations

import math
from collections.abc import Iterable

from pipeline.result import Line


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
