"""A straight apostrophe read as a curly one, told from the page's own commas.

In a scanned serif page that sets its apostrophes straight (``doesn't`` in Sphinx's Times), the
recognizer reads each as ``’`` with all its weight on it. The ink still shows which: a curly ``’``
is the face's comma raised, drawn along the same slant as the page's commas, while a straight
``'`` is an upright wedge. So where a page's sure commas lean clearly, the apostrophes read inside
a word are measured the same way (the slant of the ink piece under their steps), and those that
stand upright are made straight, when the page shows at least two of them and they are most of its
apostrophes (a page prints its apostrophes in one face; a heading's or a footer's one in another face
alone proves nothing). A page whose commas stand nearly upright themselves (a sans face) is left as read.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, inks_of, lines_with

_CURLY = "’"
# Slants (columns per row of the ink piece, weighted by its darkness). On the English scans (crops as
# read, 30-40 px lines): sure commas lean 0.13-0.31 in Computer Modern and Times, -0.39 in memoir's
# face, -0.08 and 0.04 in two sans faces; curly apostrophes lean within 0.1 of their page's commas
# but for a few lone ones in a footer's bold sans (0.01-0.13); Times' straight apostrophes
# -0.05..+0.05. A page's commas must lean at least _LEANING, an upright apostrophe at most _UPRIGHT and
# at most _SHARE of the commas' lean (a clean render's footer ’ measured 0.05 beside commas at 0.17).
_LEANING = 0.15
_UPRIGHT = 0.05
_SHARE = 0.25
# Sure commas measured before the page's slant is trusted, and upright apostrophes wanted on a page.
_MIN_COMMAS = 5
_MIN_UPRIGHT = 2
_SURE = 0.9
# Lines cut for their commas, at most (the candidates' own lines first).
_COMMA_LINES = 12


def straight_quotes(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """The lines with each ``’`` inside a word made ``'`` where the page's ink shows its apostrophes
    upright and its commas leaning (``crops`` gives the images the lines were read from, by index)."""
    quoted = lines_with(decoded, _apostrophe, _CURLY)
    if sum(_apostrophe(decoded[i], k) for i in quoted for k in range(len(decoded[i].chars))) < _MIN_UPRIGHT:
        return decoded
    with_commas = [i for i in lines_with(decoded, _sure_comma, ",") if i not in quoted]
    at = quoted + with_commas[: max(0, _COMMA_LINES - len(quoted))]
    commas: list[float] = []
    quotes: dict[tuple[int, int], float | None] = {}
    for i, ink in zip(at, inks_of(crops, at)):
        line = decoded[i]
        for k in range(len(line.chars)):
            if _sure_comma(line, k):
                s = mark_slant(line, ink, k, high=False)
                if s is not None:
                    commas.append(s)
            elif _apostrophe(line, k):
                quotes[(i, k)] = mark_slant(line, ink, k, high=True)
    lean = abs(float(np.median(commas))) if len(commas) >= _MIN_COMMAS else 0.0
    if lean < _LEANING:
        return decoded
    upright = [place for place, s in quotes.items() if s is not None and abs(s) <= min(_UPRIGHT, _SHARE * lean)]
    if len(upright) < _MIN_UPRIGHT or 2 * len(upright) < len(quotes):
        return decoded
    out = list(decoded)
    for i, k in upright:
        chars = list(out[i].chars)
        chars[k] = replace(chars[k], char="'")
        out[i] = replace(out[i], chars=tuple(chars))
    return out


def mark_slant(line: DecodedLine, ink: LineInk, k: int, high: bool) -> float | None:
    """How far the ink piece of the small mark at ``k`` leans: columns per row of its darkness-weighted
    ink (positive: its foot lies right of its head). ``high``: the mark sits in the line's upper part
    (an apostrophe), else in its lower part (a comma). None where no such piece lies under its steps."""
    _, labels, stats, _ = ink.pieces
    h = ink.shape[0]
    glyphs, band = ink.glyph_pieces()
    if not glyphs:
        return None
    mark = line.chars[k]
    p = ink.mark_piece(glyphs, 0.6 * band, mark.start, mark.end, line.steps,
                       keep=lambda p: (stats[p, 1] + stats[p, 3] < 0.6 * h) if high else (stats[p, 1] > 0.45 * h))
    if p is None:
        return None
    x, y, pw, ph = (int(v) for v in stats[p, :4])
    if ph < 4:  # too few rows to lean
        return None
    # Darkness above the Otsu level, on the piece's own pixels only (a neighbour's ink in the box is not it).
    own = labels[y : y + ph, x : x + pw] == p
    weight = np.clip(ink.level + 1 - ink.gray[y : y + ph, x : x + pw].astype(float), 0, None) * own
    total = weight.sum()
    if total <= 0:
        return None
    rows, cols = np.mgrid[0:ph, 0:pw].astype(float)
    dy = rows - (weight * rows).sum() / total
    dx = cols - (weight * cols).sum() / total
    spread = (weight * dy * dy).sum()
    return float((weight * dx * dy).sum() / spread) if spread > 0 else None


def _apostrophe(line: DecodedLine, k: int) -> bool:
    chars = line.chars
    return (0 < k < len(chars) - 1 and chars[k].char == _CURLY and _latin_letter(chars[k - 1].char)
            and _latin_letter(chars[k + 1].char))


def _sure_comma(line: DecodedLine, k: int) -> bool:
    """A comma read surely after a letter and before a space: the face's own comma, as printed in prose."""
    chars = line.chars
    return (0 < k < len(chars) - 1 and chars[k].char == "," and chars[k].confidence >= _SURE
            and chars[k - 1].char.isalpha() and chars[k + 1].char == " ")


def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x250
