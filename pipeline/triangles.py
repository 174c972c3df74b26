"""A triangle set as a mark (▷ before an exercise, ▶ as a bullet) told from the D it is read as.

The recognizer's character set has no ▷: it reads the small right-pointing triangle as D, or as ▶. The two
shapes differ across the glyph: a D's round side keeps most of the glyph's height until close to its
right edge, while a triangle's two sides close in steadily from its upright left side to its point. So
the share of the height its columns still span three quarters of the way across tells them apart, and
whether the ink encloses paper tells an outlined one (▷) from a solid one (▶).
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punct_widths import component_at

_REACH = 2  # pixels beside a character's time steps where its ink may lie
_MIN_PX = 6  # a glyph this tall at the line's 48 px, at least, to be measured
# Columns 0.7–0.8 of the way across span at most this share of the glyph's height on a triangle
# (its sides meet at the point: about a quarter, and a stroke's width); a D's round side spans most
# of it there (0.8 and more).
_NARROWED = 0.55
# The left side stands upright: the first columns span most of the height.
_UPRIGHT = 0.8
# A line's first character read this many steps in, or later (the crop's padding is about two): something
# before it may be unread; a piece of ink ending this many line heights before those steps is before it.
_LEAD_STEPS = 5
_LEAD_GAP = 0.15
# An outline encloses paper: at least this share of the triangle's area (half its box); a solid one none.
_HOLLOW = 0.05


def pointing_triangles(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with each D standing alone (between spaces or the line's ends), and each ▶, that
    ``line_ink`` (the grey image the model read) shows as a right-pointing triangle written ▷ (outlined)
    or ▶ (solid); and with an outlined triangle set before its first word and read as nothing put first."""
    line = _unread_lead(line, line_ink)
    chars = line.chars
    text = line.text
    # ▶ is in the set: an outlined triangle read as the solid one is checked too.
    alone = [i for i, c in enumerate(chars) if c.char == "▶" or (c.char == "D" and text[i - 1 : i] in ("", " ")
             and text[i + 1 : i + 2] in ("", " "))]
    if not alone or line.steps < 1:
        return line
    _, labels, stats, _ = line_ink.pieces
    scale = line_ink.shape[1] / line.steps
    out = list(chars)
    for i in alone:
        shape = _triangle(labels, stats, (chars[i].start + chars[i].end) / 2 * scale)
        if shape:
            out[i] = replace(chars[i], char=shape)
    return line if out == list(chars) else DecodedLine(tuple(out), line.steps)


def _unread_lead(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with an outlined triangle standing before its first read character, unread (the model gave
    its steps to the blank), put first with a space after it. Only a line whose first character is read
    later than the crop's padding puts it there is looked at."""
    chars = line.chars
    if not chars or chars[0].start < _LEAD_STEPS or line.steps < 1:
        return line
    _, labels, stats, _ = line_ink.pieces
    scale = line_ink.shape[1] / line.steps
    # The first piece of ink, ending at least a space before the first read character's steps begin.
    before = 1 + np.flatnonzero((stats[1:, 0] + stats[1:, 2] < chars[0].start * scale - _LEAD_GAP * line_ink.shape[0])
                                & (stats[1:, 3] >= _MIN_PX))
    if not len(before):
        return line
    k = int(before[np.argmin(stats[before, 0])])
    x = stats[k, 0] + stats[k, 2] / 2
    shape = _triangle(labels, stats, x)
    if shape != "▷":  # ▶ is in the model's set and read where it stands; a solid wedge before a line is a sliver
        return line
    at = max(0, int(x / scale))
    lead = (replace(chars[0], char=shape, start=at, end=at + 1),
            replace(chars[0], char=" ", start=at + 1, end=max(at + 2, chars[0].start)))
    return DecodedLine(lead + chars, line.steps)


def _triangle(labels: np.ndarray, stats: np.ndarray, x: float) -> str | None:
    """``▷`` or ``▶`` where the glyph at column ``x`` is a right-pointing triangle, else None."""
    k = component_at(labels, int(x), _REACH)
    if not k:
        return None
    left, top, w, h = (int(v) for v in stats[k, :4])
    if h < _MIN_PX or w < 4:
        return None
    glyph = labels[top : top + h, left : left + w] == k
    inked = glyph.any(axis=0)
    first = np.where(inked, np.argmax(glyph, axis=0), 0)
    last = np.where(inked, h - 1 - np.argmax(glyph[::-1], axis=0), -1)
    span = (last - first + 1) / h
    cols = np.arange(w) / max(1, w - 1)
    upright = span[cols <= 0.2].max()
    narrowed = span[(cols >= 0.7) & (cols <= 0.8)]
    if upright < _UPRIGHT or not len(narrowed) or narrowed.max() > _NARROWED:
        return None
    # The sides close in steadily: no column right of the middle spans more than the one before it by
    # more than a pixel (a D's bowl widens again after its stem).
    right = (last - first)[w // 2 :]
    if np.any(np.diff(right) > 1):
        return None
    return "▷" if _enclosed(glyph) >= _HOLLOW * w * h / 2 else "▶"


def _enclosed(glyph: np.ndarray) -> int:
    """Pixels of paper the glyph's ink encloses (not reachable from outside its box)."""
    paper = np.pad(~glyph, 1, constant_values=True).astype(np.uint8)
    _, labels = cv2.connectedComponents(paper, connectivity=4)
    return int(((labels > 0) & (labels != labels[0, 0])).sum())
