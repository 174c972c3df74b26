"""A letter boxed alone (a reference card's key: ``s``, ``x``, ``C``) put in the case its height among the keys
beside it shows.

A key set apart from its description is a line of one glyph, and the recognizer reads it scaled to its crop's
height: a small ``s`` or ``x`` and its capital (the same shape drawn larger) look alike there, so the model's case
for them is a guess however sure it is. Nothing on its line shows its size; the keys above and below it in its
column do, set in the same face and weight and blurred alike: a sure small letter without ascender (``n``, ``u``)
stands the x-height tall, a sure ascender or capital of a shape of its own (``d``, ``h``, ``T``) the tall height.
A lone same-shaped letter takes the case whose height its own ink shows, each glyph measured the same way (its
largest ink piece in its own box), where it is clearly nearer one than the other. (The line beside a key, set in
another face and weight, measured on the same rows, misled by a pixel or two: too much in small print.)
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.geometry import quad_to_box
from pipeline.letter_case import SAME_SHAPE
from pipeline.line_ink import LineInk
from pipeline.page_work import PageWork

# Keys that show the two heights: read this surely, a small letter of the x-height alone, or a glyph reaching
# the tall height (no t: it stops short of it; no i or j: the dot).
_SURE = 0.9
_SMALL = set("aemnru")
_TALL = set("bdfhklABDEFGHKLMNRTUY")
# A key is in the letter's column where their boxes' middles lie within this many of the letter's box heights.
_COLUMN = 2.0
# The two heights must differ by this share of the tall one, and the letter's height lie this share of their
# difference nearer one than the other, and no farther than that difference beyond either.
_MIN_SPREAD = 0.15
_MARGIN = 0.25
# Rows cut above and below a key's box, as a share of its height.
_ROOM = 0.5


def lone_letters(decoded: list[DecodedLine], work: PageWork) -> list[DecodedLine]:
    """``decoded`` (the lines of ``work.quads``) with each same-shaped letter boxed alone in the case its height
    among its column's keys shows."""
    singles = [i for i, d in enumerate(decoded) if len(d.chars) == 1 and d.chars[0].char.isascii()
               and d.chars[0].char.isalpha()]
    todo = [i for i in singles if decoded[i].chars[0].char in SAME_SHAPE]
    if not todo or work.vertical:
        return decoded
    refs = [i for i in singles if decoded[i].chars[0].confidence >= _SURE
            and decoded[i].chars[0].char in _SMALL | _TALL]
    if not refs:
        return decoded
    boxes = {i: quad_to_box(work.quads[i]) for i in todo + refs}
    heights: dict[int, float | None] = {}

    def height(i: int) -> float | None:
        if i not in heights:
            heights[i] = _glyph_height(work.gray, boxes[i])
        return heights[i]

    out = list(decoded)
    for i in todo:
        column = [j for j in refs if abs(_middle(boxes[j]) - _middle(boxes[i])) <= _COLUMN * (boxes[i][3] - boxes[i][1])]
        small = [h for j in column if decoded[j].chars[0].char in _SMALL and (h := height(j)) is not None]
        tall = [h for j in column if decoded[j].chars[0].char in _TALL and (h := height(j)) is not None]
        h = height(i) if small and tall else None
        if h is None:
            continue
        upper = _capital(h, float(np.median(small)), float(np.median(tall)))
        c = decoded[i].chars[0]
        if upper is not None and upper != c.char.isupper():
            out[i] = replace(decoded[i], chars=(replace(c, char=c.char.swapcase()),))
    return out


def _capital(h: float, x_height: float, tall: float) -> bool | None:
    """Whether a glyph ``h`` tall stands the capitals' height (False: the x-height), or None where the two are
    too close or the glyph is not clearly nearer one of them."""
    spread = tall - x_height
    if spread < _MIN_SPREAD * tall or not x_height - spread <= h <= tall + spread:
        return None
    to_small, to_tall = abs(h - x_height), abs(h - tall)
    if abs(to_small - to_tall) < _MARGIN * spread:
        return None
    return to_tall < to_small


def _middle(box: list[float]) -> float:
    return (box[0] + box[2]) / 2


def _glyph_height(gray: np.ndarray, box: list[float]) -> float | None:
    """The height of the largest ink piece centred in ``box`` and no wider than it, cut with room above and
    below (a key's box may end on its glyph's edges), or None."""
    x0, y0, x1, y1 = box
    room = _ROOM * (y1 - y0)
    top, left = max(0, int(round(y0 - room))), max(0, int(round(x0)))
    crop = gray[top : int(round(y1 + room)), left : int(round(x1))]
    if crop.size == 0:
        return None
    stats = LineInk(crop).pieces[2][1:]
    middle = stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT] / 2 + top
    stats = stats[(middle >= y0) & (middle <= y1) & (stats[:, cv2.CC_STAT_WIDTH] < crop.shape[1] - 1)]
    if not len(stats):
        return None
    return float(stats[np.argmax(stats[:, cv2.CC_STAT_AREA]), cv2.CC_STAT_HEIGHT])
