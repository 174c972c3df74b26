"""Raised and lowered digits written as the digits they are.

The recognizer's charset holds Unicode's superscript and subscript digits (``¹ ² ₁``), and it reads a
footnote mark (``New²``, ``程序²``) or an index (``I₁``) with them. A document's text holds such a digit
as a plain one in a smaller size, set higher or lower: that is what a PDF's text layer gives, and what
a search for ``I1`` or a footnote's number finds. Done on the page's decoded lines once the spacing of
each line is decided, so that a footnote mark keeps the spacing of a mark (no space put between it and
the Chinese text before it, as a plain digit would get: pipeline/spacing.py).
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops

_PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "01234567890123456789")


def plain_digits(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """The lines with every superscript or subscript digit written as its plain digit (``crops`` unused:
    the page-level checks' common signature)."""
    out = []
    for line in decoded:
        plain = tuple(c if c.char == (p := c.char.translate(_PLAIN)) else replace(c, char=p) for c in line.chars)
        out.append(line if plain == line.chars else replace(line, chars=plain))
    return out
