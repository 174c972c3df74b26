"""A comma between digits read as a point, told from its ink: a comma's tail reaches below the digits.

The recognizer reads a small sans-serif comma between digits (``5,391``) as a point about as often
as not: at a table's print size the two differ only in the comma's short tail. The tail is there in
the crop it read, so each mark between two digits is measured as the ink piece under its steps,
against the digits beside it: how far its lowest ink reaches below their baseline, and how tall it
stands for its width. A point that hangs clearly below the baseline and is taller than wide is made
a comma, when the model too gave the comma some weight (``DecodedChar.second``, kept by ``ctc``):
a blurred point in ``（5.3 节）`` (ctex p.33) measured as a comma, the model weighing the comma 0.0004.
Anything else is left as read. Not the other way: no point was seen read as a comma, and a Times comma
in ``(0,0)`` (asymptote manual p.14) measured as a point would have been made one.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.lost_points import lost_points
from pipeline.page_rereads import Crops, reread_chars

_MARKS = "."
# A comma must fall clearly past the points' measures (see _mark).
_COMMA_DROP, _COMMA_TALL = 0.07, 1.15


def mark_shape(line: DecodedLine, ink: LineInk, k: int) -> tuple[float, float] | None:
    """(drop, tallness) of the mark at ``k`` in ``line`` read from ``ink``: how far its lowest ink lies
    below the baseline of the digits beside it, in digit heights, and its height over its width.
    None where the mark or its digits cannot be found as pieces of their own."""
    count, labels, stats, _ = ink.pieces
    h, w = ink.shape
    step = w / max(1, line.steps)
    mark = line.chars[k]
    centre = (mark.start + mark.end) / 2 * step
    # Digits: the pieces under the characters either side (tall pieces, at least half the crop's ink band).
    digits = []
    for j in (k - 1, k + 1):
        c = line.chars[j]
        piece = _piece_at(stats, count, h, (c.start + c.end) / 2 * step, step * 1.5, tall=True)
        if piece is not None:
            digits.append(piece)
    if not digits:
        return None
    base = float(np.median([stats[p, 1] + stats[p, 3] for p in digits]))
    height = float(np.median([stats[p, 3] for p in digits]))
    if height < 8:
        return None
    small = _piece_at(stats, count, h, centre, step * 1.5, tall=False, below=height * 0.5)
    if small is None:
        return None
    x, y, pw, ph = stats[small, :4]
    # It must sit low: its top below the digits' middle (not an apostrophe or a speck above).
    if y < base - height * 0.5:
        return None
    return (y + ph - base) / height, ph / max(1, pw)


def _piece_at(stats: np.ndarray, count: int, crop_h: int, x: float, reach: float, tall: bool,
              below: float = 0.0) -> int | None:
    """The ink piece nearest ``x`` within ``reach``: a tall one (a digit: half the tallest glyph's height
    or more) or a small one (under ``below`` pixels high)."""
    best, dist = None, reach
    # A rule crossing the crop (a table's column rule beside a cell) is no glyph: it spans the crop.
    glyphs = [p for p in range(1, count) if stats[p, 3] < crop_h - 2]
    if not glyphs:
        return None
    band = float(max(stats[p, 3] for p in glyphs))
    for p in glyphs:
        px, py, pw, ph, area = stats[p]
        if tall and ph < band * 0.5:
            continue
        if not tall and (ph > below or area < 3):
            continue
        d = abs(px + pw / 2 - x)
        if d < dist:
            best, dist = p, d
    return best


def digit_marks(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """The lines with a point lost between two digits put back (``lost_points``), then each point between two
    digits made a comma where its ink shows one (``crops`` gives the images the lines were read from, by index)."""
    return reread_chars(lost_points(decoded, crops), crops, _between_digits, _mark_from_ink, _MARKS)


def _mark_from_ink(line: DecodedLine, ink: LineInk, k: int):
    c = line.chars[k]
    shape = mark_shape(line, ink, k)
    mark = _mark(*shape) if shape is not None else ""
    return replace(c, char=mark) if mark and mark != c.char else None


def _mark(drop: float, tall: float) -> str:
    """"," when these measures show a comma, else "". Measured on scanned table cells at
    200 DPI (Helvetica, Noto Sans and Times digits, 20-22 px high in the crop): points reach at most
    0.024 of a digit's height below the baseline and stand 0.75-1.33 times as tall as wide; commas
    reach 0.05-0.22 below it and stand 1.0-2.3 times as tall (the faintest Times tails, 0.05 and
    1.0, are left as read)."""
    return "," if drop >= _COMMA_DROP and tall >= _COMMA_TALL else ""


def _between_digits(line: DecodedLine, k: int) -> bool:
    chars = line.chars
    return (0 < k < len(chars) - 1 and chars[k].char in _MARKS and chars[k].second == ","
            and chars[k - 1].char.isdigit() and chars[k + 1].char.isdigit())
