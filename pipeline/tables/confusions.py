"""Scans: names with a character the page's recognizer confuses (`1` for `l`, `l` or `7` for `/`), read again
by the larger recognizer.

In a scanned typewriter face the page's recognizer reads many an `l` as `1` (`uti1-1inux`, `/var/1og/sys1og`,
`sources.1ist`), and a path's first slash as `l` or `7` (`letc/fstab`,
`7lib/`), its last as `l` (`/usr/share/docl`). A reference manual's table is mostly such names, one to a cell,
and a cell with one wrong character is a cell missed. The larger recognizer (the page's second opinion) reads
most of them right, but it reads again only the lines the first was unsure of, and these are read with
confidence. So each suspect word is read again from its piece of the page, and only the characters the larger
recognizer reads as the one they are confused with change, where both readings are alike in length and every
other character: any other difference (a point for a comma, a lost space) leaves the word as it was read.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from pipeline.tables.model import Token

# a 1 beside a letter (not before a colon: the larger recognizer reads a serif `I:` as `1:` too, so reading
# it again only costs); a path that starts with an l or a 7, or ends with an l (only there is a slash taken
# for them); a multiplication sign among Latin letters and digits (`×86_64`)
SUSPECT = re.compile(r"[A-Za-z]1|1[A-Za-z]|^[l7]\S*/|/\S*l$|×[0-9A-Za-z_]")
CONFUSED = {("1", "l"), ("1", "I"), ("×", "x")}  # (as first read, as it is), anywhere in the word
CONFUSED_AT_ENDS = {("l", "/"), ("7", "/")}  # only as the word's first or last character
PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right


def confusions_read_again(tokens: list[Token], level: Callable[..., np.ndarray | None], read: Callable) -> list[Token]:
    """``tokens`` with the suspect words' confused characters changed where ``read`` (the larger
    recognizer) reads them so."""
    crops, which = [], []
    for k, t in enumerate(tokens):
        if not SUSPECT.search(t.text):
            continue
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        if crop is not None:
            crops.append(crop)
            which.append(k)
    if not crops:
        return tokens
    out = list(tokens)
    for k, again in zip(which, read(crops)):
        text = _confusions_changed(tokens[k].text, again.text.strip())
        if text != tokens[k].text:
            out[k] = Token(text, tokens[k].box, tokens[k].confidence)
    return out


def _confusions_changed(first: str, again: str) -> str:
    if len(again) != len(first):
        return first
    last = len(first) - 1
    if any(a != b and (a, b) not in CONFUSED and not ((a, b) in CONFUSED_AT_ENDS and k in (0, last))
           for k, (a, b) in enumerate(zip(first, again))):
        return first
    return again
