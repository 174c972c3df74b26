"""Scans: a `1` whose ink is a bar over a dot, written `!`.

An operator table's cells hold marks alone, and the recognizer reads a lone `!` as `1`: without letters
beside it, it has only the upright stroke to go by, and it has seen far more 1s. The ink tells them apart: a
`!` is an upright stroke with a dot under it, a 1 one piece. Only a word made of 1s alone whose ink is such
strokes over dots, nothing else, is written anew. (A bare bar `|` read as `1` is left: a blurred serif 1
measures as bare as a bar, and only the line's own height could tell them.)
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from pipeline.tables.crop_ink import crop_ink
from pipeline.tables.model import Token
from pipeline.ink_pieces import ink_pieces

ONES = re.compile(r"1+")
PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right
MIN_STROKE = 8  # pixels: a stroke shorter than this is no mark to judge
STROKE_WIDTH = 0.4  # a `!`'s stroke is at most this wide for its height (it tapers)
DOT = 0.5  # a piece at most this share of the tallest stroke's height each way is a dot (or a speck)


def bangs(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """``tokens`` with each word of 1s whose ink is strokes over dots written as `!`s."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        if not ONES.fullmatch(t.text):
            continue
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        n = _bangs(crop) if crop is not None else 0
        if n:
            out[k] = Token("!" * n, t.box, t.confidence)
    return out


def _bangs(crop: np.ndarray) -> int:
    """How many `!` the crop's ink makes when it is strokes each over a dot and nothing else; 0 otherwise."""
    ink = crop_ink(crop)
    if ink is None:
        return 0
    ink = ink.astype(np.uint8)
    count, _, stats, _ = ink_pieces(ink)
    pieces = [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]
    tallest = max((h for _, _, _, h in pieces), default=0)
    if tallest < MIN_STROKE:
        return 0
    strokes = [p for p in pieces if p[3] >= 0.5 * tallest]
    dots = [p for p in pieces if max(p[2], p[3]) <= DOT * tallest]
    if any(p not in strokes and p not in dots for p in pieces):
        return 0  # a piece neither stroke nor dot: not marks alone
    for x, y, w, h in strokes:
        if w > STROKE_WIDTH * h or not any(d[1] >= y + h - 1 and d[0] < x + w and x < d[0] + d[2] and d[2] >= 2
                                           for d in dots):
            return 0
    return len(strokes)
