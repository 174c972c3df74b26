"""A decimal point (or comma) lost between two digits (``2.7`` read ``27``), put back from its ink.

In a table's short numbers (a section column: ``2.2``, ``2.7``) the recognizer can lose a faint point set tight
between two digits to the blank: its weight there stays under a quarter, and the number reads as one figure
with confidence. The point is on the crop it read: a small round piece on the digits' baseline, in the gap
between them. So between two digits read with no character between them, the ink is looked at: a piece at most
``_DOT`` of the digits' height across (and at least ``_MIN_DOT``: no speck of the scan's grain), its foot on their
baseline, and clear of both digits is a point. A faint point blurred into the digit before it is its own piece
at a darker level (its core is darker than the grey bridge), so the gap is looked at again there.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.ink_pieces import ink_pieces
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, inks_of, lines_with

# The point, in the digits' (median) heights: at most _DOT and at least _MIN_DOT across (each way), its foot
# within _FOOT of their baseline, and at least _MIN_AREA of a height squared in pixels.
_DOT, _MIN_DOT, _FOOT, _MIN_AREA = 0.3, 0.12, 0.1, 0.012
# The darker level: this share of the way from the Otsu level to the darkest ink of the two digits.
_DARKER = 0.25
_MIN_HEIGHT = 12  # digits shorter than this (pixels) are not measured
_PART = 0.3  # a digit's piece is at least this share of the line's ink band tall (a point is less)


def lost_points(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with a point put back between two digits where the ink shows one."""
    at = lines_with(decoded, _candidate, "0123456789")
    if not at:
        return decoded
    out = list(decoded)
    for i, ink in zip(at, inks_of(crops, at)):
        line = decoded[i]
        chars: list[DecodedChar] = []
        for k, c in enumerate(line.chars):
            chars.append(c)
            if _candidate(line, k) and _point_between(line, ink, k):
                nxt = line.chars[k + 1]
                step = (c.end + nxt.start) // 2
                # a comma as its second: digit_marks then tells the two by the mark's tail, as for a point read
                chars.append(DecodedChar(".", min(c.confidence, nxt.confidence), step, max(step + 1, nxt.start),
                                         second=","))
        if len(chars) != len(line.chars):
            out[i] = replace(line, chars=tuple(chars))
    return out


def _candidate(line: DecodedLine, k: int) -> bool:
    chars = line.chars
    return k + 1 < len(chars) and chars[k].char.isdigit() and chars[k + 1].char.isdigit()


def _digit(stats: np.ndarray, glyphs: list[int], band: float, x: float, reach: float) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) of the pieces of the digit about ``x``: those at least _PART of the band tall whose
    middle lies within ``reach`` (a blurred digit can come apart in two)."""
    near = [p for p in glyphs if stats[p, 3] >= _PART * band and abs(stats[p, 0] + stats[p, 2] / 2 - x) <= reach]
    if not near:
        return None
    return (min(int(stats[p, 0]) for p in near), min(int(stats[p, 1]) for p in near),
            max(int(stats[p, 0] + stats[p, 2]) for p in near), max(int(stats[p, 1] + stats[p, 3]) for p in near))


def _point_between(line: DecodedLine, ink: LineInk, k: int) -> bool:
    glyphs, band = ink.glyph_pieces()
    if not glyphs:
        return False
    stats = ink.pieces[2]
    step = ink.shape[1] / max(1, line.steps)
    a, b = line.chars[k], line.chars[k + 1]
    left = _digit(stats, glyphs, band, (a.start + a.end) / 2 * step, 1.5 * step)
    right = _digit(stats, glyphs, band, (b.start + b.end) / 2 * step, 1.5 * step)
    if left is None or right is None or left[2] > right[2] - 2:
        return False
    base = (left[3] + right[3]) / 2
    height = min(left[3] - left[1], right[3] - right[1])
    if height < _MIN_HEIGHT or abs(left[3] - right[3]) > 0.1 * height:
        return False
    x0 = (left[0] + left[2]) // 2  # from the left digit's middle to the right one's
    x1 = (right[0] + right[2]) // 2
    if x1 - x0 < 2:
        return False
    top = max(0, min(left[1], right[1]))
    bottom = min(ink.shape[0], int(base + 0.3 * height) + 1)
    gray = ink.gray[top:bottom, x0:x1]
    darkest = float(ink.gray[left[1]:left[3], x0:x1].min(initial=255))
    for level in (ink.level, ink.level - _DARKER * max(0.0, ink.level - darkest)):
        if _dot_in(gray < level, base - top, height):
            return True
    return False


def _dot_in(mask: np.ndarray, base: float, height: float) -> bool:
    """Whether ``mask`` (the gap's rows from the digits' tops to under the baseline ``base``) holds a point: a small
    round piece standing on the baseline, touching neither side (the digits' own ink reaches the sides), with paper
    above it up to the digits' tops (a serif digit's tail or terminal, as low and round, has its bowl over it)."""
    n, _, stats, _ = ink_pieces(mask.astype(np.uint8))
    w_all = mask.shape[1]
    for x, y, w, h, area in stats[1:n]:
        if x == 0 or x + w >= w_all:
            continue  # the digits' strokes
        if not (_MIN_DOT * height <= w <= _DOT * height and _MIN_DOT * height <= h <= _DOT * height):
            continue
        if area < _MIN_AREA * height * height or abs(y + h - base) > _FOOT * height:
            continue
        if mask[: max(0, y - 1), max(0, x - 1):x + w + 1].any():
            continue
        return True
    return False
