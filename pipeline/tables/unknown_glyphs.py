"""Scans: a traditional character the page's recognizer cannot name, read by the larger recognizer.

The page's recognizer knows about 6,900 characters, the larger one about 18,700. A traditional character
outside the smaller set (`繫` of `多體繫結構`) is read as the simplified character it looks most like (`紧`), and
on a traditional page ``pipeline/traditional_script.py`` writes that one's traditional form (`緊`): a real
character, but not the one printed. The larger recognizer names the glyph, but re-reads only the lines the
first was unsure of. So on a page that reads as traditional, each word of a table's cell holding a character the
traditional step may have written is read again by the larger recognizer (the page's prose is not: read
again, it cost as much as the rest of the table step on such pages), and only such characters change, and only to a
character the page's recognizer has no class for (so it could not have read it): everything else in both
readings must agree.
"""
from __future__ import annotations

from collections.abc import Callable, Container

import numpy as np

from pipeline.punctuation import IDEOGRAPH
from pipeline.tables.model import Table, Token
from pipeline.traditional_script import is_traditional, script_counts, written_traditional

PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right


def unknown_glyphs_read_again(tables: list[Table], tokens: list[Token], level: Callable[..., np.ndarray | None],
                              known: Container[str], read: Callable) -> list[Table]:
    """``tables`` (boxes in ``tokens``' frame) with each character the traditional step may have written, in a
    cell's word, changed where ``read`` (the larger recognizer) reads it as one outside ``known`` (the page's
    recognizer's characters)."""
    written = written_traditional()
    text = "".join(t.text for t in tokens)
    if not tables or not any(c in written for c in text) or not is_traditional(*script_counts(text)):
        return tables
    cells = [c for t in tables for c in t.cells]
    crops, which = [], []
    for t in tokens:
        if not any(c in written and c not in known for c in t.text):
            continue
        cell = next((c for c in cells if c.box[0] <= t.cx <= c.box[2] and c.box[1] <= t.cy <= c.box[3]), None)
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3]) if cell is not None else None
        if crop is not None:
            crops.append(crop)
            which.append((t.text, cell))
    for (first, cell), again in zip(which, read(crops) if crops else []):
        second = again.text.strip()
        # a written character (one the page's recognizer has no class for either) may become another it cannot
        # name; every other character must read the same
        if len(second) == len(first) and second != first and all(
                a == b or (a in written and a not in known and b not in known and IDEOGRAPH.match(b))
                for a, b in zip(first, second)):
            cell.text = cell.text.replace(first, second, 1)
    return tables
