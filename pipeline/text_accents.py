"""Accents that a PDF's text layer names as characters of their own, put back on the letter they stand over.

TeX's ``\\accent`` (and fonts without precomposed letters) draws an accent as a glyph of its own over the
letter, and the text layer then names two characters: ``verb˜u`` for the printed verbũ, ``L¨ubeck``,
``soup¸con``, ``Thê´`` (an acute added over ê). Which letter an accent belongs to is told by where it is
drawn, not by its place in the text (it comes before its letter from TeX's ``\\accent``, after it from other
producers): it is joined to the neighbour its box overlaps most, and the pair is composed (NFC) where Unicode
has the letter. ASCII ``^ ~ ` '`` are left alone: they are characters of their own in code and prose.
"""
from __future__ import annotations

import unicodedata

# Spacing accents (Latin-1 and the spacing modifier letters) and the combining marks they stand for.
COMBINING = {
    "\u00a8": "\u0308", "\u00b4": "\u0301", "\u00b8": "\u0327", "\u00af": "\u0304",
    "\u02c6": "\u0302", "\u02c7": "\u030c", "\u02d8": "\u0306", "\u02d9": "\u0307",
    "\u02da": "\u030a", "\u02db": "\u0328", "\u02dc": "\u0303", "\u02dd": "\u030b",
}
# An accent drawn over a letter overlaps it by most of its own width; one set beside a letter (an accent
# named in prose: "the ¨ key") overlaps nothing.
MIN_OVERLAP = 0.3


def has_accents(text: str) -> bool:
    return any(ch in COMBINING for ch in text)


def attach_accents(chars: list[tuple[str, float, float]]) -> list[str]:
    """The texts of ``chars`` (each ``(text, x0, x1)``, in text-layer order) with every spacing accent that is
    drawn over a neighbouring letter moved onto it as a combining mark: the accent's entry becomes ``""``,
    the letter's is composed (NFC). Entries keep their positions, so boxes still line up."""
    out = [c[0] for c in chars]
    for i, (ch, x0, x1) in enumerate(chars):
        if ch not in COMBINING:
            continue
        best, best_overlap = None, MIN_OVERLAP * max(x1 - x0, 1e-6)
        for j in (i - 1, i + 1):
            if 0 <= j < len(chars) and out[j] and out[j][0].isalpha():
                overlap = min(x1, chars[j][2]) - max(x0, chars[j][1])
                if overlap >= best_overlap:
                    best, best_overlap = j, overlap
        if best is not None:
            out[best] = unicodedata.normalize("NFC", out[best] + COMBINING[ch])
            out[i] = ""
    return out
