"""A 1 whose ink is a bare upright bar, on a page whose 1s show a flag, read as the letter it is (l or I).

In sans-serif type the small l (and the capital I) is a plain bar; the recognizer reads one before a digit or in
code (``12tabu`` for ``l2tabu``) as a 1 with nearly all its weight. Most faces draw their 1 with a flag at the top
left (a Times 1 in 9-pt body text keeps ink beside its stem there at 200 DPI), but not all do: a small sans 1 on a
scan can be a bar too. So a 1 in a word of Latin letters whose glyph is a narrow bar, with no ink left of its stem
at its top or foot, becomes a letter only where the page's own 1s of its size, read among digits, show clearly
more ink at the top left: an I where the word is in capitals, else an l. Only glyphs found alone and tall
enough to show a flag are judged; the page's 1s are cut and measured only once a bar is found.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine, word_at
from pipeline.line_ink import LineInk
from pipeline.page_glyphs import glyph_picture
from pipeline.page_rereads import Crops, inks_of, lines_with

# A bar is at most this wide for its height; the ink left of its stem, at its top and at its foot, at most
# this share of the stem's own (glyph_picture's measures).
_MAX_WIDTH = 0.23
_MAX_FLAG = 0.1
_MAX_FOOT = 0.1
# Glyphs shorter than this (pixels, on the page's crop) show too few pixels to tell a flag.
_MIN_HEIGHT = 14
# A character's time steps come at or after its glyph (CTC fires once it has seen it): its glyph's centre lies
# past the previous character's steps and at most this share of the crop's height beyond its own.
_AHEAD = 0.1
# The page's own 1s of about its size (within this share of its height) must show, at their median, this much
# more ink left of the stem at the top than the bar; at least this many of them, from at most this many lines.
_SIZE_SLACK = 0.15
_FLAG_GAP = 0.05
_MIN_SURE = 2
_MAX_SURE_LINES = 30
# A 1 beside a digit read at least this surely shows the page's 1.
_SURE = 0.9
# A neighbour's ink blurs this many pixels beyond its Otsu piece.
_HALO = 2
# The word the 1 stands in holds at least this many Latin letters (not a number, nor in a CJK run).
_MIN_LETTERS = 1


def bar_ones(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each 1 in a word of letters that its ink shows to be a bare bar, where the page's own 1s
    of its size show a flag, made an l or an I."""
    at = lines_with(decoded, _candidate, "1")
    if not at:
        return decoded
    bars = {(i, k): m for i, ink in zip(at, inks_of(crops, at)) for k, m in _measured(decoded[i], ink, _candidate)
            if _is_bar(m)}
    if not bars:
        return decoded
    # Some of the page's 1s read among digits (their crops cut only now that a bar was found).
    sure = lines_with(decoded, _sure_one, "1")[:_MAX_SURE_LINES]
    ones = [m for i, ink in zip(sure, inks_of(crops, sure)) for _, m in _measured(decoded[i], ink, _sure_one)]
    out = list(decoded)
    for (i, k), m in bars.items():
        like = [o[2] for o in ones if abs(o[0] - m[0]) <= _SIZE_SLACK * m[0]]
        if len(like) >= _MIN_SURE and float(np.median(like)) >= m[2] + _FLAG_GAP:
            chars = list(out[i].chars)
            chars[k] = replace(chars[k], char=_letter(chars, k))
            out[i] = replace(out[i], chars=tuple(chars))
    return out


def _candidate(line: DecodedLine, k: int) -> bool:
    c = line.chars[k]
    if c.char != "1" or c.second not in ("l", "I"):
        return False
    word = word_at(line.chars, k)
    return sum(ch.isascii() and ch.isalpha() for ch in word) >= _MIN_LETTERS


