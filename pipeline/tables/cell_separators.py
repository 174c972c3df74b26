"""Scans: a separator ending a cell (`升级操作是否备份,`) read full-width on a page that sets its separators ASCII.

The page's reading tells `,` from `，` by the blank after the mark (pipeline/punct_widths.py): an ASCII one
is followed by a word space, a full-width one by the rest of its em. At a line's end there is no blank to
measure and the recognizer's `，` stands; in a table each cell's text ends a line. Where the page's lines
set every separator after a Chinese character within a line ASCII (two at least, none full-width), a
cell's last separator after a Chinese character is made ASCII too: a page keeps to one way of typing them.
"""
from __future__ import annotations

from pipeline.punctuation import is_ideograph
from pipeline.result import Line
from pipeline.tables.model import Token

SEPARATORS = {"，": ",", "：": ":", "；": ";"}
MIN_SEEN = 2  # ASCII separators within lines that show the page's way (one could be a misreading)


def _sets_ascii(lines: list[Line]) -> bool:
    ascii_seen = full_seen = 0
    for line in lines:
        text = line.text.rstrip()
        for k in range(1, len(text) - 1):  # within the line: its last mark had no blank after it to measure
            if is_ideograph(text[k - 1]):
                full_seen += text[k] in SEPARATORS
                ascii_seen += text[k] in SEPARATORS.values()
    return full_seen == 0 and ascii_seen >= MIN_SEEN


def cell_end_separators(tokens: list[Token], lines: list[Line]) -> list[Token]:
    """``tokens`` with a last full-width separator after a Chinese character made ASCII where the page
    sets its separators ASCII."""
    if not _sets_ascii(lines):
        return tokens
    out = []
    for t in tokens:
        if len(t.text) >= 2 and t.text[-1] in SEPARATORS and is_ideograph(t.text[-2]):
            t = Token(t.text[:-1] + SEPARATORS[t.text[-1]], t.box, t.confidence)
        out.append(t)
    return out
