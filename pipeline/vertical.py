"""Vertical CJK text: columns read top to bottom, the columns right to left.

The recognizer reads horizontal lines only. A column is turned into one
by cutting it into character cells at blank rows (about one character
width apart) and laying the cells side by side, characters upright.
Turning the column crop a quarter instead would show the recognizer
sideways characters: it reads sideways Chinese nearly as well, but loses
punctuation and digits.

A page of tall boxes is either vertical text or a page turned sideways;
only reading tells them apart (``upright.detect_upright`` reads a few
columns both ways).
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.geometry import quad_to_box
from pipeline.preprocess import MIN_ELONGATION

# Where a character cell may end, in character widths from its top.
CELL_MIN, CELL_MAX = 0.55, 1.3
SMALL_MARK = 0.35  # ink this thin either way is a mark (colon, dash, 一), in character widths
CELL_GAP = 0.15  # blank between cells laid side by side, in character widths


def is_column(quad: np.ndarray) -> bool:
    """A tall box (judged upright, so a column stays one whatever its corner order)."""
    x0, y0, x1, y1 = quad_to_box(quad)
    return x1 > x0 and (y1 - y0) / (x1 - x0) >= MIN_ELONGATION


def column_crop(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = (int(round(v)) for v in quad_to_box(quad))
    return gray[max(0, y0) : max(y0 + 1, y1), max(0, x0) : max(x0 + 1, x1)]


def column_as_line(crop: np.ndarray) -> np.ndarray:
    """The column's characters, top to bottom, laid out left to right."""
    h, w = crop.shape
    if h < 2 or w < 2:
        return crop
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return crop
    size = max(2, int(cols[-1] - cols[0] + 1))
    blank = ~ink.any(axis=1)
    cells = []
    y, last = int(rows[0]), int(rows[-1]) + 1
    while y < last:
        lo, hi = y + int(CELL_MIN * size), min(last, y + int(CELL_MAX * size))
        free = np.flatnonzero(blank[lo:hi]) + lo
        cut = int(free[np.argmin(np.abs(free - (y + size)))]) if len(free) else min(last, y + size)
        bottom = int(rows[(rows >= y) & (rows < cut)][-1]) + 1
        across = np.flatnonzero(ink[y:bottom].any(axis=0))
        if min(bottom - y, across[-1] - across[0] + 1) < SMALL_MARK * size:
            # A small mark (colon, comma, full stop) keeps a character's room
            # around it: trimmed bare, a full-width colon reads as a dot.
            pad = max(0, size - (bottom - y))
            cells.append(cv2.copyMakeBorder(crop[y:bottom], pad // 2, pad - pad // 2, 0, 0,
                                            cv2.BORDER_CONSTANT, value=int(np.median(crop))))
        else:
            # Trimmed to its ink: a dash stays level with the text, and upright
            # digits, narrower than the column, do not read as spaced out.
            cells.append(crop[y:bottom, int(across[0]) : int(across[-1]) + 1])
        following = rows[rows >= cut]
        y = int(following[0]) if len(following) else last
    height = max(c.shape[0] for c in cells)
    paper = int(np.median(crop))
    gap = np.full((height, max(1, int(CELL_GAP * size))), paper, np.uint8)
    parts = []
    for c in cells:
        top = (height - c.shape[0]) // 2
        parts += [cv2.copyMakeBorder(c, top, height - c.shape[0] - top, 0, 0, cv2.BORDER_CONSTANT, value=paper), gap]
    return np.ascontiguousarray(np.hstack(parts[:-1]))


def column_quad(quad: np.ndarray) -> np.ndarray:
    """The column's corners ordered so that its "width" runs down the column
    (top-right, bottom-right, bottom-left, top-left): padding and word boxes
    then follow the reading direction."""
    x0, y0, x1, y1 = quad_to_box(quad)
    return np.array([[x1, y0], [x1, y1], [x0, y1], [x0, y0]], dtype=np.float32)


def upright_box(box: list[float], page_width: float) -> list[float]:
    """A box of a vertical page as seen with the page turned a quarter
    counter-clockwise: columns become rows, the rightmost on top, so the
    horizontal reading order applies."""
    x0, y0, x1, y1 = box
    return [y0, page_width - x1, y1, page_width - x0]