def _sure_one(line: DecodedLine, k: int) -> bool:
    """A 1 read surely beside a digit, or one past a point or comma (``1.8.5``, ``1,000``): the page's print of its 1s."""
    chars = line.chars
    if chars[k].char != "1" or chars[k].confidence < _SURE:
        return False
    for step in (-1, 1):
        j = k + step
        if 0 <= j < len(chars) and chars[j].char in ".,":
            j += step
        if 0 <= j < len(chars) and chars[j].char.isdigit():
            return True
    return False


def _measured(line: DecodedLine, ink: LineInk, which) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(position, (height, width to height, ink left of the stem at the top, at the foot)) of each glyph
    ``which`` picks that is found alone and tall enough to show a flag."""
    out = []
    for k in range(len(line.chars)):
        if not which(line, k):
            continue
        box = _glyph_box(ink, line, k)
        if box is None or box[3] < _MIN_HEIGHT:
            continue
        x, y, w, h = box
        own = ink.pieces[1][y + h // 2, x : x + w].max()
        picture = glyph_picture(_alone(ink, box, own), box)
        if picture is not None:
            out.append((k, (float(h), float(picture[0]), float(picture[1]), float(picture[3]))))
    return out


def _is_bar(m: tuple[float, float, float, float]) -> bool:
    return m[1] <= _MAX_WIDTH and m[2] <= _MAX_FLAG and m[3] <= _MAX_FOOT


def _glyph_box(ink: LineInk, line: DecodedLine, k: int) -> tuple[int, int, int, int] | None:
    """The box of the glyph read at ``k``: of the tall, narrow ink pieces (a stem, not a mark, not two glyphs run
    together) centred after the previous character's steps and not beyond ``k``'s own, the tallest (an i's stem
    beside an l is shorter), of those as tall the nearest to its steps."""
    chars = line.chars
    stats = ink.pieces[2][1:]
    height = ink.shape[0]
    scale = ink.shape[1] / max(1, line.steps)
    centre = (chars[k].start + chars[k].end) / 2 * scale
    prev = next((j for j in range(k - 1, -1, -1) if chars[j].char != " "), None)
    after = (chars[prev].start + chars[prev].end) / 2 * scale if prev is not None else -1.0
    h, w = stats[:, 3], stats[:, 2]
    mid = stats[:, 0] + w / 2
    ok = np.flatnonzero((h >= max(8, height / 3)) & (w <= 0.8 * h) & (mid > after) & (mid <= centre + _AHEAD * height))
    if not len(ok):
        return None
    tallest = ok[h[ok] >= h[ok].max() - 1]
    return tuple(int(v) for v in stats[tallest[np.argmin(np.abs(mid[tallest] - centre))], :4])


def _alone(ink: LineInk, box: tuple[int, int, int, int], own: int) -> np.ndarray:
    """The crop's grey about the glyph with its neighbours' ink and their blurred edges whitened (an L's foot before
    an I): pieces reaching beyond the columns glyph_picture reads, and two pixels about them. Faint ink and pieces
    within those columns are kept, for a 1's flag may be either."""
    x, y, w, h = box
    x0, x1 = max(0, x - 2), min(ink.shape[1], x + w + 2)  # the columns glyph_picture reads
    a, b = max(0, x0 - _HALO), min(ink.shape[1], x1 + _HALO)
    labels, stats = ink.pieces[1], ink.pieces[2]
    others = [j for j in np.unique(labels[y : y + h, a:b]) if j not in (0, own)
              and (stats[j, 0] < x0 or stats[j, 0] + stats[j, 2] > x1)]
    gray = ink.gray.copy()
    if others:
        size = 2 * _HALO + 1
        near = cv2.dilate(np.isin(labels[:, a:b], others).astype(np.uint8), np.ones((size, size), np.uint8))
        gray[:, a:b][near > 0] = 255
    return gray


def _letter(chars: tuple[DecodedChar, ...], k: int) -> str:
    """I in a word of capitals (``P1D``), else l."""
    letters = [ch for ch in word_at(chars, k) if ch.isascii() and ch.isalpha()]
    return "I" if all(ch.isupper() for ch in letters) else "l"
