"""The i or l of an f-ligature (ﬁ, ﬂ, ﬃ, ﬄ) put back where the recognizer read only the f.

A ligature draws the f and the letter after it as one glyph: the f's hook runs into the i (whose dot
it takes) or over the l. The recognizer, trained mostly on separate letters, often reads that glyph
as the f alone (``fle`` for file, ``fexible``, ``baffing``), though it still gives the lost letter a
clear share of its weight on the glyph's steps. Where a plain f stands before another letter, the
weight of i or l there is nil (at most 0.001 on the corpus's pages, against 0.07–0.43 on the f-ligatures
read short), so that weight is the evidence: the letter is written back after the f. Not after the first
f of ff: the second takes the ligature's letter (an ff read in ``different`` gave i 0.06 there).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine

_LOST = "il"
# The lost letter's weight on the f's steps and those up to the next character's, at least: fifty times a
# plain f's, and under the 0.067 of ``frst`` (first).
_MIN_WEIGHT = 0.05


def ligature_letters(line: DecodedLine, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with the i or l that ``probs`` (its class weights per step) weigh clearly after an f
    read before another letter put back after that f."""
    chars = line.chars
    text = line.text
    # Before a small letter only: a capital's steps carry weight of its own look-alikes (pdfLATEX's L
    # gives l), and no ligature joins an f to a capital.
    spots = [i for i in range(len(chars) - 1) if text[i] == "f" and text[i + 1].isascii()
             and text[i + 1].islower() and text[i + 1] not in "if"]
    if not spots or any(ch not in index for ch in _LOST):
        return line
    out = list(chars)
    for i in reversed(spots):
        # The f's steps up to the next character's first: the model may place the lost letter's weight
        # on the step where it reads the next one (ﬁle read f, l).
        lo, hi = chars[i].start, max(chars[i].end, chars[i + 1].start + 1)
        weights = [(float(probs[lo:hi, index[ch]].max()), ch) for ch in _LOST if ch != text[i + 1]]
        weight, letter = max(weights)
        if weight < _MIN_WEIGHT:
            continue
        at = lo + int(np.argmax(probs[lo:hi, index[letter]]))
        out.insert(i + 1, replace(chars[i], char=letter, confidence=weight, start=at, end=at + 1))
    return line if len(out) == len(chars) else DecodedLine(tuple(out), line.steps)
