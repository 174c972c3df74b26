"""Digits of a written date put right where the date as read cannot be one.

On a blurred scan a small 0 fills in and is read 8 (``Updated: 2818-81-15``), yet the model still gives
the 0 some weight. A date written year, month, day (``2018-01-15``, ``2007/01/14``) says which fields
are impossible: a month over 12, a day over 31, a year past 2099. Each such field takes, among the
digits the model weighed on its steps, the likeliest reading that is a possible field; a field that is
possible is never touched, so a date read right stays as read.
"""
from __future__ import annotations

import re
from dataclasses import replace
from itertools import product

import numpy as np

# Year, month and day joined by one separator, not inside a longer run of digits.
_DATE = re.compile(r"(?<![\d.])(\d{4})([-/])(\d{2})\2(\d{2})(?![\d.])")
_DIGITS = "0123456789"
# A digit the model weighed this much on a character's steps may be what was printed. The 0s read 8 in the
# scans' dates weigh 0.057-0.29; a sharp 8 leaves the 0 under 0.01.
_MIN_OTHER = 0.02
_RANGES = ((1000, 2099), (1, 12), (1, 31))


def date_digits(chars: list, probs: np.ndarray, index: dict[str, int]) -> list:
    """``chars`` (decoded characters) with each impossible field of a date read again from ``probs``."""
    text = "".join(c.char for c in chars)
    if "-" not in text and "/" not in text:
        return chars
    out = list(chars)
    for m in _DATE.finditer(text):
        for group, (low, high) in zip((1, 3, 4), _RANGES):
            a, b = m.span(group)
            if low <= int(text[a:b]) <= high:
                continue
            fixed = _likeliest_field(out[a:b], probs, index, low, high)
            if fixed is not None:
                out[a:b] = fixed
    return out


def _likeliest_field(field: list, probs: np.ndarray, index: dict[str, int], low: int, high: int):
    """The field's characters as the likeliest possible number among the digits weighed on their steps."""
    options = []
    for c in field:
        weights = probs[c.start : c.end, [index[d] for d in _DIGITS]].max(axis=0)
        options.append([(d, float(w)) for d, w in zip(_DIGITS, weights) if d == c.char or w >= _MIN_OTHER])
    best, best_weight = None, 0.0
    for choice in product(*options):
        number = "".join(d for d, _ in choice)
        weight = float(np.prod([w for _, w in choice]))
        if low <= int(number) <= high and weight > best_weight:
            best, best_weight = choice, weight
    if best is None:
        return None
    return [c if d == c.char else replace(c, char=d, confidence=w) for c, (d, w) in zip(field, best)]
