"""Punctuation the recognizer reads as a look-alike, put right from context.

The recognizer sees glyph shapes: a full-width bracket, a closing curly
quote or an en dash look much like ``)``, ``"`` or a minus sign. Where the
surrounding text shows which one was printed, use that one. Works on one
line's characters, one-for-one, so character positions stay valid.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

T = TypeVar("T")


def is_cjk(ch: str) -> bool:
    return (
        "\u2e80" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"
        or "\u3000" <= ch <= "\u303f"
    )


_FULLWIDTH = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _cjk_punctuation(text: list[str]) -> list[str]:
    """Use full-width punctuation inside Chinese text.

    The recognizer often reads a full-width bracket or comma as its ASCII
    twin (the glyphs differ mostly in spacing). A bracket touching a
    Chinese character or full-width mark, or a comma/colon between two
    ideographs, is full-width in Chinese typesetting; brackets are then
    matched to their partner's width.
    """
    out = list(text)
    for i, ch in enumerate(text):
        if ch not in _FULLWIDTH:
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "()":
            if (prev and is_cjk(prev)) or (nxt and is_cjk(nxt)):
                out[i] = _FULLWIDTH[ch]
        elif prev and nxt and _is_ideograph(prev) and _is_ideograph(nxt):
            out[i] = _FULLWIDTH[ch]
    # Match bracket widths: an ASCII ")" closing a full-width "（" (and vice versa).
    stack: list[int] = []
    for i, ch in enumerate(out):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            j = stack.pop()
            if (out[j] == "（") != (ch == "）"):
                out[j], out[i] = "（", "）"
    return out


def _typographic_quotes(text: list[str], force: bool = False) -> list[str]:
    """Straight double quotes become curly ones when the line (or, with
    ``force``, the page) already has curly ones.

    Opening or closing is decided by the neighbours: a quote before a
    letter or digit and not right after one opens; any other closes.
    """
    if not force and not any(ch in "“”" for ch in text):
        return text
    out = list(text)
    for i, ch in enumerate(text):
        # Curly ones too: the recognizer also confuses “ and ” with each other.
        if ch not in '"“”':
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        # Opens before a word when not glued to the end of one: this also
        # holds after a dropped space (`,"Services`).
        opens = nxt.isalnum() and not prev.isalnum()
        out[i] = "“" if opens else "”"
    return out


def _dashes(text: list[str]) -> list[str]:
    """A minus sign standing alone between spaces is an en dash in prose."""
    out = list(text)
    for i, ch in enumerate(text):
        if ch == "\u2212" and 0 < i < len(text) - 1 and text[i - 1] == " " and text[i + 1] == " ":
            out[i] = "\u2013"
    return out


def normalize_punctuation(chars: list[T]) -> list[T]:
    """Apply the context rules to decoded characters (dataclasses with a ``char`` field)."""
    text = [c.char for c in chars]  # type: ignore[attr-defined]
    fixed = _dashes(_typographic_quotes(_cjk_punctuation(text)))
    return [c if f == c.char else replace(c, char=f) for f, c in zip(fixed, chars)]  # type: ignore[attr-defined]


def curly_quotes(chars: list[T]) -> list[T]:
    """Page-level pass: the page prints curly quotes, so this line's straight ones are misreads."""
    text = [c.char for c in chars]  # type: ignore[attr-defined]
    fixed = _typographic_quotes(text, force=True)
    return [c if f == c.char else replace(c, char=f) for f, c in zip(fixed, chars)]  # type: ignore[attr-defined]
