"""Quotes the recognizer lost, put back from the ink: opening ones to the word space before them,
closing ones to the comma under them (``restore_closing_quotes``).

An opening quote sits at the start of a word, in the time steps the model spends on the word space,
and the space class takes them: ``‘kleenstar’`` comes out ``kleenstar’``. The quote's ink is still
there: a small mark above the line's middle, between the space and the word, that no character read
accounts for. Such a mark (one of them: ``'``, two side by side: ``"``) is written back before the
word; the page's quote style (pipeline/page_punctuation.py) then makes it curly or leaves it straight.
"""
from __future__ import annotations

import re
from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.medians import percentile

# In pixels of the 48-px crop the recognizer read.
_QUOTES = "'‘\"“"
_CLOSING = "'’\"”"
_LOW = ",. "  # marks at the baseline: a comma or point under a closing quote
_AFTER = ",.;:)"  # what may follow a closing quote (not ? or !: their hook stands above the line's middle)
# A Latin word's first letter (at the line's start or after a space), and a Latin word's last letter or digit
# with a space, punctuation or nothing after it (a quote read already there, or a letter, is no place for a
# lost closing quote).
_WORD_START = re.compile("(?<![^ ])[A-Za-z]")
_WORD_END = re.compile(f"[A-Za-z0-9](?=[ {re.escape(_AFTER)}]|\\Z)")
_MIN_WEIGHT = 0.001  # of the quote classes, between the space and the letter
# … and between a word's last letter and what follows it: a lost closing quote's steps are the comma's,
# and the model gives the quote a clear share of them; a scan's broken-off stroke beside a
# letter (a C's beak) gets a trace.
_MIN_CLOSING_WEIGHT = 0.01
_MIN_TALL = 6  # taller than an i's dot
_TOP_SLACK = 4  # from the line's ascender line, where a quote's top sits
_ASCENDERS = 20  # percentile of the tall pieces' tops taken as the ascender line
_REACH = 3  # a character's time steps may sit this far beside its ink
_PAIR_GAP = 6  # the two ticks of a double quote
_MAX_BEFORE_WORD = 48  # from the mark's right edge to the centre of the next character's steps
_MAX_GAP = 14  # from the mark's right edge to the word's first ink
_CLOSE_GAP = 7  # from the word's last ink to a closing quote's left edge


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
    starts = [m.start() for m in _WORD_START.finditer(line.text)]
    if not starts:
        return line
    weight = probs[:, quotes].max(axis=1)
    words = {i for i in starts if weight[chars[i - 1].start if i else 0 : chars[i].end + 1].max() >= _MIN_WEIGHT}
    if not words:
        return line
    height, width = line_ink.shape
    scale = width / line.steps
    ink = line_ink.ink
    marks = _high_marks(line_ink)
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
        _tick(added, nxt, left, w, scale)
    return _with_marks(line, added, before=True)


