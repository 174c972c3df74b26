"""A bracketed term a page sets in angle brackets written so where it was read in round ones.

Mathematical angle brackets (⟨name⟩) are told from parentheses by their ink (pipeline/math_angles.py),
and on a blurred scan a thin or grey bracket's edge is too ragged for that to decide: most of a page's
⟨种加词⟩ come out angled, one stays ``(种加词)``. A document sets a placeholder the same way each time it
names it, so a term the page shows in angle brackets at least as often as in round ones takes the angle
brackets everywhere on the page. A term found only in round brackets, or more often so, stays as read.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops
from pipeline.punctuation import bracket_pairs

_ROUND_OPEN, _ROUND_CLOSE = "(（", ")）"
_ANGLE_OPEN, _ANGLE_CLOSE = "⟨", "⟩"
_MAX_TERM = 30  # characters: a placeholder, not a parenthetical sentence


def same_brackets(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """The page's lines with each round-bracketed term that the page sets in angle brackets at least as
    often written in angle brackets (``crops`` unused: the page-level checks' common signature)."""
    found = [_terms(line) for line in decoded]
    angled = Counter(term for terms in found for term, shape, _ in terms if shape == "angle")
    if not angled:
        return decoded
    round_ = Counter(term for terms in found for term, shape, _ in terms if shape == "round")
    out = []
    for line, terms in zip(decoded, found):
        chars = list(line.chars)
        for term, shape, (i, j) in terms:
            if shape == "round" and angled[term] and angled[term] >= round_[term]:
                chars[i] = replace(chars[i], char=_ANGLE_OPEN)
                chars[j] = replace(chars[j], char=_ANGLE_CLOSE)
        out.append(line if tuple(chars) == line.chars else replace(line, chars=tuple(chars)))
    return out


def _terms(line: DecodedLine) -> list[tuple[str, str, tuple[int, int]]]:
    """(term, "round" or "angle", pair positions) of the line's bracket pairs that hold a term: a short
    run of text with a letter or ideograph and no bracket of its own."""
    text = [c.char for c in line.chars]
    out = []
    for i, j in bracket_pairs(text, _ROUND_OPEN + _ANGLE_OPEN, _ROUND_CLOSE + _ANGLE_CLOSE):
        shape = "angle" if text[i] == _ANGLE_OPEN else "round"
        if (text[j] == _ANGLE_CLOSE) != (shape == "angle"):
            continue  # a round bracket closed by an angle one: no pair the page sets
        term = "".join(text[i + 1 : j]).strip()
        if (0 < len(term) <= _MAX_TERM and any(ch.isalpha() for ch in term)
                and not any(ch in _ROUND_OPEN + _ROUND_CLOSE + _ANGLE_OPEN + _ANGLE_CLOSE for ch in term)):
            out.append((term, shape, (i, j)))
    return out
