"""Scans: short items in a table's column that the OCR boxed wrong, read again row by row.

- Numbers one under the other ("21" … "26", set 11 pt apart) are detected
  as one tall box and read as one mark ("I", "T"): the table step got one
  token for several rows. Such a box is cut at the rows read beside it and
  each piece read on its own. Two items stacked make a box under two line
  heights, read as one odd glyph (`二` over `三` as `言`), unsure: cut too.
- A lone digit or mark ("2" under "1") the detector did not box at all: its
  row was glued to the row above as a wrapped cell. Where the line above or
  below has a short first item set apart by a gutter, the ink at that place
  on this line is read.
Crops come from the page turned level (the tokens' frame), a row's height
tall and padded left and right as the page's line crops are; a stack's
pieces are then brought in to their ink, as the detector boxes a glyph.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.tables.crop_ink import crop_ink, ink_level
from pipeline.tables.phrases import GUTTER
from pipeline.tables.model import Token
from pipeline.tables.words import line_height, text_lines
from pipeline.bar_pipes import lone_bar
from pipeline.ink_pieces import ink_pieces
from pipeline.line_ink import LineInk

TALL = 2.0  # a token this many line heights tall beside two or more rows is a stack of items
# Two items stacked span less than two line heights (a row's pitch is a glyph and its leading), and a box
# over both is read as one odd glyph (`二` over `三` as `言`), unsure: as tall as this and read that unsure
# is a stack too. A sure glyph this tall (a large bracket, a heading's letter) keeps its box.
TALL_UNSURE, UNSURE = 1.6, 0.5
HUG_INK = 0.25  # a row of a stack's crop is ink where it holds this share of its busiest row's (specks aside)
HUG_PAD = 0.2  # a piece's crop reaches this share of its ink's height beyond its ink each way
MIN_INK_INCH = 0.02  # ink smaller than this each way is a speck, not a mark
PAD_HEIGHTS = 0.3  # a crop reaches this many line heights beyond the ink left and right (as the page's crops)
# A column rule's ink is at most this share of the row's height wide: a scan's blur and threshold widen a
# hairline to several times the least ink that counts (a table's frame read as `1` or `一之` beside its wrapped rows).
RULE_WIDTH = 0.4


BARS = "|｜丨"


def _clean(text: str) -> str:
    return text.strip().strip(BARS).strip()


def split_stacked(tokens: list[Token], level: Callable[..., np.ndarray | None], read: Callable) -> list[Token]:
    """Each tall token with two or more rows of text beside it replaced by one token per row, read
    from its piece of the page; a piece read as nothing is left out."""
    if len(tokens) < 4:
        return tokens
    h = line_height(tokens)
    tall = [t for t in tokens if t.height > TALL * h or t.height > TALL_UNSURE * h and t.confidence < UNSURE]
    if not tall:
        return tokens
    out = [t for t in tokens if t not in tall]
    for t in tall:
        beside = [u for u in out if t.box[1] <= u.cy <= t.box[3] and u.height < 1.5 * h
                  and (u.box[0] >= t.box[2] or u.box[2] <= t.box[0])]
        rows = [(min(u.box[1] for u in r), max(u.box[3] for u in r)) for r in text_lines(beside)]
        # a row that has its own word where the tall box stands (a header above the stack) keeps it
        rows = [(y0, y1) for y0, y1 in rows if not any(
            u.box[0] < t.box[2] and t.box[0] < u.box[2] and min(y1, u.box[3]) - max(y0, u.box[1]) > 0.5 * u.height
            for u in out)]
        if len(rows) < 2:
            out.append(t)
            continue
        top = max(0.0, t.box[1])  # the stack's crop's top on the page
        rows = _cut_overlaps(rows, _ink_rows(level(t.box[0], t.box[1], t.box[2], t.box[3])), top)
        crops, bands = [], []
        for y0, y1 in rows:
            pad = PAD_HEIGHTS * (y1 - y0)
            crop = level(t.box[0] - pad, y0, t.box[2] + pad, y1)
            if crop is not None:
                crops.append(_hugged(crop))
                bands.append((y0, y1))
        pieces = [Token(_clean(d.text), (t.box[0], y0, t.box[2], y1), d.confidence)
                  for d, (y0, y1) in zip(read(crops), bands)]
        out.extend(p for p in pieces if p.text)
    return out


def _ink_rows(crop: np.ndarray | None) -> np.ndarray | None:
    """Per row of the crop, its ink (darker than the paper by a third of the contrast); None for blank paper."""
    if crop is None:
        return None
    ink = crop_ink(crop)
    return None if ink is None else ink.sum(axis=1)


def _cut_overlaps(rows: list[tuple[float, float]], ink: np.ndarray | None, top: float) -> list[tuple[float, float]]:
    """The rows' bands, where two of them overlap (a tight pitch: boxes padded past the leading) cut at
    the emptiest line of the stack's ink between them: a band reaching into the next item takes its top
    stroke along (`二` with the top of the `三` under it read `三`). ``ink`` is per row from ``top`` on."""
    out = [list(r) for r in rows]
    for a, b in zip(out, out[1:]):
        if a[1] <= b[0] or ink is None:
            continue
        lo, hi = max(0, int(b[0] - top)), min(len(ink), int(a[1] - top) + 1)
        if hi <= lo:
            continue
        mid = (lo + hi - 1) / 2
        # the emptiest line of the overlap, the one nearest its middle among equals
        cut = top + min(range(lo, hi), key=lambda y: (ink[y], abs(y - mid)))
        a[1], b[0] = cut, cut
    return [(y0, y1) for y0, y1 in out if y1 > y0]


def _hugged(crop: np.ndarray) -> np.ndarray:
    """The crop brought in to its ink and a little paper, as the detector boxes a glyph: with a glyph's
    height of blank above or beside it, the recognizer reads a lone `二` as `三`."""
    ink = crop_ink(crop)
    if ink is None:
        return crop
    per_row = ink.sum(axis=1)
    rows = np.flatnonzero(per_row >= HUG_INK * per_row.max())
    cols = np.flatnonzero(ink[rows[0]:rows[-1] + 1].any(axis=0))
    pad = max(2, round(HUG_PAD * (rows[-1] + 1 - rows[0])))
    y0, y1 = max(0, rows[0] - pad), min(crop.shape[0], rows[-1] + 1 + pad)
    x0, x1 = max(0, cols[0] - pad), min(crop.shape[1], cols[-1] + 1 + pad)
    return crop[y0:y1, x0:x1]


def _ink(crop: np.ndarray, least: int, tall: np.ndarray | None = None) -> tuple[int, int, int, int] | None:
    """The box of the crop's ink (darker than its paper by a third of the contrast, in pieces at
    least ``least`` px across and not across the crop), None for blank paper, specks or rules. With
    ``tall`` (the same columns reaching a crop's height above and below it), a thin piece across the crop
    is a column rule only where its ink runs on beyond the crop: a `|` printed as text stops."""
    cut = ink_level(crop)
    if cut is None:
        return None
    ink = (crop < cut).astype(np.uint8)
    n, _, stats, _ = ink_pieces(ink)
    ch = crop.shape[0]
    boxes = []
    for x, y, w, hgt, _ in stats[1:n]:
        if max(w, hgt) < least:
            continue  # a speck
        if w > 3 * hgt and w > 0.5 * ch or hgt > 0.9 * ch and w < max(least, RULE_WIDTH * ch) and _runs_on(tall, ch, x, w, cut):
            continue  # a rule: a row rule under the text, a column rule
        if (y == 0 or y + hgt == ch) and hgt < 0.5 * ch:
            continue  # the edge of a letter of the line above or below
        boxes.append((x, y, w, hgt))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes))


def _runs_on(tall: np.ndarray | None, ch: int, x: int, w: int, cut: float) -> bool:
    """Whether the ink in columns ``x`` to ``x + w`` of the middle ``ch`` rows of ``tall`` (a crop with as
    many rows again above and below) runs on unbroken past them, by half the crop's height above or below
    (a rule crosses rows; a `|` is a glyph's height and stops a leading's gap short of the next line's).
    Without ``tall``, every such piece is taken for a rule. ``cut``: the crop's ink level (``ink_level``), which
    the piece was found by."""
    if tall is None:
        return True
    ink = tall < cut
    top = (tall.shape[0] - ch) // 2
    rows = ink[:, max(0, x - 1):x + w + 1].any(axis=1)
    up = top
    while up > 0 and rows[up - 1]:
        up -= 1
    down = top + ch
    while down < len(rows) and rows[down]:
        down += 1
    return top - up >= ch / 2 or down - (top + ch) >= ch / 2


def missed_items(tokens: list[Token], level: Callable[..., np.ndarray | None], read: Callable, dpi: float) -> list[Token]:
    """Short first items the detector did not box (a "2" under a "1"), read where the line above or
    below has a short item of its own, set apart by a gutter, and this line has ink but no word."""
    if len(tokens) < 4:
        return tokens
    h = line_height(tokens)
    rows = text_lines(tokens)
    firsts: list[Token | None] = [_short_first(r, h) for r in rows]
    least = max(3, int(MIN_INK_INCH * dpi))
    added: list[Token] = []
    # down the page, then up: each item found is a neighbour the next line may lean on
    for i in [*range(len(rows)), *range(len(rows) - 1, -1, -1)]:
        row = rows[i]
        y0, y1 = min(t.box[1] for t in row), max(t.box[3] for t in row)
        for j in (i - 1, i + 1):
            f = firsts[j] if 0 <= j < len(rows) else None
            # the neighbour's item is a line away and left of this line's words, by a gutter
            if f is None or abs(f.cy - (y0 + y1) / 2) > 1.8 * h or f.box[2] + GUTTER * h > row[0].box[0]:
                continue
            x0, x1 = f.box[0] - h, min(f.box[2] + h, row[0].box[0] - 0.3 * h)
            if any(t.box[0] < x1 and x0 < t.box[2] and min(y1, t.box[3]) - max(y0, t.box[1]) > 0.25 * h
                   for t in tokens + added):
                break
            crop = level(x0, y0, x1, y1)
            ch = round(y1) - round(y0)  # the crop's rows, as ``level`` rounds them
            tall = level(x0, round(y0) - ch, x1, round(y1) + ch)
            if tall is not None and crop is not None and tall.shape != (3 * crop.shape[0], crop.shape[1]):
                tall = None  # cut by the page's edge: the rows would not line up
            ink = _ink(crop, least, tall) if crop is not None else None
            if ink is None:
                break
            pad = PAD_HEIGHTS * (y1 - y0)
            ox = max(0.0, x0)  # the crop's left edge on the page
            piece = level(max(x0, ox + ink[0] - pad), y0, min(x1, ox + ink[2] + pad), y1)
            d = read([piece])[0] if piece is not None else None
            read_as = d.text.strip() if d is not None else ""
            # bars alone were read from ink that is no rule (the rules were left out of it): text
            text = read_as if read_as and not read_as.strip(BARS) else _clean(read_as)
            if text == "1" and lone_bar(LineInk(piece)):
                text = "|"  # a lone `|` item (an operator table's) read as the digit it looks most like
            if text:
                tok = Token(text, (ox + ink[0], y0, ox + ink[2], y1), d.confidence)
                added.append(tok)
                firsts[i] = tok
            break
    return tokens + added


def _short_first(row: list[Token], h: float) -> Token | None:
    """The line's first word when it is a short item set apart from the rest by a gutter."""
    first = row[0]
    if first.box[2] - first.box[0] > 4 * h:
        return None
    if len(row) > 1 and row[1].box[0] - first.box[2] < GUTTER * h:
        return None
    return first
