"""Blocks set side by side, each centred on its own axis: a title page's authors (``\\author{A \\and B}``:
name, affiliation, note), read block by block although their rows stand level.

Rows level across a gutter are read as a table's, row by row (``layout._side_by_side``). Two blocks whose
lines are each centred under one another, of different widths, are not cells of a table column but two
units of text; a reader takes one, then the other. On the corpus, a table's columns of text (a reference
card's keys and descriptions, listings side by side) start flush left; a table's centred cells (a word, a
figure) are narrower than a name with its note or an affiliation; only few lines a side are taken, as on a
title page.
"""
from __future__ import annotations

import numpy as np

# At most this many lines a side, the same count on both.
MAX_LINES = 4
# A side's line centres lie within this many line heights of each other ...
CENTRE_SPREAD = 0.5
# ... and its line starts differ by at least this many (lines of different widths, centred).
MIN_START_SPREAD = 0.5
# Every line at least this many line heights wide (a name, an affiliation): a table's centred cells of a
# word or a figure are shorter.
MIN_LINE = 5.0


def centred_blocks(left: np.ndarray, right: np.ndarray, line_h: float) -> bool:
    """Whether the boxes ``left`` and ``right`` of a gutter are two such blocks."""
    if not (2 <= len(left) == len(right) <= MAX_LINES):
        return False
    if min((left[:, 2] - left[:, 0]).min(), (right[:, 2] - right[:, 0]).min()) < MIN_LINE * line_h:
        return False
    return _centred(left, line_h) and _centred(right, line_h)


def _centred(side: np.ndarray, line_h: float) -> bool:
    centres = (side[:, 0] + side[:, 2]) / 2
    return bool(np.ptp(centres) <= CENTRE_SPREAD * line_h and np.ptp(side[:, 0]) >= MIN_START_SPREAD * line_h)
