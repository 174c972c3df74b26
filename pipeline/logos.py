"""Logos typeset as shifted letters, put back as their text spells them.

The TeX logo lowers its E below the line: the recognizer reads it as g, p,
y, ę or F (``TgX``, ``MacTpX``), none of which spells a word with T and X,
so such a T?X is mended to TEX. The LaTeX logo raises a small A between L
and T as well; the recognizer reads the raised A and the L as one glyph or
drops one, giving ``ATEX``, ``LTEX``, ``IATEX``, ``ÉTEX``, ``ETEX``, ``øTEX``,
``∆TEX``, ``BTEX``, ``ITEX``, ``lTEX``, ``lATEX``, ``NTEX``, ``STEX``, ``LøTEX`` or
``IETEX`` for ``LATEX``. Those are mended only as a whole word or after an engine prefix
(pdfLATEX, AMS-LATEX): the plain TeX logo (``TEX``) stays, and so does
ε-TeX, which is printed with its ε and a hyphen (``ε-TEX``, ``e-TEX``).
The XeTeX and XeLaTeX logos mirror their first E: the recognizer reads it as
q or g (``XqTEX``, ``XgETEX``, ``XqlATEX``, ``Xg∆TeX``), a pair no word
starts with before a TeX logo; it is written Ǝ, and up to two glyphs between
it and the TEX are the LaTeX logo's L and A.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar

T = TypeVar("T")

_LOWERED_E = re.compile(r"T([gpyęF])X")
_MIRRORED_E = re.compile(r"(?<![A-Za-z])X[qg](\S{0,2}?)T[Ee]X")
_MISREAD_LATEX = re.compile(
    r"(?<![A-Za-z-])((?:pdf|Lua|Xe|up|p|AMS-)?)(ATEX|LTEX|IATEX|lATEX|1ATEX|ÉTEX|ÈTEX|ETEX|øTEX|ØTEX|∆TEX|L∆TEX"
    # The L and its raised A read as one glyph, or as two where the A is some other mark.
    r"|[lIBNSW8ß]TEX|L[øØ∆Δ]TEX|I[E8N/]TEX)(?![a-z])")


def mend_logos(chars: list[T]) -> list[T]:
    """Characters (dataclasses with ``char``) with misread TeX and LaTeX logos spelled TEX and LATEX."""
    text = "".join(c.char for c in chars)  # type: ignore[attr-defined]
    if "X" not in text:
        return chars
    out = list(chars)
    for m in _LOWERED_E.finditer(text):
        out[m.start(1)] = replace(out[m.start(1)], char="E")
    text = "".join(c.char for c in out)  # type: ignore[attr-defined]
    # Right to left, so earlier match positions stay valid.
    for m in reversed(list(_MIRRORED_E.finditer(text))):
        first = out[m.start() + 1]
        head = [replace(first, char=ch) for ch in ("ƎLA" if m.group(1) else "Ǝ")]
        tex = [replace(c, char=ch) for c, ch in zip(out[m.end() - 3 : m.end()], "TEX")]  # its E is lowered too
        out[m.start() + 1 : m.end()] = head + tex
    text = "".join(c.char for c in out)  # type: ignore[attr-defined]
    for m in reversed(list(_MISREAD_LATEX.finditer(text))):
        start, end = m.start(2), m.end(2)
        first = out[start]
        spelled = [replace(first, char="L"), replace(first, char="A")] + out[end - 3 : end]
        out[start:end] = spelled
    return out
