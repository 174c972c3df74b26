"""A vertical bar read as an l, I or 1 (``true|false`` read ``truelfalse``), told by its ink reaching below the line.

In code and option lists (``⟨true|false⟩``, ``collections|schemes``) the recognizer reads a bar set between
letters as the letter it looks most like, with some of its weight on another look-alike. No l, I or 1 in any
face reaches below the baseline, but a bar does (it spans ascender to descender), and it has no serif. So an
l, I or 1 read less than surely whose ink is one bare upright stroke, reaching clearly below the baseline of
the letters about it, becomes a bar; where the reading beside it is already a bar on that same stroke (the
stroke read twice: ``truel|false``), it is dropped. Lines without such a reading are not measured. The letters
on one side are enough (``| &`` opening an operator list), and the baseline is their feet's upper median: a
descender beside the bar (the y of ``x | y``) must not lower it.

A ``||`` with no letter on one side (``|| &&``, or boxed alone) gives no baseline; it is read ``11`` or ``ll``. Two
such readings side by side, not beside a letter or digit, whose ink is exactly two bare strokes of the line's full
ink height (a 1 or l has a flag or a foot, and a digit stands no taller than the letters), are a ``||``.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, inks_of, lines_with

# A reading this sure is left as read (a bar read as a letter keeps weight on another look-alike).
_SURE = 0.97
# The bar: at least this share of the line's ink band tall, at most this wide for its height (or 4 px: a scan blurs
# a small bar so wide), and as wide (within a pixel) in every row (no serif, no flag).
_MIN_TALL = 0.6
_MAX_WIDTH = 0.2
# The letters about it (up to this many each side, at least this share of the band tall) give the baseline;
# the bar's foot must lie at least this share of their median height below it (more than a pixel: an l's
# foot lies on it within one).
_NEIGHBOURS = 3
_MIN_LETTER = 0.35
_MIN_DROP = 0.1
# A pair's strokes: each at least this share of the line's ink band tall, within a pixel of each other's top and foot.
_FULL = 0.9


def bar_pipes(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each unsure l, I or 1 whose ink is a bare stroke reaching below its letters made a ``|``."""
    at = lines_with(decoded, _candidate, "lI1")  # a pair holds one
    if not at:
        return decoded
    out = list(decoded)
    for i, ink in zip(at, inks_of(crops, at)):
        line = out[i]
        chars: list = list(line.chars)
        for k in range(len(chars)):
            if not _candidate(line, k):
                continue
            bar, drop = _bar(line, ink, k)
            if drop is None or drop < _MIN_DROP:
                continue
            twice = any(0 <= j < len(chars) and line.chars[j].char == "|" and _bar(line, ink, j)[0] == bar
                        for j in (k - 1, k + 1))
            chars[k] = None if twice else replace(chars[k], char="|", second=chars[k].char)
        for k in range(len(chars) - 1):
            if chars[k] is not None and chars[k + 1] is not None and _pair_of_bars(line, ink, k):
                chars[k], chars[k + 1] = (replace(chars[j], char="|", second=chars[j].char) for j in (k, k + 1))
        out[i] = replace(line, chars=tuple(c for c in chars if c is not None))  # ``read`` stays as decoded
    return out


def _candidate(line: DecodedLine, k: int) -> bool:
    c = line.chars[k]
    return c.char in "lI1" and c.confidence < _SURE


def _bar(line: DecodedLine, ink: LineInk, k: int) -> tuple[int | None, float | None]:
    """The ink piece under ``k`` where it is one bare upright stroke, and how far it reaches below the baseline
    of the letters about it, in their median height; None for what is not found."""
    glyphs, band = ink.glyph_pieces()
    if not glyphs or band < 12:
        return None, None
    stats = ink.pieces[2]
    bar = ink.mark_piece(glyphs, ink.shape[0], line.chars[k].start, line.chars[k].end, line.steps,
                         keep=lambda p: _is_bare(ink, p, band))
    if bar is None:
        return None, None
    x, y, w, h = (int(v) for v in stats[bar, :4])
    letters = [p for p in glyphs if p != bar and stats[p, 3] >= _MIN_LETTER * band]
    left = sorted((p for p in letters if stats[p, 0] + stats[p, 2] <= x + 1), key=lambda p: -stats[p, 0])
    right = sorted((p for p in letters if stats[p, 0] >= x + w - 1), key=lambda p: stats[p, 0])
    about = left[:_NEIGHBOURS] + right[:_NEIGHBOURS]
    if not about:
        return bar, None
    # The feet's upper median: a descender (the y of ``x | y``) is the fewer, and must not pull the baseline down.
    feet = sorted(int(stats[p, 1] + stats[p, 3]) for p in about)
    base = float(feet[(len(feet) - 1) // 2])
    height = float(np.median([stats[p, 3] for p in about]))
    return bar, (y + h - base) / height


def _pair_of_bars(line: DecodedLine, ink: LineInk, k: int) -> bool:
    """Whether readings ``k`` and ``k + 1``, uprights (one at least unsure: the ink decides, the second may read
    surely on the first's strength) with no letter or digit beside them, lie on exactly two ink pieces, both bare
    strokes of the line's full ink height, top and foot level."""
    chars = line.chars
    if not (chars[k].char in "lI1" and chars[k + 1].char in "lI1" and (_candidate(line, k) or _candidate(line, k + 1))):
        return False
    if any(0 <= j < len(chars) and chars[j].char.isalnum() for j in (k - 1, k + 2)):
        return False
    glyphs, band = ink.glyph_pieces()
    if not glyphs or band < 12:
        return False
    stats = ink.pieces[2]
    step = ink.shape[1] / max(1, line.steps)
    left = (chars[k].start + chars[k].end) / 2 * step - 1.5 * step
    right = (chars[k + 1].start + chars[k + 1].end) / 2 * step + 1.5 * step
    inside = [p for p in glyphs if stats[p, 0] + stats[p, 2] > left and stats[p, 0] < right]
    if len(inside) != 2 or not all(stats[p, 3] >= _FULL * band and _is_bare(ink, p, band) for p in inside):
        return False
    a, b = (stats[p] for p in inside)
    return abs(int(a[1]) - int(b[1])) <= 1 and abs(int(a[1] + a[3]) - int(b[1] + b[3])) <= 1


def lone_bar(ink: LineInk) -> bool:
    """Whether the crop of ``ink`` holds one glyph, a bare upright stroke: a `|` (a 1 has a flag, and most a foot)."""
    glyphs, band = ink.glyph_pieces()
    return len(glyphs) == 1 and band >= 12 and _is_bare(ink, glyphs[0], band)


def _is_bare(ink: LineInk, p: int, band: float) -> bool:
    """Whether piece ``p`` is one tall upright stroke as wide in every row: no serif, flag or foot."""
    x, y, w, h = (int(v) for v in ink.pieces[2][p, :4])
    if h < _MIN_TALL * band or w > max(4, _MAX_WIDTH * h):
        return False
    rows = (ink.pieces[1][y : y + h, x : x + w] == p).sum(axis=1)
    return int(rows.max()) - int(np.median(rows)) <= 1
