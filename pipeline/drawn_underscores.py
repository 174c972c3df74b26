"""An underscore drawn as a short rule on the baseline read as a point or hyphen inside a name (``edit_history``
read ``edit.history``, ``unwind_protect`` read ``unwind-protect``), told by its ink.

Texinfo (and TeX's ``\\_`` outside typewriter type) draws the underscore as a thin rule about a third of an em
wide lying on the baseline, not as a glyph; blurred on a scan, the recognizer takes it for the point or hyphen
it looks nearest to. The ink tells them apart: a hyphen sits about the middle of the x-height; a point is a round
dot on the baseline, as tall as it is wide; the rule is a bar on the baseline (or just under it), several times
as wide as it is thick and half a letter wide or more. So a point or hyphen read between a letter and a letter
or digit, with no space (inside a name; between two digits it is a number's), whose ink is such a bar, becomes
``_``. Lines without such a reading are not measured.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reread_chars
from pipeline.point_commas import line_ink

_READ_AS = ".-"
# The x-band (baseline and x-height) from the row profile of the ink within this many crop heights either side of
# the mark: rows at half the profile's peak or more (a tilted line's band drifts along a long crop).
_AROUND = 3.0
# The mark's columns: between its neighbours' centres (and clear of both), ink (a share of the crop's dark ink) at
# least ``_LOW`` in the rows from ``_LOW_TOP`` of the x-height above the baseline to ``_BELOW`` under it, and at most
# ``_HIGH`` above them up to ``_ASCENT`` x-heights over the x-band (a letter's stem or bowl, a capital's, a hyphen).
_LOW, _HIGH = 0.25, 0.25
_LOW_TOP, _BELOW, _ASCENT = 0.4, 0.3, 0.8
# Ink fainter than this (a share of the crop's dark ink) is left out of the mark's shape: the blur's fringe.
_FRINGE = 0.15
# The rule: at least ``_WIDE`` of the x-height wide (and ``_MIN_PX``), reaching to within a time step of where the
# mark was read, its ink's spread along the line at least ``_FLAT`` times its spread across it (the points of the
# English scans at most 1.25, their drawn rules 1.5-3.5), its rows at half its peak at most ``_THIN`` of the
# x-height, its ink's centre at most ``_ABOVE`` of the x-height above the baseline (a point's about 0.15, the rules'
# 0.1-0.2; a hyphen's 0.5, or 0.3-0.4 of a capital's height) and at most ``_UNDER`` under it.
_WIDE, _MIN_PX = 0.5, 5
_FLAT = 1.4
_THIN = 0.45
_ABOVE, _UNDER = 0.25, 0.3
# A point whose neighbour's foot reaches it (an italic x's serif after ``v3.x``) makes a run as long as a rule, but
# of two humps: the point's ink, then a dip at least ``_DIP`` under the lower hump's peak, then the foot's. A rule's
# ink is even along it (its dips at most 0.13 on the scans, and a neighbour's serif at its end is short): split at
# its deepest dip, the run keeps a piece as wide as a rule; a point's and a foot's pieces are each narrower.
_DIP = 0.2


def drawn_underscores(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each point or hyphen inside a name whose ink is a rule on the baseline made ``_``."""
    return reread_chars(decoded, crops, lambda line, k: _candidate(line.chars, k), _underscore, _READ_AS)


def _candidate(chars, k: int) -> bool:
    if not 0 < k < len(chars) - 1 or chars[k].char not in _READ_AS:
        return False
    before, after = chars[k - 1].char, chars[k + 1].char
    return before.isalnum() and after.isalnum() and (before.isalpha() or after.isalpha())


def _underscore(line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    shares = line_ink(ink.gray)
    if shares is None or not _is_rule(shares, line, k):
        return None
    c = line.chars[k]
    return replace(c, char="_", second=c.char)


def _is_rule(ink: np.ndarray, line: DecodedLine, k: int) -> bool:
    height, width = ink.shape
    chars = line.chars
    step = width / max(1, line.steps)
    centre = [(chars[j].start + chars[j].end) / 2 * step for j in (k - 1, k, k + 1)]
    # CTC fires on or just after a glyph: the mark lies about half a step before its steps' middle.
    x = centre[1] - 0.5 * step
    top, base = x_band(ink, x)
    xh = base - top
    if xh < 4 or base >= height:  # a band down to the crop's edge is a frame's or a rule's, not the letters'
        return False
    lo, hi = max(0, int(centre[0] - 0.5 * step)), min(width, int(np.ceil(centre[2])))
    low_top, below = base - max(1, round(_LOW_TOP * xh)), min(height, base + max(1, round(_BELOW * xh)))
    if hi <= lo or low_top <= top:
        return False
    above = max(0, top - round(_ASCENT * xh))
    markish = (ink[low_top:below, lo:hi].max(axis=0) >= _LOW) & (ink[above:low_top, lo:hi].max(axis=0) <= _HIGH)
    found = np.flatnonzero(markish)
    if not len(found):
        return False
    runs = np.split(found, np.flatnonzero(np.diff(found) > 1) + 1)
    run = min(runs, key=lambda r: abs(float(r.mean()) + lo - x))
    # A run reaching a neighbour's middle is that glyph's own low ink (a C's or an e's bowl), not a mark between; one
    # off where the mark was read, a letter's foot (a typewriter l's) beside a hyphen.
    if (len(run) < max(_MIN_PX, _WIDE * xh) or run[0] == 0 or run[-1] == hi - lo - 1
            or not lo + run[0] - step <= x <= lo + run[-1] + step):
        return False
    if _widest_even(ink[low_top:below, lo + run[0] : lo + run[-1] + 1].max(axis=0)) < max(_MIN_PX, _WIDE * xh):
        return False
    y0 = low_top - 1
    region = ink[y0 : min(height, base + max(1, round(0.5 * xh))), lo + run[0] : lo + run[-1] + 1]
    weight = np.clip(region - _FRINGE, 0, None)
    total = float(weight.sum())
    if total <= 0:
        return False
    ys, xs = np.indices(region.shape)
    my, mx = float((weight * ys).sum()) / total, float((weight * xs).sum()) / total
    across = float((weight * (ys - my) ** 2).sum()) / total
    along = float((weight * (xs - mx) ** 2).sum()) / total
    profile = region.mean(axis=1)
    rows = np.flatnonzero(profile >= 0.5 * float(profile.max()))
    return (along >= _FLAT**2 * max(across, 1e-3) and rows[-1] - rows[0] + 1 <= _THIN * xh
            and -_ABOVE * xh <= my + y0 - base <= _UNDER * xh)


def _widest_even(low: np.ndarray) -> int:
    """Columns of a run's widest piece when split at its deepest dip (the run's width where no dip is that deep);
    ``low``: its darkest ink in each column about the baseline."""
    width, cut, deepest = len(low), None, _DIP
    for i in range(1, width - 1):
        dip = 1.0 - float(low[i]) / max(1e-6, min(float(low[:i].max()), float(low[i + 1 :].max())))
        if dip >= deepest:
            cut, deepest = i, dip
    return width if cut is None else max(cut, width - 1 - cut)


def x_band(ink: np.ndarray, x: float) -> tuple[int, int]:
    """(first row of the x-band, first row under the baseline) about column ``x``."""
    height, width = ink.shape
    reach = _AROUND * height
    profile = ink[:, max(0, int(x - reach)) : min(width, int(x + reach))].mean(axis=1)
    rows = np.flatnonzero(profile >= 0.5 * float(profile.max()))
    return int(rows[0]), int(rows[-1]) + 1
