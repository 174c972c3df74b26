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

from pipeline.result import Line
from pipeline.tables.model import Token
from pipeline.tables.slivers import drop_slivers

_WORD = re.compile(r"[^ ]+")  # words as ``ctc.split_words`` makes them: runs between spaces


def drop_page_slivers(lines: list[Line]) -> list[Line]:
    """``lines`` less the words that are slivers of another line's glyph (upright pages' boxes)."""
    tokens = [[Token(w.text, tuple(w.box), w.confidence) for w in line.words] for line in lines]
    kept = {id(t) for t in drop_slivers(tokens)}
    out = []
    for line, toks in zip(lines, tokens):
        gone = {k for k, t in enumerate(toks) if id(t) not in kept}
        spans = [m.span() for m in _WORD.finditer(line.text)]
        if not gone or len(spans) != len(toks):
            out.append(line)
            continue
        if len(gone) == len(toks):
            continue
        text = " ".join(line.text[a:b] for k, (a, b) in enumerate(spans) if k not in gone)
        out.append(replace(line, text=text, words=[w for k, w in enumerate(line.words) if k not in gone]))
    return out
