"""Two rows of small print that the detector joined where the lower one starts.

In a paragraph of small print set close (a page's 6-pt footer), the network's text regions of
two rows can run together at the rows' start: one region takes the upper row and the lower row's
first words, and a second region takes the rest of the lower row. The first box then stands about
two small rows tall and reads only its upper row; the lower row's first words lie in no other box
and never come out. At the page's normal input the pair shows as a box that holds a large share of
the box below it, where that lower box starts well right of it (two rows of one column start
together; a line set in from the row above, such as an indented first line, lies below it and is
held by it only by a sliver). The page is detected again at the finer input, where the rows stand
apart, and the finer lines lying inside the pair's boxes take their place.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.geometry import lies_inside, quad_size

# The upper box holds at least this share of the lower box's area ...
HELD = 0.3
# ... and the lower box starts at least this many of its own heights right of the upper box's start.
INSET = 2.0
# A finer line replaces the pair when at least this share of its area lies inside one of the pair's boxes.
INSIDE = 0.5
# A box of the page's pass lying for this share of its area inside a finer line taken was a piece of it.
PIECE = 0.6


def joined_pairs(quads: list[np.ndarray]) -> set[int]:
    """Indices of the boxes that take part in a pair of rows joined at the lower row's start."""
    if len(quads) < 2:
        return set()
    spans = np.array([np.r_[q.min(axis=0), q.max(axis=0)] for q in quads])
    out: set[int] = set()
    for j, low in enumerate(quads):
        w, h = quad_size(low)
        if h <= 0 or w < 2 * h:
            continue
        x0, y0, x1, y1 = spans[j]
        # Boxes above it (their middle higher), overlapping its box, starting well left of it.
        near = np.flatnonzero((spans[:, 0] <= x0 - INSET * h) & (spans[:, 2] > x0) & (spans[:, 1] < y0)
                              & (spans[:, 3] > y0) & ((spans[:, 1] + spans[:, 3]) < (y0 + y1)))
        for i in near:
            common, _ = cv2.intersectConvexConvex(quads[i].astype(np.float32), low.astype(np.float32))
            if common >= HELD * w * h:
                out |= {i, j}
    return out


def rows_apart(quads: list[np.ndarray], pairs: set[int], finer: list[np.ndarray]) -> tuple[list[int], list[int]]:
    """Which boxes go and which ``finer`` lines come: the finer lines lying inside the boxes of ``pairs``
    (indices into ``quads``) take the place of those boxes and of any other box lying inside them (a piece
    of the lower row boxed on its own); unless the finer pass finds a line inside each of them, nothing changes
    (a row it did not find would be lost with the box that held it)."""
    joined = [quads[i] for i in sorted(pairs)]
    taken = [k for k, f in enumerate(finer) if lies_inside(f, joined, INSIDE)]
    if not all(any(lies_inside(finer[k], [q], INSIDE) for k in taken) for q in joined):
        return [], []
    gone = [i for i, q in enumerate(quads) if i in pairs or lies_inside(q, [finer[k] for k in taken], PIECE)]
    return gone, taken
