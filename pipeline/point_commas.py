"""A comma read as a point, told from its ink by the page's own commas and points.

In blurred small print (a scanned 7-pt text, its crop 15-20 px tall) a comma's tail is a grey pixel or two
under the baseline, and both recognizers read many commas as points, weighing the comma a little
(``DecodedChar.second``). Before a small letter the decoder already writes a comma (``ctc._clause_commas``);
before a capital, a digit or a quote both marks occur. The page shows which: it prints many commas and
points in the same face and size, read surely where the text decides them (a comma before a small
letter, a point before a capital). A point the model also weighed as a comma becomes a comma where its
ink is clearly nearer the page's sure commas of its size than its sure points, the page's own marks
are told apart by the same measures, and it reaches below the baseline as the commas do.

The measures are taken on the grey crop, not on Otsu pieces: in such print the mark runs into its letter
at any threshold. The baseline and x-height come from the row profile of the letters about the mark,
the mark's columns from the ink low in the x-band with none above, and its shape from their row
profile: how much of its ink lies below the baseline, where its ink ends below, and how tall it is.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.medians import percentile
from pipeline.page_glyphs import picture_distance, picture_spread
from pipeline.page_rereads import Crops, lines_with

# A reading this sure (its best step's weight), with no other mark weighed, shows the page's print of it.
_SURE = 0.95
# Sure marks wanted of each kind, of about the candidate's size (x-heights within this share).
_MIN_EACH = 4
_SIZE_SLACK = 0.2
# Lines with sure marks measured at most (the candidates' own lines besides).
_MAX_LINES = 40
# The small letters nearest the mark whose columns give the baseline and x-height: at most this many,
# at least this many; letters with no ascender, descender or dot.
_AROUND = 6
_MIN_LETTERS = 3
_X_LETTERS = set("acemnorsuvwxz")
# A crop whose darkest ink is fainter than this (grey levels over the paper) is not measured.
_MIN_CONTRAST = 20.0
# Mark columns: ink in the lower part of the x-band at least this share of the crop's dark ink, and in
# its upper part at most this share (or this share of the lower ink: scan noise).
_LOW_INK, _HIGH_INK, _HIGH_SHARE = 0.3, 0.12, 0.4
# Ink under this share of the crop's dark ink, over the paper's own noise (its mean in the quietest share
# of the crop's columns, in percent), is left out of the mark's profile.
_NOISE = 0.1
_QUIET = 20
# The mark's top and bottom: where its row profile falls under this share of its peak.
_EDGE = 0.3
_CLOSERS, _OPENERS = "\"”’')", "\"“‘'("
# How far (in spreads) from the sure commas' mean the mark may lie, how much nearer them than the points it
# must be, and the share of the page's sure points that must lie nearer their own kind.
_NEAR, _MARGIN, _SELF_CHECK = 4.0, 2.0, 0.9
# Before a small letter's word, after a word of this many letters (no abbreviation), a sentence does not
# start: the text itself leans to the comma, so its ink need only lie nearer the commas than the points.
_CLAUSE_MARGIN, _CLAUSE_WORD = 0.0, 4


def point_commas(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each point the model also weighed as a comma, before a capital, a digit or a quote,
    made a comma where its ink is clearly the page's comma (``crops``: the lines' images, by index)."""
    wanted = lines_with(decoded, lambda d, k: _candidate(d.chars, k), ".")
    if not wanted:
        return decoded
    # The first lines with sure marks, whichever lines hold candidates (so the page's pictures do not hang on them).
    sure = lines_with(decoded, lambda d, k: bool(_sure(d.chars, k)), ",.")[:_MAX_LINES]
    lines = sorted(set(wanted) | set(sure))
    marks = []  # (line, position, kind: "?" candidate / "," / ".", measures, x-height)
    for i, crop in zip(lines, crops(lines)):
        chars = decoded[i].chars
        ink = line_ink(crop)
        for k in range(len(chars)):
            kind = "?" if _candidate(chars, k) else _sure(chars, k)
            if kind and ink is not None:
                shape = mark_shape(ink, decoded[i], k)
                if shape is not None:
                    marks.append((i, k, kind, shape[0], shape[1]))
    out = list(decoded)
    for i, k, kind, p, xh in marks:
        if kind != "?":
            continue
        alike = [m for m in marks if m[2] != "?" and abs(m[4] - xh) <= _SIZE_SLACK * xh]
        commas = np.array([m[3] for m in alike if m[2] == ","])
        points = np.array([m[3] for m in alike if m[2] == "."])
        if len(commas) < _MIN_EACH or len(points) < _MIN_EACH:
            continue
        margin = _CLAUSE_MARGIN if _before_clause(out[i].chars, k) else _MARGIN
        if _nearer_commas(p, commas, points, margin) and _hangs_like_commas(p, commas, points):
            chars = list(out[i].chars)
            chars[k] = replace(chars[k], char=",", second=".")
            out[i] = replace(out[i], chars=tuple(chars))
    return out


