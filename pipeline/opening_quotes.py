"""Opening quotes the recognizer lost to the word space before them, put back from the ink.

An opening quote sits at the start of a word, in the time steps the model spends on the word space,
and the space class takes them: ``‘kleenstar’`` comes out ``kleenstar’``. The quote's ink is still
there: a small mark above the line's middle, between the space and the word, that no character read
accounts for. Such a mark (one of them: ``'``, two side by side: ``"``) is written back before the
word; the page's quote style (pipeline/page_punctuation.py) then makes it curly or leaves it straight.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk

# In pixels of the 48-px crop the recognizer read.
_QUOTES = "'‘\"“"
_MIN_WEIGHT = 0.001  # of the quote classes, between the space and the letter
_MIN_TALL = 6  # taller than an i's dot
_TOP_SLACK = 4  # from the line's ascender line, where a quote's top sits
_REACH = 3  # a character's time steps may sit this far beside its ink
_PAIR_GAP = 6  # the two ticks of a double quote
_MAX_BEFORE_WORD = 48  # from the mark's right edge to the centre of the next character's steps
_MAX_GAP = 14  # from the mark's right edge to the word's first ink


def restore_opening_quotes(line: DecodedLine, line_ink: LineInk, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with a ``'`` or ``"`` before each word whose opening quote was read as (part of) the
    word space before it, as ``line_ink`` (of the grey image the model read) shows; ``probs`` are the
    line's class weights per step."""
    chars = line.chars
    quotes = [index[q] for q in _QUOTES if q in index]
    if line.steps < 1 or not quotes:
        return line
    # Only words of Latin letters (a Chinese line's dots and ticks are parts of its ideographs, the
    # top of a faint grey digit stands apart like a quote), where the model gave a quote some weight
    # between the space and the letter: a lost quote has it, nearly no other word start does.
    words = {i for i, c in enumerate(chars) if _latin_letter(c.char) and (i == 0 or chars[i - 1].char == " ")
             and probs[chars[i - 1].start if i else 0 : c.end + 1, quotes].max() >= _MIN_WEIGHT}
    if not words:
        return line
    height, width = line_ink.shape
    scale = width / line.steps
    ink = line_ink.ink
    count, _, stats, _ = line_ink.pieces
    tops, widths, heights = stats[1:, cv2.CC_STAT_TOP], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    # A quote hangs from the ascender line (capitals and tall letters), not lower: specks and dots do.
    tall = heights >= 0.4 * height
    if not tall.any():
        return line
    ascender = float(np.median(tops[tall]))
    # Above the line's middle, smaller than half the line, taller than a dot, taller than wide
    # (not a dash), not cut by the crop's top edge (a descender of the line above).
    sized = ((tops > 0) & (tops + heights < 0.55 * height) & (heights >= _MIN_TALL) & (heights < 0.45 * height)
             & (widths < 0.5 * height) & (heights > widths) & (np.abs(tops - ascender) <= _TOP_SLACK))
    marks = sorted(tuple(int(v) for v in stats[1 + k, :4]) for k in np.flatnonzero(sized))
    if not marks:
        return line
    columns = ink.any(axis=0)
    centres = [(c.start + c.end) / 2 * scale for c in chars]
    added: dict[int, tuple[DecodedChar, float]] = {}  # before which character, and the mark's right edge
    for left, top, w, h in marks:
        if any(c.char != " " and left - _REACH <= x <= left + w + _REACH for c, x in zip(chars, centres)):
            continue  # a character read there already
        # The word it opens: the first character right of the mark, after a space or at the line's start.
        nxt = next((i for i, x in enumerate(centres) if x > left + w and chars[i].char != " "), None)
        if nxt not in words or centres[nxt] - (left + w) > _MAX_BEFORE_WORD:
            continue
        # Nothing under it: an i's or j's dot has its stem below, a quote stands alone in its columns.
        if ink[top + h + 2 : int(0.8 * height), left : left + w].any(axis=0).mean() > 0.2:
            continue
        ahead = np.flatnonzero(columns[left + w + 1 : left + w + 1 + _MAX_GAP])
        if not len(ahead):
            continue
        if nxt in added:  # the second tick of a double quote
            first, right = added[nxt]
            if left - right <= _PAIR_GAP:
                added[nxt] = (replace(first, char='"'), left + w)
            continue
        step = int((left + w / 2) / scale)
        added[nxt] = (DecodedChar("'", 0.5, step, step + 1), left + w)
    if not added:
        return line
    out: list[DecodedChar] = []
    for i, c in enumerate(chars):
        if i in added:
            out.append(added[i][0])
        out.append(c)
    return DecodedLine(tuple(out), line.steps)


def _latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()
