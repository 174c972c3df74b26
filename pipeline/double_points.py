"""One point read twice between two characters of a word (``v1.x`` read ``v1..x``), told by its ink.

The recognizers now and then emit a point on two time steps with a blank between, most where the next glyph's
foot reaches toward the point (an italic x's serif): the point's ink, then the foot's, each fire it. Two points
read set solid inside a word are told from one by their ink: on the crop the line was read from, between the
two characters about them, each point is a mark on the baseline with no ink over it, paper before it. A second
point has its own paper before it; a foot joined to the point has none. Where only one such mark is found, the
second point is dropped. Lines without such a reading are not measured.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.drawn_underscores import x_band
from pipeline.page_rereads import Crops, inks_of, lines_with
from pipeline.point_commas import line_ink

# A mark's columns, as drawn_underscores measures them: ink (a share of the crop's dark ink) at least ``_LOW`` from
# ``_LOW_TOP`` of the x-height over the baseline to ``_BELOW`` under it, and at most ``_HIGH`` above them up to
# ``_ASCENT`` x-heights over the x-band (a glyph's stem or bowl).
_LOW, _HIGH = 0.25, 0.25
_LOW_TOP, _BELOW, _ASCENT = 0.4, 0.3, 0.8


def double_points(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with a point read twice inside a word, whose ink is one mark, read once."""
    at = lines_with(decoded, _candidate, "..")
    out = list(decoded)
    for i, ink in zip(at, inks_of(crops, at)):
        line = decoded[i]
        shares = line_ink(ink.gray)
        if shares is None:
            continue
        drop = {k + 1 for k in range(len(line.chars)) if _candidate(line, k) and _one_point(shares, line, k)}
        if drop:
            read = line.read
            if read is not None and len(read) == len(line.chars):
                read = tuple(r for j, r in enumerate(read) if j not in drop)
            out[i] = replace(line, chars=tuple(c for j, c in enumerate(line.chars) if j not in drop), read=read)
    return out


def _candidate(line: DecodedLine, k: int) -> bool:
    chars = line.chars
    return (0 < k < len(chars) - 2 and chars[k].char == "." and chars[k + 1].char == "."
            and chars[k - 1].char.isalnum() and chars[k + 2].char.isalnum())


def _one_point(ink: np.ndarray, line: DecodedLine, k: int) -> bool:
    """Whether the ink between the glyphs about the points at ``k``, ``k + 1`` holds one point, not two."""
    height, width = ink.shape
    chars = line.chars
    step = width / max(1, line.steps)
    # CTC fires on or just after a glyph: each glyph lies about half a step before its steps' middle.
    centre = [(chars[j].start + chars[j].end) / 2 * step - 0.5 * step for j in (k - 1, k, k + 1, k + 2)]
    top, base = x_band(ink, (centre[1] + centre[2]) / 2)
    xh = base - top
    if xh < 4 or base >= height:
        return False
    lo, hi = max(0, int(centre[0])), min(width, int(np.ceil(centre[3])) + 1)
    low_top, below = base - max(1, round(_LOW_TOP * xh)), min(height, base + max(1, round(_BELOW * xh)))
    above = max(0, top - round(_ASCENT * xh))
    if hi - lo < 3 or low_top <= top:
        return False
    low = ink[low_top:below, lo:hi].max(axis=0)
    mark = (low >= _LOW) & (ink[above:low_top, lo:hi].max(axis=0) <= _HIGH)
    peaks = [i for i in np.flatnonzero(mark) if (i == 0 or low[i] > low[i - 1]) and (i == len(low) - 1 or low[i] >= low[i + 1])]
    return bool(mark.any()) and sum(_alone(low, mark, i) for i in peaks) <= 1


def _alone(low: np.ndarray, mark: np.ndarray, i: int) -> bool:
    """Whether the mark peaking at column ``i`` falls to under half its peak on both sides before any glyph's ink:
    a point's blob (a foot runs on into its glyph; a point joined to a foot falls only on its far side)."""
    half = 0.5 * float(low[i])
    sides = []
    for way in (-1, 1):
        j = i + way
        while 0 <= j < len(low) and mark[j] and low[j] >= half:
            j += way
        sides.append(0 <= j < len(low) and low[j] < half)
    return all(sides)