def _nearer_commas(p: np.ndarray, commas: np.ndarray, points: np.ndarray, margin: float) -> bool:
    """Whether the mark lies near the page's sure commas and clearly nearer them than its sure points, on a page
    whose sure points lie nearer their own kind (each left out) than the commas: the points' print is told
    from the commas'. Not the other way: blur leaves some commas looking like points (kept as read), and
    that must not stop a page from telling its comma-like points."""
    spread = picture_spread([commas, points])
    near = picture_distance(p, commas, spread)
    if near > _NEAR or picture_distance(p, points, spread) - near < margin:
        return False
    own = sum(picture_distance(points[j], np.delete(points, j, axis=0), spread) < picture_distance(points[j], commas, spread)
              for j in range(len(points)))
    return own >= _SELF_CHECK * len(points)


def _hangs_like_commas(p: np.ndarray, commas: np.ndarray, points: np.ndarray) -> bool:
    """Whether the mark's ink below the baseline and its lowest ink each lie nearer the commas' middle than
    the points' (one measure alone must not carry it: a neighbour's blur can swell one)."""
    a, b = np.median(commas, axis=0), np.median(points, axis=0)
    return bool(np.all(np.abs(p[:2] - a[:2]) < np.abs(p[:2] - b[:2])))


def _candidate(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """A point the model also weighed as a comma, after a letter (not an initial), digit or closing mark, before a
    word space and a word, or at the line's end (a clause goes on on the next line as often as a sentence)."""
    c = chars[k]
    if c.char != "." or c.second != "," or k == 0:
        return False
    before = chars[k - 1].char
    # Not after a lone capital: an initial or a list's label (``M. Goossens``, ``B. List``).
    initial = before.isupper() and (k == 1 or not chars[k - 2].char.isalnum())
    ends = k == len(chars) - 1 or (k < len(chars) - 2 and chars[k + 1].char == " " and chars[k + 2].char != " ")
    return ((before.isalnum() and ord(before) < 0x250) or before in _CLOSERS) and not initial and ends


def _before_clause(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """Whether the point at ``k`` ends a word of ``_CLAUSE_WORD`` letters or more (quotes aside) and a small
    letter's word follows it: there a sentence's point is rare (the decoder makes such a point a comma
    where the model weighed the comma enough, ``ctc._clause_commas``; this is the rest)."""
    if not (k + 2 < len(chars) and _small(chars[k + 2].char)):
        return False
    start = k
    while start > 0 and chars[start - 1].char != " ":
        start -= 1
    word = "".join(c.char for c in chars[start:k]).rstrip(_CLOSERS).lstrip(_OPENERS)
    return len(word) >= _CLAUSE_WORD and all(_small(ch) or ch.isupper() and ord(ch) < 0x250 for ch in word)


def _sure(chars: tuple[DecodedChar, ...], k: int) -> str:
    """"," for a comma read surely after a small letter and before a small letter's word; "." for a point read
    surely after a small letter and before a capital's word or at the line's end; else ""."""
    c = chars[k]
    if c.char not in ",." or c.second or c.confidence < _SURE or k == 0 or not _small(chars[k - 1].char):
        return ""
    after = chars[k + 2].char if k + 2 < len(chars) and chars[k + 1].char == " " else ""
    if c.char == ",":
        return "," if _small(after) else ""
    end = k == len(chars) - 1
    return "." if end or (after.isupper() and ord(after) < 0x250) else ""


def _small(ch: str) -> bool:
    return ch.islower() and ord(ch) < 0x250


def line_ink(crop: np.ndarray) -> np.ndarray | None:
    """The crop's ink over its paper, in shares of its dark ink (None where it holds no clear ink)."""
    gray = LineInk(crop).gray
    # Percentiles from the grey levels' histogram: a crop's sort costs more than the rest of its measures.
    counts = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    paper = float(np.searchsorted(counts, 0.9 * counts[-1]))
    dark = paper - float(np.searchsorted(counts, 0.01 * counts[-1]))
    if dark < _MIN_CONTRAST:
        return None
    return np.clip(paper - gray.astype(np.float32), 0, None) / dark


def mark_shape(ink: np.ndarray, line: DecodedLine, k: int) -> tuple[np.ndarray, float] | None:
    """(measures, x-height in px) of the low mark read at ``k``: the share of its ink below the baseline, how
    far below the baseline its ink ends and its height (both in x-heights). None where the letters about
    it or its own columns are not found."""
    height, width = ink.shape
    chars = line.chars
    step = width / max(1, line.steps)
    prev = next((j for j in range(k - 1, -1, -1) if chars[j].char != " "), None)
    if prev is None:
        return None
    # The mark's glyph lies after the previous character's glyph and at most a step past its own steps
    # (CTC fires on or just after a glyph).
    lo = (chars[prev].start + chars[prev].end) / 2 * step
    hi = (chars[k].end + 1) * step
    band = _x_band(ink, chars, k, step)
    if band is None:
        return None
    top, base, base_px = band
    xh = base - top
    upper = ink[top : top + max(1, int(0.4 * xh))].mean(axis=0)
    lower = ink[base - max(1, int(0.4 * xh)) : base].mean(axis=0)
    cols = np.arange(width)
    markish = (cols >= lo) & (cols <= hi) & (lower >= _LOW_INK) & (upper <= np.maximum(_HIGH_INK, _HIGH_SHARE * lower))
    found = np.flatnonzero(markish)
    if not len(found):
        return None
    runs = np.split(found, np.flatnonzero(np.diff(found) > 1) + 1)
    centre = (chars[k].start + chars[k].end) / 2 * step - step
    run = min(runs, key=lambda r: abs(float(r.mean()) - centre))
    y0, y1 = top + int(0.3 * xh), min(height, base + int(0.8 * xh) + 1)
    # The paper's noise, row by row, from the crop's quietest columns (word spaces, margins): a scan's grain
    # under the baseline must not count as a tail.
    across = ink[top:base].mean(axis=0)
    floor = ink[y0:y1][:, across <= percentile(across, _QUIET)].mean(axis=1)  # of the rows measured
    region = ink[y0:y1, max(0, run[0] - 1) : min(width, run[-1] + 2)] - floor[:, None]
    profile = np.where(region >= _NOISE, region, 0).sum(axis=1)
    if profile.max() <= 0:
        return None
    rows = np.arange(y0, y1, dtype=np.float32)
    # Each row's share below the baseline (the row it crosses counts in part).
    below = float((profile * np.clip(rows + 1 - base_px, 0, 1)).sum() / profile.sum())
    peak = int(np.argmax(profile))
    level = _EDGE * float(profile.max())
    bottom = _falls_below(profile, level, peak)
    upward = _falls_below(profile[::-1], level, len(profile) - 1 - peak)
    bottom = y0 + (bottom if bottom is not None else len(profile))
    top_px = y1 - (upward if upward is not None else len(profile))
    unit = base_px - top
    return np.array([below, (bottom - base_px) / unit, (bottom - top_px) / unit], np.float32), float(unit)


def _x_band(ink: np.ndarray, chars: tuple[DecodedChar, ...], k: int, step: float) -> tuple[int, int, float] | None:
    """(first row of the x-band, first row under the baseline, the baseline at a fraction of a row) from the
    row profile of the small letters nearest the mark that neither rise above the x-height nor hang below
    the baseline (a line of capitals and digits, ``Suite 330. Boston. MA``, has few): the steepest rise and
    fall of their ink, the baseline placed where the profile falls through half the x-band's ink."""
    near = sorted((j for j, c in enumerate(chars) if c.char in _X_LETTERS), key=lambda j: abs(j - k))[:_AROUND]
    if len(near) < _MIN_LETTERS:
        return None
    # A character's glyph lies up to a step before its steps (CTC fires on or just after it); columns past the
    # crop's edges count as its edge columns.
    last = ink.shape[1] - 1
    cols = np.zeros(ink.shape[1], bool)
    for j in near:
        lo, hi = int((chars[j].start - 1) * step), int(chars[j].end * step)
        if lo <= hi:
            cols[min(max(lo, 0), last) : min(max(hi, 0), last) + 1] = True
    profile = ink[:, cols].mean(axis=1)
    change = np.diff(profile)
    base = int(np.argmin(change)) + 1
    if base < 3:
        return None
    top = int(np.argmax(change[: base - 1])) + 1
    if base - top < 4:
        return None
    half = 0.5 * float(np.median(profile[top:base]))
    at = _falls_below(profile, half, base - 2)
    return top, base, float(at) if at is not None else float(base)


def _falls_below(profile: np.ndarray, level: float, start: int) -> float | None:
    """Where, from ``start`` on, ``profile`` first falls below ``level``, to a fraction of a row (a row's
    value taken at its middle); None where it never does."""
    for y in range(max(0, start), len(profile) - 1):
        if profile[y] >= level > profile[y + 1]:
            return y + 0.5 + (profile[y] - level) / max(1e-6, float(profile[y] - profile[y + 1]))
    return None
