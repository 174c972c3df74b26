"""Scans: an ellipsis of middle dots (`· · ·`, TeX's \\cdots) read as baseline dots or commas, told by its ink.

The recognizer reads a row of middle dots, alone in a cell, as `...`, `,,.` or `。..`: it has seen few dots
off the baseline. Where the dots sit tells them apart: a period's ink is at the foot of the line's letters, a
middle dot's halfway up them. So a word made only of dots and commas, on a line with other words, is taken
as middle dots when every dot of its ink sits in the upper four fifths of the body of those words (their
ink rows, sparse descenders and accents left out); the dots are written apart where their ink stands apart
by more than a dot's width, as the text layer spaces them.

The recognizer is unsure of dots it has not seen, and may read them as anything short (`6 3.`, `< 0 2`, split
into words): so a run of short unsure words, none a letter, is taken as a candidate too, its words as one, and
its ink decides as for dots read as dots. Dots are round: the ticks of ditto marks (`"`) hang as high.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from pipeline.tables.crop_ink import crop_ink
from pipeline.tables.model import Token
from pipeline.tables.words import text_lines
from pipeline.ink_pieces import ink_pieces

DOTS = re.compile(r"[.,。，·…:]+")  # what a middle-dot ellipsis was read as (a lone `.` too: the ink counts its dots)
BODY = 0.3  # a row of ink belongs to the letters' body where it holds this share of the busiest row's ink
LOW = 0.8  # a middle dot's centre is above this share of the body's height (a period's is near its foot)
MIN_DOTS = 2
PAD = 0.25  # the crop reaches this share of the body's height above and below it
BESIDE = 0.8  # and this share beside the word's box: a word box may hold only some of the dots (a gutter is wider)
UNSURE = 0.5  # a word read with less confidence than this, short and without a letter, may be dots misread
SHORT = 3  # characters, spaces aside
ROUND = 2.0  # a dot is at most this much taller than wide or wider than tall


def middle_dots(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """``tokens`` with each run of dots whose ink stands halfway up its line's letters written as middle dots."""
    return [t for t in middle_dots_in_place(tokens, level) if t is not None]


def middle_dots_in_place(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token | None]:
    """As ``middle_dots``, each token at its place: a run of unsure words taken as dots is one token, at its
    first word's place, and None at the others' (a word read as dots is never merged)."""
    out: list[Token | None] = list(tokens)
    index = {id(t): k for k, t in enumerate(tokens)}
    for line in text_lines(tokens):
        runs = _runs(line)
        # the body from the line's sure words (an unsure run's ink may be dots), else from all but dots
        words = [t for t in line if not DOTS.fullmatch(t.text) and not _unsure(t)] or \
            [t for t in line if not DOTS.fullmatch(t.text)]
        if not runs or not words:
            continue
        body = _body(words, level)
        if body is None:
            continue
        for run in runs:
            box = (min(t.box[0] for t in run), min(t.box[1] for t in run),
                   max(t.box[2] for t in run), max(t.box[3] for t in run))
            text = _as_middle_dots(box, body, level)
            if text:
                out[index[id(run[0])]] = Token(text, box, min(t.confidence for t in run))
                for t in run[1:]:
                    out[index[id(t)]] = None
    return out


def _runs(line: list[Token]) -> list[list[Token]]:
    """The line's candidates: a word read as dots alone, and a run of short unsure words without a letter, a
    word space apart at most (a gutter parts two cells)."""
    out: list[list[Token]] = []
    run: list[Token] = []
    for t in line:
        if _unsure(t) and not DOTS.fullmatch(t.text):
            if run and t.box[0] - run[-1].box[2] >= 0.5 * t.height:
                out.append(run)
                run = []
            run.append(t)
            continue
        if run:
            out.append(run)
            run = []
        if DOTS.fullmatch(t.text):
            out.append([t])
    if run:
        out.append(run)
    return out


def _unsure(t: Token) -> bool:
    text = t.text.replace(" ", "")
    return t.confidence < UNSURE and len(text) <= SHORT and not any(ch.isalpha() for ch in text)


def _ink(crop: np.ndarray) -> np.ndarray | None:
    """The crop's ink as 0/1, rules (long flat pieces: a ruled table's row rules) left out, and hairlines one
    pixel across: a column rule beside a narrow cell, broken into bits by the scan, is no dot and no glyph."""
    ink = crop_ink(crop)
    if ink is None:
        return None
    ink = ink.astype(np.uint8)
    n, labels, stats, _ = ink_pieces(ink)
    for k in range(1, n):
        w, h = stats[k, 2], stats[k, 3]
        if w > 3 * h and w > 0.5 * crop.shape[1] or h > 3 * w and h > 0.8 * crop.shape[0] or min(w, h) <= 1:
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


def _as_middle_dots(box: tuple[float, float, float, float], body: tuple[float, float],
                    level: Callable[..., np.ndarray | None]) -> str | None:
    top, foot = body
    height = foot - top
    if height < 4:
        return None
    # the body and a little above and below (not the rules of a ruled row), the word's box and a little beside
    pad = PAD * height
    y0 = top - pad
    crop = level(box[0] - BESIDE * height, y0, box[2] + BESIDE * height, foot + pad)
    ink = _ink(crop) if crop is not None else None
    if ink is None:
        return None
    n, _, stats, cents = ink_pieces(ink)
    off = max(0.0, y0)  # the crop's top on the page
    # dots: small pieces, about as wide as tall (a comma's tail makes it taller), none large
    dots = [k for k in range(1, n) if max(stats[k, 2], stats[k, 3]) >= 2]
    if len(dots) < MIN_DOTS or any(max(stats[k, 2], stats[k, 3]) > 0.45 * height for k in dots):
        return None
    # round, whatever they were read as: the ticks of ditto marks (`"`) also hang halfway up the letters
    if any(max(stats[k, 2], stats[k, 3]) > ROUND * min(stats[k, 2], stats[k, 3]) for k in dots):
        return None
    if any((off + cents[k][1] - top) / height > LOW for k in dots):
        return None
    dots.sort(key=lambda k: stats[k, 0])
    text = "·"
    for a, b in zip(dots, dots[1:]):
        gap = stats[b, 0] - (stats[a, 0] + stats[a, 2])
        text += (" ·" if gap > max(stats[a, 2], stats[b, 2]) else "·")
    # two pieces a dot's width apart or closer are the ticks of a ditto mark (`"`), blurred round by the scan
    return None if text == "··" else text
