"""Punctuation decided per page, from what the page's lines show."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.punct_widths import page_separator_widths
from pipeline.punctuation import curly_quotes
from pipeline.quote_shapes import quote_look

Crops = Callable[[list[int]], list[np.ndarray]]


def page_punctuation(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """Separators the page sets ASCII made so; then quotes, which a page prints all curly or all
    straight. ``crops`` gives the images the lines were read from (by index), so that the shapes of
    a line's quote pairs (``quote_look``) decide that line, and tell the page's style to the rest."""
    decoded = page_separator_widths(decoded)
    quoted = [i for i, d in enumerate(decoded) if any(q in d.text for q in "'\"")]
    if not quoted:
        return decoded
    looks = [quote_look(decoded[i], crop) for i, crop in zip(quoted, crops(quoted))] if crops else [None] * len(quoted)
    text = "\n".join(d.text for d in decoded)
    read_quotes = any(q in text for q in "“”‘") or any(_quote_not_apostrophe(text, k) for k, ch in enumerate(text) if ch == "’")
    # A curly apostrophe is no proof on its own where pairs measure straight: the FDL as printed
    # has straight double quotes and ’ in Document’s.
    curly_page = "curly" in looks or read_quotes or ("’" in text and "straight" not in looks)
    # Where some pairs look curly, a line that looks straight is taken for a misjudged pair (small
    # print, as octave-refcard's ‘up’); code quoted straight beside curly prose is curled, as before.
    if "curly" in looks:
        looks = [None if look == "straight" else look for look in looks]
    out = list(decoded)
    for i, look in zip(quoted, looks):
        if look == "curly" or (look is None and curly_page):
            out[i] = DecodedLine(tuple(curly_quotes(list(decoded[i].chars))), decoded[i].steps)
    return out


def _quote_not_apostrophe(text: str, k: int) -> bool:
    """Whether the ’ at ``k`` closes a quote rather than joins two letters (don’t)."""
    return not (0 < k < len(text) - 1 and text[k - 1].isalpha() and text[k + 1].isalpha())
