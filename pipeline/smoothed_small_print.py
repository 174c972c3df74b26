"""Small print on a noisy scan read a second time from a smoothed crop.

A line under about 30 px is enlarged to the recognizer's 48 px, and a scan's pixel noise is enlarged
with it into blotches as wide as a thin stroke: the model then reads n as m, t as l, e as c. Smoothed
first (a Gaussian of one page pixel), the noise goes and the strokes stay; but so may go what is as
small as the noise: a point, a comma's tail, a leader's dots, a digit's counter (0 read 8). So the
smoothed crop's reading replaces the plain one only where the model is surer of it and it reads the same
marks, digits and spaces (every character that is not a letter, in the same order; a point and a comma
count alike, and the plain reading's is kept): it is taken for its letters, never for its punctuation,
numbers or spaces (on the zh corpus a date's 2017-08-10 came out
2817-88-18; octave-refcard-p002's operators `T 1= y` lost their spaces). The
mending steps measure the plain crop's ink, not the smoothed one's: smoothing rounds the tops that tell a
small letter from its capital (a typewriter face's s, x, w).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.letter_case import SAME_SHAPE, shows_capital
from pipeline.line_ink import LineInk
from pipeline.medians import percentile

# Crops under this height (page pixels) are enlarged at least 1.6 times to 48 px.
SMALL_PX = 30
SIGMA = 1.0  # page pixels
# Only lines the model read below this mean confidence are read again (sure ones gain nothing).
UNSURE = 0.97
# A crop's edges are soft (blurred print, as a scan's) when its steepest edges (this percentile of the
# gradient) climb less than this share of its ink's contrast per pixel: a sharp render's edges take about a
# pixel (0.5 with the Sobel's spread), a Gaussian blur of one pixel's sigma brings them to about 0.37.
EDGE_PERCENTILE = 99
SOFT_EDGES = 0.45
# The two readings' marks are compared with a comma taken for a point.
_ONE_MARK = str.maketrans(",", ".")
# Where the ink cannot tell a letter's case, the smoothed reading's stands only if it is this much surer of the
# letter than the plain one (a capital read at 0.55 plain, 0.92 smoothed; same-shaped letters 0.05-0.3 apart).
SURER = 0.25
_OTHER_MARK = {".": ",", ",": "."}


# Whether the k-th smoothed reading, as decoded, could be taken (``reread_smoothed``).
MayTake = Callable[[int, DecodedLine], bool]


def reread_smoothed(read: Callable[[list[np.ndarray], list[np.ndarray], MayTake], list[DecodedLine]],
                    crops: list[np.ndarray], lines: list[DecodedLine],
                    line_ink: Callable[[np.ndarray], LineInk] | None = None) -> list[DecodedLine]:
    """``lines`` (read from ``crops``) with each small, unsure line's reading replaced by ``read`` of its
    smoothed crop (mended from its plain one, the second argument) where that one is surer and reads the
    same marks; ``line_ink``: a crop's ink as the mending steps measure it, which tells a letter's case.
    ``read``'s third argument tells, from the k-th smoothed crop's reading as decoded, whether that reading
    can be taken at all: one that cannot need not be mended (its model confidences are what is compared)."""
    again = [i for i, (c, d) in enumerate(zip(crops, lines)) if 0 < c.shape[0] < SMALL_PX and c.shape[1] > 0
             and _confidence(d) < UNSURE]
    if not again:
        return lines
    out = list(lines)
    smoothed_crops = [cv2.GaussianBlur(crops[i], (0, 0), SIGMA) for i in again]
    plain = [_confidence(lines[i]) for i in again]
    for i, smoothed in zip(again, read(smoothed_crops, [crops[i] for i in again],
                                       lambda k, decoded: _confidence(decoded) > plain[k])):
        if _confidence(smoothed) > _confidence(out[i]) and _marks(smoothed, _ONE_MARK) == _marks(out[i], _ONE_MARK):
            crop = crops[i]
            out[i] = _plain_case(_plain_marks(smoothed, out[i]), out[i], (lambda: line_ink(crop)) if line_ink else None)
    return out


def _plain_case(smoothed: DecodedLine, plain: DecodedLine, ink: Callable[[], LineInk] | None) -> DecodedLine:
    """``smoothed`` with the case the plain crop shows wherever the two read the same letter in either case:
    smoothing rounds the tops that tell a small letter from its capital (a typewriter face's s, x, w), in
    the model's reading as in the mending steps' measure. A same-shaped letter takes the case its height on
    the plain crop's ink (``ink()``) shows; where that cannot be told (no tall glyph's top on the line, blur having
    joined them to their neighbours), the plain reading's case stands unless the smoothed reading is much
    surer of the letter: an unsure plain reading's capital (``Complete``) is no better than its letters.
    Any other letter keeps the plain reading's case (``Illinois``: an I and an i differ in shape, not height)."""
    if len(smoothed.chars) != len(plain.chars):
        return smoothed
    differ = [i for i, (c, p) in enumerate(zip(smoothed.chars, plain.chars))
              if c.char != p.char and c.char.lower() == p.char.lower()]
    if not differ:
        return smoothed
    chars = list(smoothed.chars)
    measured = ink() if ink is not None and any(smoothed.chars[i].char in SAME_SHAPE for i in differ) else None
    for i in differ:
        c, p = smoothed.chars[i], plain.chars[i]
        if c.char not in SAME_SHAPE:  # a capital of its own shape (I, A): the model saw it better on the sharper ink
            chars[i] = replace(c, char=p.char)
            continue
        shown = shows_capital(plain, measured, i) if measured is not None else None
        if shown is not None:
            chars[i] = replace(c, char=c.char.upper() if shown else c.char.lower())
        elif c.confidence - p.confidence < SURER:
            chars[i] = replace(c, char=p.char)
    return DecodedLine(tuple(chars), smoothed.steps, read=smoothed.read)


