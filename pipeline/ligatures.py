"""The i of an f-ligature (ﬁ, ﬃ) put back where the recognizer read only the f.

A ligature draws the f and the i after it as one glyph: the f's hook runs into the i and takes its
dot. The recognizer, trained mostly on separate letters, often reads that glyph as the f alone (``fle``
for file, ``fles``), though it still gives the lost i a clear share of its weight on the glyph's steps.
Where a plain f stands before another letter on a clean page the weight of i there is nil (at most 0.001
on the corpus's pages, against 0.17–0.43 on the ﬁ read short), so that weight is the evidence: the i is
written back after the f. Not after the first f of ff (the second takes the ligature's letter), nor
before a capital. The ﬂ's l is left: on a dark, blurred scan (l2tabu-p020) the model gives l up to 0.44
beside plain f's (``for``, ``effect``), as much as a lost one's (0.38), and i there up to 0.2.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine

_LOST = "i"
# The lost letter's weight on the f's steps and those up to the next character's, at least: a hundred
# times a plain f's on a clean page, under the 0.17 of the weakest ﬁ read short.
_MIN_WEIGHT = 0.15


def ligature_letters(line: DecodedLine, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with the i that ``probs`` (its class weights per step) weigh clearly after an f read
    before another small letter put back after that f."""
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
