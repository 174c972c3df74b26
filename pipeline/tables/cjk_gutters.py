"""Scans: a line of Chinese that the OCR read as one word across a table's columns, cut at its gutters.

Chinese is set with no spaces, so a table's header row (`文档类选项   正文基础行距   脚注基础行距`)
comes from the detector as one line and from the recognizer as one word: the table step then has one
token where the row has three cells, and the header is lost. Where the token's ink leaves blank stripes
wider than a gutter, the token is cut there, and its characters are shared out by the pieces' widths:
Chinese characters and full-width marks all stand on the same pitch, so a piece holds as many
characters as its width takes pitches. Only tokens all of such characters are cut, and only where
every piece's share comes out within a third of a character of a whole number.

Inside a table whose other rows show the gutter (``cut_at``), a token of Chinese with ASCII characters
among them is cut too (a cell's `日期/时间`, each ASCII character taken as half a pitch), and a piece may
end in a closing mark where the blank after it is wider than the mark's own: the mark's ink then ends
half a pitch short of its cell.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from pipeline.tables.crop_ink import crop_ink
from pipeline.tables.model import Token
from pipeline.tables.words import is_cjk

GAP_EMS = 0.8  # a blank stripe this many character heights wide is a gutter (between characters: ~0.1)
# Where a table's rows already show a gutter, a blank this wide in a header word across it will do: a web page's
# columns are as wide as their longest cell and a padding, and header cells set that close part by under 0.5.
HEADER_GAP_EMS = 0.25
SIDE_BEARING_EMS = 0.1  # the blank a character leaves beside its ink, on the pitch
SLACK = 0.3  # a piece's share may miss a whole number of characters by this much
HALF = 0.5  # an ASCII character's width in a line of Chinese, in characters: a digit's or a slash's, about
CLOSING_BLANK_EMS = 0.5  # the blank a closing full-width mark leaves after its ink, at most
CLOSING = "，。、；：？！）」』】〉》”’"  # full-width marks whose ink sits left, their blank right
# Figures are set on one pitch too (tabular digits), so a number the OCR read across a gutter (a spreadsheet's grey
# row number and the first cell's value, `6 0` read `60`) is shared out as Chinese is.
DIGITS = set("0123456789")


def split_at_gutters(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    out = []
    for t in tokens:
        pieces = _pieces(t, level) if len(t.text) >= 2 and all(is_cjk(ch) for ch in t.text) else None
        out.extend(pieces or [t])
    return out


def cut_at(t: Token, level: Callable[..., np.ndarray | None], gutters: list[tuple[float, float]]) -> list[Token]:
    """A word of Chinese across the ``gutters`` (stripes of the page no other row's word covers, from x to
    x) cut where its ink leaves a blank of HEADER_GAP_EMS inside one; as it was if none."""
    figures = len(t.text) >= 2 and all(ch in DIGITS for ch in t.text)
    if not figures and (sum(is_cjk(ch) for ch in t.text) < 2
                        or not all(is_cjk(ch) or ch.isascii() and ch != " " for ch in t.text)):
        return [t]

    def cut(a: float, b: float, em: float) -> bool:
        return b - a >= HEADER_GAP_EMS * em and any(lo < b and a < hi for lo, hi in gutters)
    return _pieces(t, level, cut, CLOSING_BLANK_EMS + HEADER_GAP_EMS) or [t]


def _pieces(t: Token, level: Callable[..., np.ndarray | None], cut: Callable[[float, float, float], bool] | None = None,
            after_closing: float | None = None) -> list[Token] | None:
    """The token cut at the blanks in its ink ``cut`` takes (the blank's ends on the page, the text's
    height): by default those GAP_EMS wide. A blank after a closing full-width mark is the mark's own, and
    no cut, unless ``after_closing`` character heights wide (a gutter past the mark's own blank)."""
    # a word's box is placed from the recognizer's steps and may end inside its first or last character:
    # the crop reaches half a height further each way, and keeps the ink that reaches into the box
    reach = 0.5 * t.height
    crop = level(t.box[0] - reach, t.box[1], t.box[2] + reach, t.box[3])
    if crop is None or crop.size == 0:
        return None
    ink = crop_ink(crop)
    if ink is None:
        return None
    # the text is the tallest band of inked rows: a table's rules above and below, or the next line's
    # ascenders, are bands of their own past a blank row
    band, y = (0, 0), 0
    for inked, group in itertools.groupby(ink.any(axis=1)):
        n = len(list(group))
        if inked and n > band[1] - band[0]:
            band = (y, y + n)
        y += n
    em = float(band[1] - band[0])
    cols = np.flatnonzero(ink[band[0]:band[1]].any(axis=0))
    if em < 4 or cols.size == 0:
        return None
    # ink runs across the token, split where the blank between two inked columns is a gutter
    x0 = float(max(0, round(t.box[0] - reach)))  # the crop's left edge on the page
    if cut is None:
        def cut(a: float, b: float, em: float) -> bool:
            return b - a >= GAP_EMS * em
    runs, start = [], cols[0]
    for a, b in zip(cols[:-1], cols[1:]):
        if b - a > 1 and cut(x0 + a + 1, x0 + b, em):
            runs.append((start, a + 1))
            start = b
    runs.append((start, cols[-1] + 1))
    runs = [(a, b) for a, b in runs if x0 + b > t.box[0] and x0 + a < t.box[2]]
    if len(runs) < 2:
        return None
    bearing = SIDE_BEARING_EMS * em
    widths = [1.0 if is_cjk(ch) else HALF for ch in t.text]
    ink = [b - a + bearing for a, b in runs]
    counts = _shared(t.text, widths, [w * sum(widths) / sum(ink) for w in ink], False)
    # Between a table's columns a piece may end in a closing mark, whose blank is no ink: the pitch is then
    # the ink over the characters less those blanks (as many as the pieces that end so, tried in turn).
    for blanks in range(1, len(runs) + 1) if counts is None and after_closing is not None else ():
        unit = sum(ink) / (sum(widths) - CLOSING_BLANK_EMS * blanks)
        counts = _shared(t.text, widths, [w / unit for w in ink], True)
        if counts is not None and sum(t.text[e - 1] in CLOSING for e in itertools.accumulate(counts)) == blanks:
            break
        counts = None
    if counts is None:
        return None
    ends = [sum(counts[:k + 1]) - 1 for k in range(len(counts) - 1)]
    wide = [after_closing is not None and runs[k + 1][0] - runs[k][1] >= after_closing * em for k in range(len(ends))]
    if any(t.text[e] in CLOSING and not w for e, w in zip(ends, wide)):
        return None  # the blank is a full-width mark's own (`这种形式，比如`), not a gutter
    out, k = [], 0
    for (a, b), n in zip(runs, counts):
        out.append(Token(t.text[k:k + n], (x0 + a, t.box[1], x0 + b, t.box[3]), t.confidence))
        k += n
    return out


def _shared(text: str, widths: list[float], shares: list[float], blanks: bool) -> list[int] | None:
    """How many of ``text``'s characters each piece holds: those whose widths come nearest its share, within
    SLACK of it (a closing mark ending a piece without its blank, with ``blanks``); None if any misses."""
    def inked(k: int, n: int) -> float:
        return sum(widths[k:k + n]) - (CLOSING_BLANK_EMS if blanks and text[k + n - 1] in CLOSING else 0.0)
    counts, k = [], 0
    for share in shares[:-1]:
        if k >= len(widths) - 1:
            return None
        n = min(range(1, len(widths) - k), key=lambda n: abs(inked(k, n) - share))
        if abs(inked(k, n) - share) > SLACK:
            return None
        counts.append(n)
        k += n
    if k >= len(widths) or abs(inked(k, len(widths) - k) - shares[-1]) > SLACK:
        return None
    return counts + [len(widths) - k]
