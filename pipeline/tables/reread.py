"""Scans: short items stacked in a column that the OCR boxed as one word, read again row by row.

Numbers one under the other ("21" … "26", set 11 pt apart) are detected as
one tall box and read as one mark ("I", "T"): the table step got one token
for several rows, and the rows beside it lost their first cell or were
glued together. Such a box is cut at the rows read beside it and each
piece read on its own, from the page turned level (the tokens' frame), a
row's height tall and padded left and right as the page's line crops are.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.tables.model import Token
from pipeline.tables.words import line_height, text_lines

TALL = 2.0  # a token this many line heights tall beside two or more rows is a stack of items
PAD_HEIGHTS = 0.3  # a crop reaches this many line heights beyond the ink left and right (as the page's crops)


def _clean(text: str) -> str:
    return text.strip().strip("|｜丨").strip()


def _crop(level: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
    ix0, iy0 = max(0, int(round(x0))), max(0, int(round(y0)))
    ix1, iy1 = min(level.shape[1], int(round(x1))), min(level.shape[0], int(round(y1)))
    if ix1 - ix0 < 4 or iy1 - iy0 < 4:
        return None
    return level[iy0:iy1, ix0:ix1]


def split_stacked(tokens: list[Token], level: Callable[[], np.ndarray], read: Callable) -> list[Token]:
    """Each tall token with two or more rows of text beside it replaced by one token per row, read
    from its piece of the page; a piece read as nothing is left out."""
    if len(tokens) < 4:
        return tokens
    h = line_height(tokens)
    tall = [t for t in tokens if t.height > TALL * h]
    if not tall:
        return tokens
    out = [t for t in tokens if t not in tall]
    for t in tall:
        beside = [u for u in out if t.box[1] <= u.cy <= t.box[3] and u.height < 1.5 * h
                  and (u.box[0] >= t.box[2] or u.box[2] <= t.box[0])]
        rows = [(min(u.box[1] for u in r), max(u.box[3] for u in r)) for r in text_lines(beside)]
        # a row that has its own word where the tall box stands (a header above the stack) keeps it
        rows = [(y0, y1) for y0, y1 in rows if not any(
            u.box[0] < t.box[2] and t.box[0] < u.box[2] and min(y1, u.box[3]) - max(y0, u.box[1]) > 0.5 * u.height
            for u in out)]
        if len(rows) < 2:
            out.append(t)
            continue
        crops, bands = [], []
        for y0, y1 in rows:
            pad = PAD_HEIGHTS * (y1 - y0)
            crop = _crop(level(), t.box[0] - pad, y0, t.box[2] + pad, y1)
            if crop is not None:
                crops.append(crop)
                bands.append((y0, y1))
        pieces = [Token(_clean(d.text), (t.box[0], y0, t.box[2], y1), d.confidence)
                  for d, (y0, y1) in zip(read(crops), bands)]
        out.extend(p for p in pieces if p.text)
    return out
