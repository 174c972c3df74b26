"""Scans: a glyph's edge read a second time by the OCR line beside it, left out of the page's text.

Where two of the detector's lines meet inside a glyph (cells set close, a large initial beside its
line), one line's crop takes in a sliver of the other's first glyph and reads it as a character:
`2 2,969`, `中` beside `中文拼音输入法`, `S` after a logo beside `Sophisticated`. The table step leaves
such slivers out of its cells (``pipeline/tables/slivers.py``, whose test of a sliver this shares); the
page's lines had them still. A sliver is a word of its own in its line, so it goes without touching the
rest of the line; a line that was only a sliver goes whole.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from pipeline.result import Line
from pipeline.tables.model import Token
from pipeline.tables.slivers import SLIVER, TOUCH, drop_slivers

_WORD = re.compile(r"[^ ]+")  # words as ``ctc.split_words`` makes them: runs between spaces


def drop_page_slivers(lines: list[Line]) -> list[Line]:
    """``lines`` less the words that are slivers of another line's glyph (upright pages' boxes)."""
    tokens = [[Token(w.text, tuple(w.box), w.confidence) for w in line.words] for line in lines]
    gone_ids = _slivers(tokens)
    out = []
    for line, toks in zip(lines, tokens):
        gone = {k for k, t in enumerate(toks) if id(t) in gone_ids}
        spans = [m.span() for m in _WORD.finditer(line.text)]
        if not gone or len(spans) != len(toks):
            out.append(line)
            continue
        if len(gone) == len(toks):
            continue
        text = " ".join(line.text[a:b] for k, (a, b) in enumerate(spans) if k not in gone)
        out.append(replace(line, text=text, words=[w for k, w in enumerate(line.words) if k not in gone]))
    return out


def _slivers(tokens: list[list[Token]]) -> set[int]:
    """ids of the tokens that are slivers. Each narrow one-character token is judged against only the
    tokens that could touch it (on its rows, starting or ending within reach): a page has hundreds of
    narrow marks and a thousand words: every pair judged cost a noticeable share of the page's CPU."""
    flat = [(k, t) for k, line in enumerate(tokens) for t in line]
    if not flat:
        return set()
    box = np.array([t.box for _, t in flat], dtype=np.float64).reshape(-1, 4)
    reach = TOUCH * (box[:, 3] - box[:, 1])
    out = set()
    for k, s in flat:
        if len(s.text) != 1 or s.box[2] - s.box[0] > SLIVER * s.height:
            continue
        near = np.flatnonzero((box[:, 1] < s.box[3]) & (box[:, 3] > s.box[1]) & (box[:, 0] - reach <= s.box[2])
                              & (box[:, 2] + reach >= s.box[0]))
        group: dict[int, list[Token]] = {k: [s]}
        for n in near:
            j, t = flat[n]
            if t is not s:
                group.setdefault(j, []).append(t)
        if len(group) > 1 and all(t is not s for t in drop_slivers(list(group.values()))):
            out.add(id(s))
    return out
