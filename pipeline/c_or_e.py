"""An e the model also weighed as c, told from the glyph's ink: an e's bar closes its right side.

In a small bold serif header (``Description`` in the FHS tables, Times bold at 10 pt scanned at 200 DPI)
the model reads the c as an e with a sixth to a third of its weight on c, and the bar that makes an e
is not there. So for an e whose second is c (``DecodedChar.second``, kept by ``ctc`` only when the
model weighed c more than 0.1), the ink piece under its steps is measured: the
rows about its middle are crossed by the bar in an e, which joins the bowl on the right; a c is open
on the right there (its aperture) and closes no eye. Only an isolated piece is measured (not one run
into a neighbour), and only an e read so is made a c.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reread_chars


def glyph_ink(line: DecodedLine, ink: LineInk, k: int) -> np.ndarray | None:
    """The ink piece under character ``k`` (bool, cut to its box), or None when no isolated piece of
    a small letter's size lies there."""
    count, labels, stats, _ = ink.pieces
    h, w = ink.shape
    step = w / max(1, line.steps)
    c = line.chars[k]
    centre = (c.start + c.end) / 2 * step
    glyphs = [p for p in range(1, count) if stats[p, 3] < h - 2 and stats[p, 4] >= 6]
    if not glyphs:
        return None
    tallest = max(stats[p, 3] for p in glyphs)
    # Nearest among letter-sized pieces (a dot or a broken-off speck beside it is not the letter).
    letters = [p for p in glyphs if stats[p, 3] >= 9]
    if not letters:
        return None
    best = min(letters, key=lambda p: abs(stats[p, 0] + stats[p, 2] / 2 - centre))
    x, y, pw, ph, _ = stats[best]
    # A small letter: under the tallest glyphs' height, about as wide as tall, at least 9 px high, and
    # its centre within a step and a half of the character's.
    if abs(x + pw / 2 - centre) > 1.5 * step or ph < 9 or ph > 0.8 * tallest or not 0.6 <= pw / ph <= 1.3:
        return None
    return labels[y : y + ph, x : x + pw] == best


def c_or_e_shape(glyph: np.ndarray) -> str:
    """"c" when the glyph is open on the right from its middle down to its lower third and encloses no
    counter, else "" (left as read: an e read as c was not seen, so no rule makes one).
    Measured on the FHS headers' bold Times (13-14 px high): the misread c's have no ink in the right
    two fifths of rows 40-65 % and ink in under half the columns of rows 40-60 %; the e's bar fills
    most columns there (an e whose bar lies higher still closes its eye). A bold c's ball terminal
    hangs to about a third of its height, above these rows."""
    ph, pw = glyph.shape
    middle = glyph[int(ph * 0.4) : int(ph * 0.65) + 1]
    right = middle[:, int(pw * 0.6) :].any(axis=1).mean()  # rows with ink in the right part
    across = glyph[int(ph * 0.4) : int(ph * 0.6) + 1].any(axis=0).mean()  # columns with ink about the middle
    return "c" if right == 0 and across < 0.5 and not _encloses(glyph) else ""


def _encloses(glyph: np.ndarray) -> bool:
    """Whether the glyph closes a counter: background not reachable from outside its box (an e's eye)."""
    background = np.pad(~glyph, 1, constant_values=True).astype(np.uint8)
    count, _ = cv2.connectedComponents(background, connectivity=4)
    return count > 2


def c_or_e(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """The lines with each e the model also weighed as c made a c where its ink shows one (``crops``
    gives the images the lines were read from, by index)."""
    return reread_chars(decoded, crops, lambda line, k: _split(line.chars[k]), _c_from_ink, "e")


def _c_from_ink(line: DecodedLine, ink: LineInk, k: int):
    c = line.chars[k]
    glyph = glyph_ink(line, ink, k)
    letter = c_or_e_shape(glyph) if glyph is not None else ""
    return replace(c, char=letter, second=c.char) if letter and letter != c.char else None


def _split(c) -> bool:
    return c.char == "e" and c.second == "c"
