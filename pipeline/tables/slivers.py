"""Scans: a glyph's edge read a second time by the OCR line beside it, left out of the table's words.

Cells set close together are cut by the detector into lines that meet at the next cell's first glyph:
the line of the cell before (or a line of its own) takes in a sliver of that glyph's ink, and the
recognizer reads the sliver as a character: `2` beside `2,969`, `中` beside `中文拼音输入法`, `月` (the
left half of `用`) beside `用于`. The table step then put the character into a cell twice (`2,969 2`,
`中中文拼音输入法`, `3 列出…`); the line after a cell may begin with a sliver of its last glyph
(`2270 0`). Such a token is one character in a box far narrower than a character, touching the start of
a word of another line that begins with that character, or with a Chinese character (whose box is about
as wide as it is tall: a sliver of it is read as anything, `月` for `用`, `3` for `列`), or touching the
end of a word of another line that ends with that character.
"""
from __future__ import annotations

import numpy as np

from pipeline.tables.model import Token
from pipeline.tables.words import is_cjk

SLIVER = 0.35  # a box at most this many of its heights wide holds no whole character but a narrow one
TOUCH = 0.2  # the sliver meets the word's start (or end) within this many of the word's heights


def drop_slivers(lines: list[list[Token]]) -> list[Token]:
    """The tokens of every line, less the slivers of another line's word read again."""
    flat = [(k, t) for k, line in enumerate(lines) for t in line]
    # A sliver is only ever read again from another line's token that is none (so none of those is ever
    # dropped): the slivers are checked against those, their boxes as arrays (pairs of tokens in Python cost
    # as much as the rest of the step's word work on a page of many one-character words).
    whole = [(k, t) for k, t in flat if not _sliver(t)]
    if not whole:
        return [t for _, t in flat]
    line = np.array([k for k, _ in whole])
    x0, y0, x1, y1 = np.array([t.box for _, t in whole], dtype=np.float64).T
    hgt, tol = y1 - y0, TOUCH * (y1 - y0)
    dropped: set[int] = set()
    for k, s in flat:
        if not _sliver(s):
            continue
        near = (line != k) & (np.minimum(s.box[3], y1) - np.maximum(s.box[1], y0) >= 0.5 * np.minimum(s.height, hgt)) \
            & ((x0 - tol <= s.box[2]) & (s.box[0] <= x0 + tol) | (x1 - tol <= s.box[0]) & (s.box[0] <= x1 + tol))
        if any(_read_again(s, whole[j][1]) for j in np.flatnonzero(near)):
            dropped.add(id(s))
    return [t for _, t in flat if id(t) not in dropped]


def _sliver(t: Token) -> bool:
    return len(t.text) == 1 and t.box[2] - t.box[0] <= SLIVER * t.height


def _read_again(s: Token, t: Token) -> bool:
    """``s`` is a sliver of ``t``'s first glyph (on ``t``'s line, at its start, read as that glyph or beside a
    Chinese one) or of its last (just after it, read as that glyph: `2270 0`, `cp p -a`)."""
    if _sliver(t) or min(s.box[3], t.box[3]) - max(s.box[1], t.box[1]) < 0.5 * min(s.height, t.height):
        return False
    tol = TOUCH * t.height
    at_start = t.box[0] - tol <= s.box[2] and s.box[0] <= t.box[0] + tol
    at_end = t.box[2] - tol <= s.box[0] <= t.box[2] + tol
    return at_start and (t.text[0] == s.text or is_cjk(t.text[0])) or at_end and t.text[-1] == s.text
