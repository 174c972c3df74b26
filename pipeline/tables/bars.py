"""Scans: a word of `1`s whose ink is bare bars (`||`, `|`) or a bar over a dot (`!`), written as they are.

An operator table's cells hold marks alone, and the recognizer reads a lone `|` or `!` as `1` (`||` as `11`):
without letters beside it, it has only the upright stroke to go by, and it has seen far more 1s. The ink
tells them apart: a 1 shows a flag at its top left or a foot (``pipeline.page_glyphs.glyph_picture``'s
measures), a `|` is a bare bar, a `!` a bar with a dot under it. Only a word
made of 1s alone whose every glyph is tall enough to judge and a bar or a `!` is written anew.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import cv2
import numpy as np

from pipeline.bar_ones import _MAX_WIDTH, _MIN_HEIGHT
from pipeline.page_glyphs import glyph_picture
from pipeline.tables.model import Token

ONES = re.compile(r"1+")
PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right
MIN_BANG = 8  # pixels: a glyph shorter than this is no mark to judge
BANG_WIDTH = 0.4  # a `!`'s stroke is at most this wide for its height (it tapers, so wider than a bar's)
DOT = 0.5  # a piece at most this share of the tallest glyph's height each way is a dot (or a speck)
# A bar shows at most this much ink beside its stem at its top and at its foot (glyph_picture's measures):
# above a scanned bar's blur, well below a 1's flag or foot (pipeline.bar_ones, which tells an l by the page's
# own 1s, keeps closer to the stem; here no letter is in question, only a mark)
MAX_SIDE = 0.2


def bars_and_bangs(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """``tokens`` with each word of 1s whose glyphs are all bars (or bars over dots) written as `|` (or `!`)."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        if not ONES.fullmatch(t.text):
            continue
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        text = _marks(crop) if crop is not None else None
        if text is not None:
            out[k] = Token(text, t.box, t.confidence)
    return out


def _marks(crop: np.ndarray) -> str | None:
    """The marks the crop's ink makes, left to right, when every glyph is a bar or a `!` (as many as the ink
    holds: the recognizer may read two bars as one 1); None otherwise."""
    paper, dark = float(np.percentile(crop, 95)), float(crop.min())
    if paper - dark < 60:
        return None
    ink = (crop < paper - (paper - dark) / 3).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    pieces = [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]
    tallest = max((h for _, _, _, h in pieces), default=0)
    if tallest < MIN_BANG:
        return None
    glyphs = sorted((p for p in pieces if p[3] >= 0.5 * tallest), key=lambda p: p[0])
    dots = [p for p in pieces if max(p[2], p[3]) <= DOT * tallest]
    if any(p not in glyphs and p not in dots for p in pieces):
        return None  # a piece neither glyph nor dot: not marks alone
    text = ""
    for x, y, w, h in glyphs:
        if any(d[1] >= y + h - 1 and d[0] < x + w and x < d[0] + d[2] and d[2] >= 2 for d in dots):
            if w > BANG_WIDTH * h:
                return None
            text += "!"  # its dot decides it, short as a `!` may be
            continue
        m = glyph_picture(crop, (x, y, w, h)) if h >= _MIN_HEIGHT else None
        if m is None or m[0] > _MAX_WIDTH or max(m[1:5]) > MAX_SIDE:
            return None  # too small to judge, or a flag or a foot: a 1 as read
        text += "|"
    return text
