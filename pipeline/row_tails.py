"""The run of words a finer line finds past the end of a first-pass piece of its row.

On a page detected again at the finer input (small print), the first pass can box only the start of a
row: the detector's region of the close-set row above took the row's tail, or faded out before it. The
finer line then holds the first-pass piece and reaches several heights past it. Such a reach is a run of
words. Where another line's box covers it (the row above took it in, a neighbouring box reads it), taking
the wider box reads the words twice, or reads a row as two; where no box covers it, the words come out
nowhere unless the wider box takes the piece's place.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.geometry import fill_quads

# The reach counts as read elsewhere when at least this share of its area lies inside other lines' boxes.
COVERED = 0.5


def reach_unread(line: np.ndarray, piece: tuple[float, float], others: list[np.ndarray], beyond: float) -> bool:
    """Whether the parts of ``line`` (a quad) reaching more than ``beyond`` pixels past ``piece`` (the x-span
    of the first-pass piece it holds) lie mostly outside every quad of ``others``."""
    x0, y0 = np.floor(line.min(axis=0)).astype(int)
    x1, y1 = np.ceil(line.max(axis=0)).astype(int) + 1
    a, b = int(round(piece[0])), int(round(piece[1]))
    if a - x0 <= beyond and x1 - b <= beyond:
        return False
    shape = (max(1, y1 - y0), max(1, x1 - x0))
    reach = np.zeros(shape, dtype=np.uint8)
    cv2.fillPoly(reach, [np.round(line - [x0, y0]).astype(np.int32)], 1)
    # Only the sides reaching past the piece by more than ``beyond``; the piece and a short reach are not a run.
    reach[:, max(0, a - x0):max(0, b - x0)] = 0
    if a - x0 <= beyond:
        reach[:, : max(0, a - x0)] = 0
    if x1 - b <= beyond:
        reach[:, max(0, b - x0):] = 0
    area = int(np.count_nonzero(reach))
    if not area:
        return False
    covered = fill_quads(np.zeros(shape, dtype=np.uint8), others, (x0, y0))
    return int(np.count_nonzero(reach & covered)) < COVERED * area
