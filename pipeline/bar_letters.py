"""An l or I read as a vertical bar inside a word (``Too|s``, ``Defau|t``, ``|nsert``), told by its foot.

The converse of ``bar_pipes``: in blurred print the recognizer reads some ls and Is between letters as
``|``. A bar reaches below the baseline (it spans ascender to descender); an l or I stands on it. The
ink under the mark's time steps is followed down from the line's middle; where it ends on the baseline
of the letters about it, the mark is the letter the model weighs more of l and I. Blur often joins the
glyph to its neighbours, so the ink is measured by columns, not by pieces.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk

_ON_BASELINE = set("abcdehikmnorstuvwxzABCDEFGHIKLMNOPRSTUVWXYZ")
_MIN_ON_BASELINE = 3
_NEAREST = 3  # letters each side that give the baseline
_REACH = 1  # pixels beside a character's time steps
# The mark's foot may lie this share of the crop's height below the nearest letters' median foot (1.5 px
# of 48): a bar reaches below the baseline by a tenth of the letters' height and more (``bar_pipes``).
_FOOT = 0.03


def bar_letters(line: DecodedLine, line_ink: LineInk, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with its one ``|``, where it stands inside a word and its ink on the baseline, written as an l or I."""
    text = "".join(c.char for c in line.chars)
    if "|" not in text or line.steps < 1:
        return line
    # A line of several bars lists alternatives (``⟨true|false|auto⟩``), where a bar may barely pass the baseline.
    spots = [i for i, ch in enumerate(text) if ch == "|" and _in_word(text, i)] if text.count("|") == 1 else []
    if not spots:
        return line
    scale = line_ink.shape[1] / line.steps
    ink = line_ink.ink
    # Each letter's foot where it stands on the baseline; a line may slope, so the letters nearest the mark give it.
    feet = [(i, _foot(ink, c.start * scale, c.end * scale)) for i, c in enumerate(line.chars) if c.char in _ON_BASELINE]
    feet = [(i, f) for i, f in feet if f is not None]
    out = list(line.chars)
    for i in spots:
        c = line.chars[i]
        before = [f for j, f in feet if j < i][-_NEAREST:]
        after = [f for j, f in feet if j > i][:_NEAREST]
        foot = _foot(ink, c.start * scale, c.end * scale)
        if foot is None or len(before) + len(after) < _MIN_ON_BASELINE:
            continue
        # On it within the margin, not above it either (the time steps' columns then missed a thin glyph's ink).
        if abs(foot - float(np.median(before + after))) > _FOOT * line_ink.shape[0]:
            continue
        weights = {ch: float(probs[c.start : c.end + 1, index[ch]].max()) for ch in "lI" if ch in index}
        if text[i + 1 : i + 2].isupper() and not text[i - 1 : i].islower() and "I" in index:
            out[i] = replace(c, char="I", second="|")  # in capitals (|BAN, F|LE), an l starts no word (fu|lName)
        elif weights:
            letter = max(weights, key=weights.get)
            out[i] = replace(c, char=letter, second="|")
    return line if out == list(line.chars) else DecodedLine(tuple(out), line.steps)


def _in_word(text: str, i: int) -> bool:
    """A letter on both sides, or a word's start before two small letters (``|nsert``) or three capitals
    (``|BAN``: an all-caps word, whose bar can only be an I)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1 : i + 4]
    if before.isascii() and before.isalpha():
        return bool(after) and after[0].isascii() and after[0].isalpha()
    if before != " " or not (after[:2].isascii() and after[:2].isalpha()):
        return False
    return after[:2].islower() or (len(after) == 3 and after.isascii() and after.isalpha() and after.isupper())


def _foot(ink: np.ndarray, x0: float, x1: float) -> int | None:
    """The last row of the ink under columns ``x0``..``x1`` that runs on unbroken from the crop's middle
    (the line's own ink, not a speck or the next line's ascender below it)."""
    h = ink.shape[0]
    band = ink[:, max(0, int(x0) - _REACH) : int(np.ceil(x1)) + _REACH + 1]
    rows = band.sum(axis=1) > 0
    mid = h // 2
    near = np.flatnonzero(rows[mid - 4 : mid + 5])
    if not len(near):
        return None
    k = mid - 4 + int(near[0])
    while k + 1 < h and rows[k + 1]:
        k += 1
    return k
