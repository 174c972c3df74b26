"""Punctuation decided per page, from what the page's lines show."""
from __future__ import annotations

from pipeline.ctc import DecodedLine
from pipeline.punctuation import curly_quotes


def page_punctuation(decoded: list[DecodedLine]) -> list[DecodedLine]:
    """If any line shows curly quotes, the page prints them: fix straight ones elsewhere."""
    if not any("“" in d.text or "”" in d.text for d in decoded):
        return decoded
    return [DecodedLine(tuple(curly_quotes(list(d.chars))), d.steps) if '"' in d.text else d for d in decoded]
