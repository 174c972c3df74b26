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
# straight -0.05..+0.03, curly +0.065..+0.26 (two curly lines at +0.01 and +0.02); a single straight
# pair in a degraded monospace line measured +0.046. The page's median must reach the curly range.
_CURLY_LIFT = 0.06


def page_punctuation(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """Separators the page sets ASCII made so; then quotes, which a page prints all curly or all
    straight. ``crops`` gives the images the lines were read from (by index), so that the shapes of
    the lines' quote pairs (``quote_lift``) decide; without them, or with no pair to measure, the
    readings do."""
    decoded = page_separator_widths(decoded)
    quoted = [i for i, d in enumerate(decoded) if any(q in d.text for q in "'\"")]
    if not quoted:
        return decoded
    measured = {i: quote_lift(decoded[i], crop) for i, crop in zip(quoted, crops(quoted))} if crops else {}
    lifts = [lift for lift in measured.values() if lift is not None]
    text = "\n".join(d.text for d in decoded)
    read_curly = any(q in text for q in "“”‘") or any(
        ch == "’" and not (text[k - 1 : k].isalpha() and text[k + 1 : k + 2].isalpha()) for k, ch in enumerate(text))
    # The page's pairs together decide (one pair misjudged on a tilted scan does not turn a page);
    # lines without a pair to measure follow them, or a quote read curly (not an apostrophe: the
    # FDL prints ’ in Document’s and straight double quotes), as prose quoted curly beside code
    # quoted straight does; with nothing measured, any curly reading decides, as before.
    if lifts:
        curly = float(np.median(lifts)) >= _CURLY_LIFT
        chosen = [i for i in quoted if curly or (measured.get(i) is None and read_curly)]
    else:
        chosen = quoted if any(q in text for q in "“”‘’") else []
    out = list(decoded)
    for i in chosen:
        out[i] = DecodedLine(tuple(curly_quotes(list(decoded[i].chars))), decoded[i].steps)
    return out
