"""Scans: a quoted cell's opening quote the recognizer lost (`‘x’` read `x’`), put back from the ink.

A short quoted item alone in a cell (a marker code `‘x’`, an option `'end'`) is a line of its own, and the
recognizer, which has seen few lines open with a quote, often drops the opening one and keeps the closing
one. The page's own repair of lost opening quotes (pipeline/opening_quotes.py) measures a mark against
the line's ascenders, which a one-letter line in a typewriter face does not have. The word itself shows
the quote, though: its closing quote is a small mark hanging at the top of its ink, and a lost opening one
is the same small mark at its left end, with nothing under it, that no character read accounts for. Where
both ends show such marks, hanging at the same height, the opening quote that matches the closing one is
written back. Only Latin words: in Chinese a stroke at a character's left edge may be as small.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.tables.crop_ink import crop_ink
from pipeline.tables.model import Token
from pipeline.tables.phrases import GUTTER
from pipeline.ink_pieces import ink_pieces

OPENING = {"’": "‘", "”": "“", "'": "'", '"': '"'}  # the closing quote read, the opening one it pairs with
QUOTES = "‘’“”'\"`"
HIGH_MARKS = QUOTES + "^*°~"  # a first character that is itself a small high mark accounts for one
MARK = 0.45  # a quote's ink is at most this share of the word's ink height tall
HANGS = 0.55  # and ends above this share of it, from its top
SAME_TOP = 0.35  # the two quotes' tops differ by at most this share (an opening quote's thin tail fades on a scan)
PAD = 0.15  # the crop reaches this share of the word's height beyond its box on the right
# and this on the left: a word's box is cut from the steps of the characters read, and the lost quote's
# steps went to no character, so its ink lies beside the box (not past the word before it)
REACH_LEFT = 0.8


def lost_opening_quotes(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """``tokens`` with the opening quote written back before each Latin word that ends in a closing quote,
    opens with none, and shows one in its ink."""
    out = []
    for t in tokens:
        opener = _lost_opener(t.text)
        if opener is not None:
            # only a word that opens its cell (no word on its line a gutter or less before it): inside a
            # line the page's own repair has the word space and the line's ascenders to go by
            before = [u.box[2] for u in tokens if u is not t and u.box[0] < t.box[0]
                      and min(t.box[3], u.box[3]) - max(t.box[1], u.box[1]) > 0.5 * min(t.height, u.height)]
            crop = None if any(t.box[0] - x < GUTTER * t.height for x in before) else \
                level(max([t.box[0] - REACH_LEFT * t.height, *before]), t.box[1], t.box[2] + PAD * t.height, t.box[3])
            if crop is not None and _quoted_ink(crop):
                t = Token(opener + t.text, t.box, t.confidence)
        out.append(t)
    return out


def _lost_opener(text: str) -> str | None:
    """The opening quote ``text`` lacks: it ends in a closing quote, holds no other quote and no character
    beyond Latin-1, and does not start with a small high mark of its own."""
    if len(text) < 2 or text[-1] not in OPENING or text[0] in HIGH_MARKS:
        return None
    if any(ch in QUOTES for ch in text[:-1]) or any(ord(ch) > 0xFF for ch in text[:-1]):
        return None
    return OPENING[text[-1]]


def _quoted_ink(crop: np.ndarray) -> bool:
    """Whether the crop's leftmost and rightmost ink pieces are both quote marks: small, hanging from the
    top of the word's ink at the same height, nothing under them."""
    ink = crop_ink(crop)
    if ink is None:
        return False
    ink = ink.astype(np.uint8)
    n, _, stats, _ = ink_pieces(ink)
    ch = crop.shape[0]
    # pieces: not specks, not cut by the crop's top or foot (the lines above and below) nor by its left edge
    # (a letter of the word before, its hook reaching past its box)
    pieces = [tuple(int(v) for v in stats[k, :4]) for k in range(1, n)
              if max(stats[k, 2], stats[k, 3]) >= 3 and stats[k, 1] > 0 and stats[k, 1] + stats[k, 3] < ch
              and stats[k, 0] > 0]
    if len(pieces) < 3:
        return False
    top = min(y for _, y, _, _ in pieces)
    height = max(y + h for _, y, _, h in pieces) - top
    if height < 8:
        return False
    left = min(pieces, key=lambda p: p[0])
    right = max(pieces, key=lambda p: p[0] + p[2])
    return left is not right and all(_mark(p, pieces, top, height) for p in (left, right)) \
        and abs(left[1] - right[1]) <= SAME_TOP * height


def _mark(p: tuple[int, int, int, int], pieces: list[tuple[int, int, int, int]], top: int, height: int) -> bool:
    x, y, w, h = p
    if h > MARK * height or y + h - top > HANGS * height or w > MARK * height:
        return False
    # nothing under it in its columns: an i's dot or an accent has its letter there
    return not any(q is not p and q[1] >= y + h and q[0] < x + w and x < q[0] + q[2] for q in pieces)
