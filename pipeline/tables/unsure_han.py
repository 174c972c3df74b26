"""Scans: a table's Chinese words the page's recognizer was unsure of, read again by the larger recognizer.

In a table's cell a Chinese character read wrong is a cell missed: `嵌人` for `嵌入`, `买` for `头`, `緊` for `繫`,
`謹` for `譯`. The page's second opinion reads again only lines the recognizer was unsure of as a whole, and a cell
is a short line of its own, its doubt hidden in the average of a long row. The larger recognizer, given the word
alone, reads most of these right. So each word inside a found table with a Han character and a confidence under
``UNSURE`` is read again from its piece of the page, and its Han characters take the new reading where it is
alike in length and differs in Han characters only: marks, digits and Latin letters stay as first read (the
larger recognizer writes a full-width `）` ASCII as often as the other way). On a page read as traditional
Chinese the new reading is written traditional too (pipeline/traditional_script.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.tables.model import Table, Token
from pipeline.traditional_script import is_traditional, script_counts, written_traditional

UNSURE = 0.96  # a word read with less confidence than this is read again
PAD_HEIGHTS = 0.3  # the crop reaches this many of the word's heights beyond its box left and right (as the page's crops)


def _han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def unsure_han_read_again(tables: list[Table], tokens: list[Token], level: Callable[..., np.ndarray | None],
                          read: Callable) -> None:
    """The cells of ``tables`` (in the tokens' frame) with their unsure Chinese words read again, in place."""
    picks, crops = [], []
    for t in tokens:
        if t.confidence >= UNSURE or not any(_han(c) for c in t.text):
            continue
        cell = next((c for table in tables for c in table.cells if t.text in c.text
                     and c.box[0] <= t.cx <= c.box[2] and c.box[1] <= t.cy <= c.box[3]), None)
        if cell is None:
            continue
        pad = PAD_HEIGHTS * t.height
        crop = level(t.box[0] - pad, t.box[1], t.box[2] + pad, t.box[3])
        if crop is not None:
            picks.append((t, cell))
            crops.append(crop)
    if not crops:
        return
    traditional = is_traditional(*script_counts("".join(t.text for t in tokens)))
    for (t, cell), again in zip(picks, read(crops)):
        text = again.text.strip()
        if traditional:
            text = written_traditional(text)
        if len(text) != len(t.text) or text == t.text:
            continue
        if all(a == b or _han(a) and _han(b) for a, b in zip(t.text, text)):
            cell.text = cell.text.replace(t.text, text, 1)
