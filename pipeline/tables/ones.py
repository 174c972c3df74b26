"""Scans: an `l` (or `I`) read as `1` in a name, read again by the larger recognizer.

In a scanned typewriter face the page's recognizer reads many an `l` as `1`: `uti1-1inux`,
`/var/1og/sys1og`, `sources.1ist`, and a serif `I` too (`V:241, 1:266`). A reference manual's table is
mostly such names, one to a cell, and a cell with one wrong letter is a cell missed. The larger recognizer
(the page's second opinion) reads most of them right, but it reads again only the lines the first was unsure
of, and these are read with confidence. So each word with a `1` beside a Latin letter (or before a colon) is
read again from its piece of the page, and only the `1`s the larger recognizer reads as `l` or `I` change,
where both readings are alike in length and every other character: any other difference (a point for a
comma, a lost space) leaves the word as it was read.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from pipeline.tables.model import Token

SUSPECT = re.compile(r"[A-Za-z]1|1[A-Za-z]|1:")  # a 1 beside a letter, or a 1 before a colon (`I:266`)
PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right


def ones_read_again(tokens: list[Token], level: Callable[..., np.ndarray | None], read: Callable) -> list[Token]:
    """``tokens`` with the suspect words' `1`s that ``read`` (the larger recognizer) sees as `l` or `I` changed."""
    suspects = [k for k, t in enumerate(tokens) if SUSPECT.search(t.text)]
    crops, which = [], []
    for k in suspects:
        t = tokens[k]
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        if crop is not None:
            crops.append(crop)
            which.append(k)
    if not crops:
        return tokens
    out = list(tokens)
    for k, again in zip(which, read(crops)):
        text = _ones_changed(tokens[k].text, again.text.strip())
        if text != tokens[k].text:
            out[k] = Token(text, tokens[k].box, tokens[k].confidence)
    return out


def _ones_changed(first: str, again: str) -> str:
    if len(again) != len(first):
        return first
    if any(a != b and not (a == "1" and b in "lI") for a, b in zip(first, again)):
        return first
    return again
