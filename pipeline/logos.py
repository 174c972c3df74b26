"""Logos typeset as shifted letters, put back as their text spells them.

The LaTeX logo raises a small A between L and T and lowers the E; the
recognizer reads the raised A and the L as one glyph or drops one, giving
``ATEX``, ``LTEX``, ``IATEX`` or ``ÉTEX`` for ``LATEX``. Only those spellings are
mended, and only as a whole word or after an engine prefix (pdfLATEX): the
plain TeX logo (``TEX``) and ``ETEX`` (ε-TeX) also exist, so they stay.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar

T = TypeVar("T")

_MISREAD_LATEX = re.compile(r"(?<![A-Za-z])((?:pdf|Lua|Xe|up|p)?)(ATEX|LTEX|IATEX|1ATEX|ÉTEX|ÈTEX)(?![a-z])")


def mend_logos(chars: list[T]) -> list[T]:
    """Characters (dataclasses with ``char``) with misread LaTeX logos spelled LATEX."""
    text = "".join(c.char for c in chars)  # type: ignore[attr-defined]
    if "TEX" not in text:
        return chars
    out = list(chars)
    # Right to left, so earlier match positions stay valid.
    for m in reversed(list(_MISREAD_LATEX.finditer(text))):
        start, end = m.start(2), m.end(2)
        first = out[start]
        spelled = [replace(first, char="L"), replace(first, char="A")] + out[end - 3 : end]
        out[start:end] = spelled
    return out
