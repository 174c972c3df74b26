"""CJK angle brackets (〈说明〉) told from mathematical ones (⟨属级部分⟩) beside Chinese text, by their width.

Both are drawn as a V on its side, and the recognizer has only the CJK form (〈 〉): it reads both so,
or as parentheses that pipeline/math_angles.py then writes ⟨ ⟩ from their shape. What tells them apart
is the width of the ink in the line's em (the pitch of its Chinese characters): the CJK font's bracket
opens wide, the math font's (cmsy's \\langle) is a narrow, steep V. A document sets one or the other
throughout, and one glyph on a scan may blur into its neighbour, so the page's brackets decide together
(their median), and every angle bracket on its Chinese lines takes the form they show.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk, run_at
from pipeline.page_rereads import Crops, inks_of
from pipeline.punctuation import is_ideograph
from pipeline.spacing import line_em

_CJK, _MATH = "〈〉", "⟨⟩"
_ANGLES = set(_CJK + _MATH)
# The page's median ink width over the line's em. On the corpus's pages (clean and scanned) CJK
# brackets' medians are 0.28-0.34 (italic ones the narrowest), math ones' 0.17-0.24.
_CJK_WIDE = 0.26
# A bracket's ink found alone: narrower than this is a faint glyph the threshold lost (a grey ⟨ on a
# scan), wider is one run into its neighbour.
_MEASURABLE = (0.1, 0.5)
# ... and at least this share of the line's ink height (not a speck).
_TALL = 0.6
# The steps' centre at most this far (em) from the bracket's ink.
_NEAR = 0.25


def page_angle_widths(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """The page's angle brackets beside Chinese text written 〈〉 or ⟨⟩ as their measured widths show."""
    at = [i for i, d in enumerate(decoded)
          if any(c.char in _ANGLES for c in d.chars) and any(is_ideograph(c.char) for c in d.chars)]
    if not at or crops is None:
        return decoded
    widths = [w for i, ink in zip(at, inks_of(crops, at)) for w in _widths(decoded[i], ink)]
    if len(widths) < 2:
        return decoded
    forms = _CJK if float(np.median(widths)) >= _CJK_WIDE else _MATH
    out = list(decoded)
    for i in at:
        chars = tuple(replace(c, char=forms[c.char in "〉⟩"]) if c.char in _ANGLES else c for c in decoded[i].chars)
        if chars != decoded[i].chars:
            out[i] = replace(decoded[i], chars=chars)
    return out


def _widths(line: DecodedLine, ink: LineInk) -> list[float]:
    """The ink widths (in the line's em) of the line's angle brackets that stand apart from their
    neighbours; none where the line's em is not its Chinese characters' pitch."""
    columns, height = ink.columns
    runs = ink.runs
    if line.steps < 1 or height == 0 or not len(runs):
        return []
    centres = ink.centres(line.chars, line.steps)
    em, pitched = line_em(line.chars, centres, height)
    if not pitched:
        return []
    glyphs = [x for c, x in zip(line.chars, centres) if c.char != " "]
    out = []
    for c, x in zip(line.chars, centres):
        if c.char not in _ANGLES:
            continue
        start, end = run_at(runs, x)
        # Its own run (the model may fire a little beside the ink), holding no other glyph's centre.
        if max(start - x, x - end) > _NEAR * em or sum(start <= g < end for g in glyphs if g != x):
            continue
        rows = np.flatnonzero(ink.ink[:, start:end].any(axis=1))
        width = (end - start) / em
        if _MEASURABLE[0] <= width < _MEASURABLE[1] and rows[-1] - rows[0] + 1 >= _TALL * height:
            out.append(width)
    return out
