"""Scans: ink in a ruled table's cell that holds no word, read.

The page's detector misses short, faint or small marks standing alone (a row of middle dots `· · ·`, a lone
dash for "none"): their cell comes out empty, and a column of nothing but such marks is dropped as empty,
which costs the table its shape as well. A ruled cell's rules say exactly where its text can be, so a cell
enclosed by rules on all four sides, with no word in it and ink inside its rules, is read from that ink.
Only cells of one grid position: a spanning cell's text crosses its inner positions, and the piece of it
in one of them is not a word.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.tables.middle_dots import middle_dots_in_place
from pipeline.tables.model import Token
from pipeline.tables.reread import MIN_INK_INCH, PAD_HEIGHTS, _clean, _ink

Box = tuple[float, float, float, float]
INSET = 0.03  # inches kept clear inside a cell's rules: a rule's width and its scanned blur


def empty_cell_reader(tokens: list[Token], level: Callable[..., np.ndarray | None], read: Callable,
                      dpi: float) -> Callable[[list[Box]], list[Token]]:
    """A reader for ``ruled_tables``: given boxes of empty cells (the tokens' frame), the words read from
    their ink. ``tokens`` are the page's, the line context that tells middle dots from periods."""

    def reader(boxes: list[Box]) -> list[Token]:
        least = max(3, int(MIN_INK_INCH * dpi))
        inset = INSET * dpi
        found: list[tuple[np.ndarray, Box]] = []
        for x0, y0, x1, y1 in boxes:
            x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
            crop = level(x0, y0, x1, y1)
            ink = _ink(crop, least) if crop is not None else None
            if ink is None:
                continue
            ox = max(0.0, x0)  # the crop's left edge on the page
            ix0, ix1 = ox + ink[0], ox + ink[2]
            # the line's height round the ink as the page's line crops have it: a mark alone (dots, a
            # dash) is far shorter than the line, and the recognizer reads it by its place in the line
            pad = PAD_HEIGHTS * (y1 - y0)
            piece = level(max(x0, ix0 - pad), y0, min(x1, ix1 + pad), y1)
            if piece is not None:
                found.append((piece, (ix0, y0, ix1, y1)))
        if not found:
            return []
        # Dots first, by their ink (middle_dots: small pieces halfway up the row's letters): the recognizer
        # reads a lone row of middle dots as anything from `.` to `o.` or nothing at all.
        dots = middle_dots_in_place(tokens + [Token("...", box) for _, box in found], level)[len(tokens):]
        added = [t for t in dots if t.text != "..."]
        rest = [(p, box) for (p, box), t in zip(found, dots) if t.text == "..."]
        for d, (_, box) in zip(read([p for p, _ in rest]) if rest else [], rest):
            if _clean(d.text):
                added.append(Token(_clean(d.text), box, d.confidence))
        return added

    return reader
