"""Scans: an ellipsis of middle dots (`· · ·`, TeX's \\cdots) read as baseline dots or commas, told by its ink.

The recognizer reads a row of middle dots, alone in a cell, as `...`, `,,.` or `。..`: it has seen few dots
off the baseline. Where the dots sit tells them apart: a period's ink is at the foot of the line's letters, a
middle dot's halfway up them. So a word made only of dots and commas, on a line with other words, is taken
as middle dots when every dot of its ink sits in the upper four fifths of the body of those words (their
ink rows, sparse descenders and accents left out); the dots are written apart where their ink stands apart
by more than a dot's width, as the text layer spaces them.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import cv2
import numpy as np

from pipeline.tables.model import Token
from pipeline.tables.words import text_lines

DOTS = re.compile(r"[.,。，·…:]+")  # what a middle-dot ellipsis was read as (a lone `.` too: the ink counts its dots)
BODY = 0.3  # a row of ink belongs to the letters' body where it holds this share of the busiest row's ink
LOW = 0.8  # a middle dot's centre is above this share of the body's height (a period's is near its foot)
MIN_DOTS = 2
PAD = 0.25  # the crop reaches this share of the body's height above and below it
BESIDE = 0.8  # and this share beside the word's box: a word box may hold only some of the dots (a gutter is wider)


def middle_dots(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """``tokens`` with each run of dots whose ink stands halfway up its line's letters written as middle dots."""
    out = list(tokens)
    index = {id(t): k for k, t in enumerate(tokens)}
    for line in text_lines(tokens):
        words = [t for t in line if not DOTS.fullmatch(t.text)]
        runs = [t for t in line if DOTS.fullmatch(t.text)]
        if not runs or not words:
            continue
        body = _body(words, level)
        if body is None:
            continue
        for t in runs:
            text = _as_middle_dots(t, body, level)
            if text:
                out[index[id(t)]] = Token(text, t.box, t.confidence)
    return out


def _ink(crop: np.ndarray) -> np.ndarray | None:
    """The crop's ink as 0/1, rules (long flat pieces: a ruled table's row rules) left out."""
    paper, dark = float(np.percentile(crop, 95)), float(crop.min())
    if paper - dark < 60:
        return None
    ink = (crop < paper - (paper - dark) / 3).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    for k in range(1, n):
        w, h = stats[k, 2], stats[k, 3]
        if w > 3 * h and w > 0.5 * crop.shape[1] or h > 3 * w and h > 0.8 * crop.shape[0]:
            ink[labels == k] = 0
    return ink


def _body(words: list[Token], level: Callable[..., np.ndarray | None]) -> tuple[float, float] | None:
    """The page rows (top, foot) where the line's letters' ink is dense: from the x-height (or a capital's or
    a digit's top) to the baseline."""
    y0, y1 = min(t.box[1] for t in words), max(t.box[3] for t in words)
    rows = np.zeros(int(round(y1 - y0)) + 1)
    for t in words:
        crop = level(t.box[0], y0, t.box[2], y1)
        ink = _ink(crop) if crop is not None else None
        if ink is not None:
            n = min(len(rows), ink.shape[0])
            rows[:n] += ink[:n].sum(axis=1)
    if rows.max() <= 0:
        return None
    dense = np.flatnonzero(rows >= BODY * rows.max())
    return y0 + float(dense[0]), y0 + float(dense[-1])


def _as_middle_dots(t: Token, body: tuple[float, float], level: Callable[..., np.ndarray | None]) -> str | None:
    top, foot = body
    height = foot - top
    if height < 4:
        return None
    # the body and a little above and below (not the rules of a ruled row), the word's box and a little beside
    pad = PAD * height
    y0 = top - pad
    crop = level(t.box[0] - BESIDE * height, y0, t.box[2] + BESIDE * height, foot + pad)
    ink = _ink(crop) if crop is not None else None
    if ink is None:
        return None
    n, _, stats, cents = cv2.connectedComponentsWithStats(ink, connectivity=8)
    off = max(0.0, y0)  # the crop's top on the page
    # dots: small pieces, about as wide as tall (a comma's tail makes it taller), none large
    dots = [k for k in range(1, n) if max(stats[k, 2], stats[k, 3]) >= 2]
    if len(dots) < MIN_DOTS or any(max(stats[k, 2], stats[k, 3]) > 0.45 * height for k in dots):
        return None
    if any((off + cents[k][1] - top) / height > LOW for k in dots):
        return None
    dots.sort(key=lambda k: stats[k, 0])
    text = "·"
    for a, b in zip(dots, dots[1:]):
        gap = stats[b, 0] - (stats[a, 0] + stats[a, 2])
        text += (" ·" if gap > max(stats[a, 2], stats[b, 2]) else "·")
    return text
