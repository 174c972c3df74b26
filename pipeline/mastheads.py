"""Mastheads above two columns: a title band in large type (a brochure's logo beside its title lines)
set well clear above the columns, read first, before both of them.

The band's boxes fall on either side of the columns' gutter when the title stands beside a logo, so
the columns would take them as their own first lines: the logo would start the left column and the
title the right one. A band is a masthead when a wide gap runs across the whole region under it, it
reaches both sides of the gutter, its type is larger than the region's, and it is not itself two
columns of text (the columns' own first lines above a figure set across both).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.box_rows import intervals_gaps
from pipeline.medians import median


def masthead_apart(idx: np.ndarray, columns, boxes: np.ndarray, line_h: float, s, split: Callable,
                   read: Callable, out: list[list[int]]) -> bool:
    """If the top of ``idx`` is a masthead above the columns ``(left, right, spanning)``, append it and then
    the rest to ``out`` (``read(part, out)`` orders a part; ``split(part)`` finds a part's columns, or None)
    and return True."""
    left, right, _ = columns
    b = boxes[idx]
    gaps = [g for g in intervals_gaps(b[:, 1], b[:, 3]) if g[1] - g[0] >= s.min_masthead_gap * line_h]
    if not gaps:
        return False
    top = idx[b[:, 3] <= gaps[0][0]]
    if not (np.isin(top, left).any() and np.isin(top, right).any()):
        return False
    heights = boxes[:, 3] - boxes[:, 1]
    if median(heights[top]) < s.min_masthead_type * median(heights[idx]):
        return False
    if split(top) is not None:
        return False
    read(top, out)
    read(idx[b[:, 1] >= gaps[0][1]], out)
    return True
