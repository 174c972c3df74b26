"""Punctuation decided per page, from what the page's lines show."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.punct_widths import page_separator_widths
from pipeline.punctuation import curly_quotes
from pipeline.quote_shapes import quote_lift

Crops = Callable[[list[int]], list[np.ndarray]]
# Opening minus closing quotes' centre of mass (quote_lift), over the corpus's 58 lines with a pair:
# straight -0.05..+0.03, curly +0.065..+0.26 (two curly lines at +0.01 and +0.02). The page's mean
# decides, half-way between.
_CURLY_LIFT = 0.045


def page_punctuation(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """Separators the page sets ASCII made so; then quotes, which a page prints all curly or all
    straight. ``crops`` gives the images the lines were read from (by index), so that the shapes of
    the lines' quote pairs (``quote_lift``) decide; without them, or with no pair to measure, the
    readings do."""
    decoded = page_separator_widths(decoded)
    quoted = [i for i, d in enumerate(decoded) if any(q in d.text for q in "'\"")]
    if not quoted:
        return decoded
    lifts = [quote_lift(decoded[i], crop) for i, crop in zip(quoted, crops(quoted))] if crops else []
    lifts = [lift for lift in lifts if lift is not None]
    if lifts:
        # The page's pairs together: one pair misjudged (small print, a tilted scan) does not turn
        # the page; a printed page keeps one style.
        curly_page = float(np.mean(lifts)) >= _CURLY_LIFT
    else:
        text = "\n".join(d.text for d in decoded)
        curly_page = any(q in text for q in "“”‘’")
    if not curly_page:
        return decoded
    out = list(decoded)
    for i in quoted:
        out[i] = DecodedLine(tuple(curly_quotes(list(decoded[i].chars))), decoded[i].steps)
    return out