def restore_closing_quotes(line: DecodedLine, line_ink: LineInk, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with a ``'`` or ``"`` after each word whose closing quote the recognizer lost, as
    ``line_ink`` shows: a quote hangs above the comma or point that follows it (``‘uli’,``), and the
    model reads the comma at those steps and the quote not at all. Such a mark, right after a word's
    last letter or digit, with nothing after it but a space, punctuation or the line's end, no
    character but a low mark read at its place, and a clear share of weight for a quote class there, is
    written back after the word (made curly or left straight by the page, as the opening ones)."""
    chars = line.chars
    quotes = [index[q] for q in _CLOSING if q in index]
    if line.steps < 1 or not quotes:
        return line
    # Word ends where the model gave a quote a clear share between the last letter and what follows
    # (asked first: it costs no look at the ink, and most lines have none).
    weight = probs[:, quotes].max(axis=1)
    ends = {i for i in (m.start() for m in _WORD_END.finditer(line.text)) if weight[
        chars[i].start : chars[i + 1].end + 1 if i + 1 < len(chars) else line.steps].max() >= _MIN_CLOSING_WEIGHT}
    if not ends:
        return line
    height, width = line_ink.shape
    scale = width / line.steps
    ink = line_ink.ink
    marks = _high_marks(line_ink)
    if not marks:
        return line
    # The columns of the letters' ink: a quote hugs a word, not another quote's tick.
    letters = ink.copy()
    for left, top, w, h in marks:
        letters[top : top + h, left : left + w] = 0
    columns = letters.any(axis=0)
    centres = [(c.start + c.end) / 2 * scale for c in chars]
    added: dict[int, tuple[DecodedChar, float]] = {}  # after which character, and the mark's right edge
    for left, top, w, h in marks:
        near = [i for i, x in enumerate(centres) if left - _REACH <= x <= left + w + _REACH and chars[i].char not in _LOW]
        # Read already, unless by the word's last letter, whose steps may lag onto the quote beside it
        # (a digit there may be the mark itself: a raised footnote number).
        if len(near) > 1 or (near and not chars[near[0]].char.isalpha()):
            continue
        # The word it closes: that letter, or the last character left of the mark.
        prev = near[0] if near else next((i for i in range(len(chars) - 1, -1, -1)
                                          if centres[i] < left and chars[i].char not in _LOW), None)
        if prev not in ends or left - centres[prev] > _MAX_BEFORE_WORD:
            continue
        # A quote read after the word space is this mark, its steps lagging past it.
        after = next((c.char for c in chars[prev + 1 :] if c.char != " "), "")
        if after in _CLOSING + _QUOTES:
            continue
        # Hugging the word's last ink: an opening quote left unread stands a word space off.
        if not columns[max(0, left - _CLOSE_GAP) : left].any():
            continue
        # Nothing under it down to the line's middle: an i's dot or an accent has its letter there.
        if ink[top + h + 2 : int(0.6 * height), left : left + w].any(axis=0).mean() > 0.2:
            continue
        _tick(added, prev, left, w, scale)
    return _with_marks(line, added, before=False)


def _tick(added: dict[int, tuple[DecodedChar, float]], at: int, left: int, w: int, scale: float) -> None:
    """Note a quote's mark (``left``, width ``w``) beside character ``at``; a second tick right after the
    first there makes it a double quote."""
    if at in added:
        first, right = added[at]
        if left - right <= _PAIR_GAP:
            added[at] = (replace(first, char='"'), left + w)
        return
    step = int((left + w / 2) / scale)
    added[at] = (DecodedChar("'", 0.5, step, step + 1), left + w)


def _with_marks(line: DecodedLine, added: dict[int, tuple[DecodedChar, float]], before: bool) -> DecodedLine:
    """``line`` with each noted quote set before (opening) or after (closing) its character."""
    if not added:
        return line
    out: list[DecodedChar] = []
    for i, c in enumerate(line.chars):
        if before and i in added:
            out.append(added[i][0])
        out.append(c)
        if not before and i in added:
            out.append(added[i][0])
    return DecodedLine(tuple(out), line.steps)


def _high_marks(line_ink: LineInk) -> list[tuple[int, int, int, int]]:
    """The line's small marks hanging from its ascender line (left, top, width, height), left to right."""
    height = line_ink.shape[0]
    stats = line_ink.pieces[2]
    tops, widths, heights = stats[1:, cv2.CC_STAT_TOP], stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    # A quote hangs from the ascender line (capitals and tall letters), not lower: specks and dots do.
    # Small letters reach 0.4 of a loosely cut line too, and on a line of mostly small letters the
    # median top is theirs; the tall letters are a fifth of them or more. Pieces cut by the crop's top
    # are the line above.
    tall = (heights >= 0.4 * height) & (tops > 0)
    if not tall.any():
        return []
    ascender = percentile(tops[tall], _ASCENDERS)
    # Above the line's middle, smaller than half the line, taller than a dot, taller than wide
    # (not a dash), not cut by the crop's top edge (a descender of the line above).
    sized = ((tops > 0) & (tops + heights < 0.55 * height) & (heights >= _MIN_TALL) & (heights < 0.45 * height)
             & (widths < 0.5 * height) & (heights > widths) & (np.abs(tops - ascender) <= _TOP_SLACK))
    return sorted(tuple(int(v) for v in stats[1 + k, :4]) for k in np.flatnonzero(sized))
