"""Punctuation decided per page, from what the page's lines show."""
from __future__ import annotations

from pipeline.ctc import DecodedLine
from pipeline.punct_widths import page_separator_widths
from pipeline.punctuation import curly_quotes


def page_punctuation(decoded: list[DecodedLine]) -> list[DecodedLine]:
    """Separators the page sets ASCII made so; if any line shows curly quotes, the page prints
    them: fix the other lines' quotes."""
    decoded = page_separator_widths(decoded)
    if not any(q in d.text for d in decoded for q in "“”‘’"):
        return decoded
    return [DecodedLine(tuple(curly_quotes(list(d.chars))), d.steps) if any(q in d.text for q in "'\"“”‘’") else d
            for d in decoded]
