"""Scans: two words whose boxes lie a gutter apart but whose ink lies a word space apart, their boxes
carried out to the ink.

An OCR word's box runs from its first character's recognizer step to its last one's, so it ends inside
the ink, by a few pixels for a Latin word and by up to half a character for a Chinese one: in a Chinese
cell, two words one word space apart (``嵌套的 SUBTOTAL 与 AGGREGATE``) look as far apart as a table's
columns, and a line of prose falls into pieces like a row. Only where the boxes' gap passes for a gutter
is the ink looked at; where the blank between the two words' ink is no wider than a word space, the
boxes are carried out to it. Gaps whose ink is wider are left as the boxes give them, so the gutter rule,
set on the boxes, keeps the narrow gutters it was set on.
"""
from __future__ import annotations

from collections.abc import Callable
from statistics import median

import numpy as np

from pipeline.tables.crop_ink import crop_ink
from pipeline.tables.model import Token
from pipeline.tables.phrases import GUTTER
from pipeline.tables.words import line_height

SPACE = 0.4  # ink at most this many line heights apart is a word space (a narrow gutter's is wider)
REACH = 0.5  # a box ends at most this many line heights short of its ink
BLANK = 0.15  # a blank this many line heights wide ends a word's ink (inside a character: narrower)
BAND = (0.25, 0.75)  # the part of the line's height looked at: the text's middle, not the next line's ascenders


def to_ink(lines: list[list[Token]], level: Callable[..., np.ndarray | None]) -> list[list[Token]]:
    """The lines with the boxes of words a word space apart on the ink carried out to their ink."""
    if not lines:
        return lines
    # the page's line height, not each line's: a scan's line boxes are padded by the detector, a short
    # line's (a cell of digits) by up to a third more, and its gutter's ink then looked like a word space
    h = median(line_height(line) for line in lines)
    out = []
    for line in lines:
        line, gutter = list(line), GUTTER * line_height(line)
        # a box ends at most REACH short of its ink each side: a gap wider than that and a word space is
        # a gutter whatever the ink
        pairs = [k for k in range(len(line) - 1) if gutter < line[k + 1].box[0] - line[k].box[2] <= (SPACE + 2 * REACH) * h]
        ink = _line_ink(line, pairs, h, level) if pairs else None
        for k in pairs if ink is not None else ():
            a, b = line[k], line[k + 1]
            end, start = _ink_ends(ink, a, b, h)
            if end < start and start - end <= SPACE * h:
                line[k] = Token(a.text, (a.box[0], a.box[1], max(a.box[2], end), a.box[3]), a.confidence)
                line[k + 1] = Token(b.text, (min(b.box[0], start), b.box[1], b.box[2], b.box[3]), b.confidence)
        out.append(line)
    return out


def _line_ink(line: list[Token], pairs: list[int], h: float,
              level: Callable[..., np.ndarray | None]) -> tuple[np.ndarray, float] | None:
    """The inked columns of the line's middle band from the first gap looked at to the last, and the
    page x of the first column (None: no ink to tell by). One crop a line: a table's row has a gap at
    each gutter."""
    y0, y1 = median(t.box[1] for t in line), median(t.box[3] for t in line)
    first, last = line[pairs[0]], line[pairs[-1] + 1]
    x0 = max(first.box[0], first.box[2] - REACH * h)
    x1 = min(last.box[2], last.box[0] + REACH * h)
    crop = level(x0, y0 + BAND[0] * (y1 - y0), x1, y0 + BAND[1] * (y1 - y0))
    ink = crop_ink(crop) if crop is not None else None
    return None if ink is None else (ink.any(axis=0), float(max(0, round(x0))))


def _ink_ends(ink: tuple[np.ndarray, float], a: Token, b: Token, h: float) -> tuple[float, float]:
    """Where ``a``'s ink ends on the right and ``b``'s begins on the left, in page pixels."""
    cols, left = ink
    blank = max(1, round(BLANK * h))
    end = _run_end(cols, int(round(a.box[2] - left)), 1, blank)
    start = _run_end(cols, int(round(b.box[0] - left)), -1, blank)
    return left + end, left + start


def _run_end(cols: np.ndarray, i: int, step: int, blank: int) -> int:
    """From column ``i`` inside a word's box, the first column past its ink going ``step``-wards (a
    blank ``blank`` columns wide ends it); for a leftward walk, the last inked column's left edge."""
    i = min(max(i, 0), len(cols) - 1)
    last = i  # the last inked column reached (the box's edge if none)
    k = i
    while 0 <= k < len(cols) and abs(k - last) <= blank:
        if cols[k]:
            last = k
        k += step
    return last + 1 if step > 0 else last
