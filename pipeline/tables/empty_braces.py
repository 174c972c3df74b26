"""Scans: an empty brace pair (`{}`) in a typewriter face, read as `0` or `O`, told by its ink.

In a scanned typewriter face the two braces of `{}` stand close, and the recognizer reads the pair as one
round glyph, `0` or `O` (a LaTeX manual's table of defaults: `{}` in a dozen cells). A cell with a `0` for
`{}` is a cell missed, and the page's brace check (``pipeline.brace_shapes``) never sees it: it mends
parentheses, and there is none. The ink tells them apart: a `0` or `O` is one closed ring, `{}` two narrow
upright glyphs side by side, shaped as brackets, with the point at the middle that juts out on the outer side.
Only a word read as one such round character (or as a bracket pair) whose ink is exactly two bracket-shaped
glyphs, one of them pointed past any parenthesis, is rewritten.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from pipeline.brace_shapes import _LONE_JUT, _point
from pipeline.tables.crop_ink import crop_ink
from pipeline.tables.model import Token
from pipeline.ink_pieces import ink_pieces

# what a `{}` pair was read as: one round character, or two where one is a bracket (`O}`, `()`)
READ_AS = re.compile(r"[0Oo]|[({][)}0Oo]|[0Oo][)}]")
PAD_HEIGHTS = 0.5  # the crop reaches this many of the word's heights beyond its box left and right: a word
# box from the recognizer's time steps is one character wide, narrower than the pair's ink
MIN_PIECE = 0.25  # ink pieces smaller than this share of the word's height (each way) are specks


def empty_braces(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """``tokens`` with each word read as a round character, whose ink is a pair of braces, written `{}`."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        if not READ_AS.fullmatch(t.text) or t.text == "{}":
            continue
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        if crop is not None and _is_brace_pair(crop):
            out[k] = Token("{}", t.box, t.confidence)
    return out


def _is_brace_pair(crop: np.ndarray) -> bool:
    ink = crop_ink(crop)
    if ink is None:
        return False
    ink = ink.astype(np.uint8)
    n, labels, stats, _ = ink_pieces(ink)
    height = crop.shape[0]
    pieces = [k for k in range(1, n) if max(stats[k, 2], stats[k, 3]) >= MIN_PIECE * height]
    if len(pieces) != 2:
        return False
    left, right = sorted(pieces, key=lambda k: stats[k, 0])
    if stats[left, 0] + stats[left, 2] > stats[right, 0]:
        return False  # side by side, not one inside the other (the ring of an `O` with a speck)
    # only the two pieces: a speck touching neither must not be taken for a glyph
    only = np.where(np.isin(labels, (left, right)), labels, 0)
    # the line's height from the word's box, but at most twice the glyphs' own: a word's box may stand
    # well above and below its ink, and a brace is then too short and wide for the bracket shape
    tall = min(height, 2 * int(max(stats[left, 3], stats[right, 3])))
    juts = [_point(only, stats, tall, stats[k, 0] + stats[k, 2] / 2, k == right) for k in (left, right)]
    # both bracket-shaped, one pointed past any parenthesis (the scan blurs the other's point at times,
    # as the page's check finds of a lone brace)
    return None not in juts and max(juts) >= _LONE_JUT
