"""Small capitals written as the lower-case letters they stand for.

Small caps (``\\textsc{PostScript}``, author names in references) draw lower-case letters as capitals
of x-height; a document's text holds them lower case, and the recognizer reads them as capitals:
``PosTSCRIPT``, ``DALY``. A capital inside a word whose ink stands on the baseline and reaches only
the x-height line, where the capitals that start the line's words reach the cap line, is written
lower case. A capital lowered below the baseline (the E of the TeX logo) is not a small cap.
On a Chinese line the Latin words are told the same way, each Latin run (between Chinese characters and
marks) by its own letters' guides, as a run may be set in a face of its own (typewriter, a logo's); an
ideograph is no letter of a word (a capital right after one starts a word).
"""
from __future__ import annotations

import re
from dataclasses import replace
from statistics import median

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punct_widths import component_at
from pipeline.punctuation import has_ideograph, is_cjk, is_ideograph

_SHORT = set("acemnorsuvwxz")
# In pixels of the 48-px crop the recognizer read.
_MIN_SPLIT = 4  # cap line to x-height line, at the least, for the two to be told apart
_BASE_SLACK = 2  # a small cap stands on the baseline
_REACH = 2  # a character's time steps may sit this far beside its ink
_GLYPH = 0.2  # half a glyph's width, in line heights
_NEAR = 20  # characters either side whose glyphs may give the guides
_GUIDES = 5  # of each kind, the nearest
# A small cap's top lies nearer the x-height line than the cap line (about two thirds of the way).
_SMALL = 0.45
# On a Chinese line the crop is the ideographs' height, the Latin letters in it smaller and a pixel of
# blur a larger share of their heights: a small cap there reaches the x-height line all but, and its run
# gives fewer guides.
_SMALL_MIXED = 0.7
_SHORT_MIXED = 2


def lower_small_caps(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with capitals that ``line_ink`` (of the grey image the model read) shows as small caps in
    lower case."""
    chars = line.chars
    text = line.text
    if line.steps < 1 or not re.search("[A-Z]", text):
        return line
    inside = [i for i in range(1, len(chars)) if _capital(chars[i].char) and _letter(chars[i - 1].char)]
    if not inside:
        return line
    # Not in TeX's logos (their text keeps the capitals: LaTeX's raised A, BibTeX's small BIB), which
    # end at an ideograph (使用TeX排版).
    latin = "".join(" " if is_ideograph(ch) else ch for ch in text)
    logos = [range(m.start(), m.end()) for m in re.finditer(r"[^\W\d_]*te[xX][^\W\d_]*", latin, re.IGNORECASE)]
    inside = [i for i in inside if not any(i in r for r in logos)]
    if not inside:
        return line
    # The line's guides near each glyph (a scanned line drifts a pixel or two along its length): the
    # nearest x-height letters, and the capitals that start words (ascenders rise above the cap line
    # in many faces). Chosen from the text first, so that only their glyphs are measured.
    mixed = has_ideograph(text)
    run = np.cumsum([is_cjk(c.char) for c in chars])  # a Latin run's characters share a count
    guides = {}
    for i in inside:
        near = sorted((j for j in range(max(0, i - _NEAR), min(len(chars), i + _NEAR + 1)) if run[j] == run[i]),
                      key=lambda j: abs(j - i))
        short = [j for j in near if chars[j].char in _SHORT][:_GUIDES]
        tall = [j for j in near if _capital(chars[j].char) and (j == 0 or not _letter(chars[j - 1].char))][:_GUIDES]
        if len(short) >= (_SHORT_MIXED if mixed else 3) and tall:
            guides[i] = (short, tall)
    if not guides:
        return line
    scale = line_ink.shape[1] / line.steps
    half = int(_GLYPH * line_ink.shape[0])
    # Only the stretch of the line that holds the glyphs to measure.
    needed = [j for i, (short, tall) in guides.items() for j in (i, *short, *tall)]
    x0 = max(0, int(min(chars[j].start for j in needed) * scale) - 2 * half)
    x1 = int(max(chars[j].end for j in needed) * scale) + 2 * half
    ink = line_ink.ink
    _, labels = cv2.connectedComponents(np.ascontiguousarray(ink[:, x0:x1]), connectivity=8)
    boxes: dict[int, tuple[int, int] | None] = {}

    def box(i: int) -> tuple[int, int] | None:
        """The glyph's rows: the ink component that fills most of a narrow band at its time steps,
        within a glyph's width of them (a band through a U's middle holds only its bowl; small caps
        set tight join their neighbours, and a capital may touch the small cap after it)."""
        if i not in boxes:
            x = int((chars[i].start + chars[i].end) / 2 * scale) - x0
            k = component_at(labels, x, _REACH)
            boxes[i] = None
            if k:
                rows = np.flatnonzero((labels[:, max(0, x - half) : x + half + 1] == k).any(axis=1))
                boxes[i] = (int(rows[0]), int(rows[-1]) + 1)
        return boxes[i]

    small = set()
    for i, (short_at, tall_at) in guides.items():
        own = box(i)
        short = [b for b in map(box, short_at) if b]
        tall = [b for b in map(box, tall_at) if b]
        if own is None or len(short) < (_SHORT_MIXED if mixed else 3) or not tall:
            continue
        x_line, baseline = float(median(t for t, _ in short)), float(median(b for _, b in short))
        cap_line = float(median(t for t, _ in tall))
        top, bottom = own
        if (x_line - cap_line >= _MIN_SPLIT and abs(bottom - baseline) <= _BASE_SLACK
                and top - cap_line > (_SMALL_MIXED if mixed else _SMALL) * (x_line - cap_line)):
            small.add(i)
    # One glyph measured small among capitals is more likely a misplaced measure (a colon's, a
    # neighbour's) than a small cap: small caps come in runs, or after letters read lower case.
    lowered = [replace(c, char=c.char.lower()) if i in small and (
        {i - 1, i + 1} & small or chars[i - 1].char.islower()) else c for i, c in enumerate(chars)]
    return DecodedLine(tuple(lowered), line.steps) if lowered != list(chars) else line


def _capital(ch: str) -> bool:
    return ch.isascii() and ch.isupper()


def _letter(ch: str) -> bool:
    """A letter of a Latin word (an ideograph counts as a letter to ``str.isalpha``)."""
    return ch.isalpha() and not is_ideograph(ch)
