"""The word space after an ASCII comma, semicolon or colon between Latin words on a Chinese line.

A list of names in Latin text on a Chinese line (etex, latex, pdftex; getafm, psmerge) keeps a
word space after each comma, as a label does after its colon (Version: ImageMagick), which the
model often does not read. The blank around the mark's ink tells, in ems of the line (the pitch
of its Chinese characters), measured from the ink as pipeline/punct_widths.py measures a
separator's cell: an ASCII mark hugs the glyph before it (under 0.21 em) and a word space leaves
0.36 to 0.65 em after it; a comma set solid in code ((3cm,4cm)) or a full-width one compressed to
half its cell (fontset=windows，adobefonts) leaves under 0.3; a full-width one read ASCII most of
an em cell, which is no word space; a monospace face's colon sits in the middle of its cell
(key:value), 0.3 em from the glyph before it. The time steps' centres do not tell: a mark's step
may sit in the blank after it.
"""
from __future__ import annotations

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk, run_at
from pipeline.punct_widths import chinese_line_ink
from pipeline.spacing import spaces_after

WORD_SPACE = (0.36, 0.65)
HUG = 0.21
_MARKS = set(",;:")
# What a Latin word or item ends with before the mark, and starts with after it.
_ENDS = set(")]}…*'\"’”")
_STARTS = set("([{…\\")


def list_comma_spaces(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with a space after each ASCII comma, semicolon or colon between Latin text that
    hugs the glyph before it and a word space follows in ``line_ink`` (the crop the model read)."""
    chars = line.chars
    marks = [i for i in range(1, len(chars) - 1) if chars[i].char in _MARKS
             and _latin_end(chars[i - 1].char) and _latin_start(chars[i + 1].char)]
    measured = chinese_line_ink(line, line_ink) if marks else None
    if measured is None:
        return line
    runs, centres, em, _, ink = measured
    spaced = set()
    for i in marks:
        start, end = run_at(runs, centres[i])
        left, right = ink[ink < start], ink[ink >= end]
        if len(left) and len(right) and (start - left[-1] - 1) / em < HUG \
                and WORD_SPACE[0] <= (right[0] - end) / em < WORD_SPACE[1]:
            spaced.add(i)
    return spaces_after(line, spaced)


def _latin_end(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or ch in _ENDS


def _latin_start(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or ch in _STARTS