def _confidence(line: DecodedLine) -> float:
    """Mean confidence of the characters as the model read them (before mending set some from ink)."""
    read = line.read if line.read is not None else tuple(c.confidence for c in line.chars)
    return sum(read) / len(read) if read else 0.0


def _plain_marks(smoothed: DecodedLine, plain: DecodedLine) -> DecodedLine:
    """``smoothed`` with the plain reading's marks, one for one in order: a point and a comma count as one mark
    in the comparison (the decoder may make either reading's point a comma from the model's weights,
    pipeline/ctc.py), and the plain crop keeps the comma's tail that smoothing blurs."""
    marks = iter(p for p in plain.chars if not p.char.isalpha())
    chars = tuple(c if c.char.isalpha() else _plain_mark(c, next(marks)) for c in smoothed.chars)
    return replace(smoothed, chars=chars) if chars != smoothed.chars else smoothed


def _plain_mark(smoothed: DecodedChar, plain: DecodedChar) -> DecodedChar:
    """The plain reading's mark with the weights it carries (``second``: the comma a point's steps weighed),
    where the smoothed reading put its own: a second kept from the other mark would name the mark itself
    (a point holding a point), and the ink checks of points and commas look only at marks the model doubted.
    Where the two readings differ (a point and a comma), the model weighed both: the other is the second."""
    if plain.char == smoothed.char:
        return replace(smoothed, second=plain.second or smoothed.second)
    if plain.char in _OTHER_MARK and smoothed.char == _OTHER_MARK[plain.char]:
        return replace(smoothed, char=plain.char, second=smoothed.char)
    return replace(smoothed, char=plain.char, second=plain.second)


def _marks(line: DecodedLine, table: dict | None = None) -> list[str]:
    text = line.text.translate(table) if table else line.text
    return [ch for ch in text if not ch.isalpha()]


def soft_edges(crop: np.ndarray) -> bool:
    """Whether the print in ``crop`` is blurred: its steepest edges rise slowly for its ink's contrast."""
    g = crop.astype(np.float32)
    # float32 values, and their difference in float32, as np.percentile's were.
    contrast = float(np.float32(percentile(g, 90)) - np.float32(percentile(g, 2)))
    if contrast <= 0:
        return False
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8
    return percentile(np.hypot(gx, gy), EDGE_PERCENTILE) < SOFT_EDGES * contrast
