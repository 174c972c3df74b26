"""Punctuation the recognizer reads as a look-alike, put right from context.

The recognizer sees glyph shapes: a closing curly quote or an en dash
look much like ``"`` or a minus sign. Where the surrounding text shows
which one was printed, use that one (full-width or ASCII punctuation
beside Chinese is told by its place on the line: pipeline/punct_widths.py). Works on one
line's characters, one-for-one, so character positions stay valid.
"""
from __future__ import annotations

import re
from collections.abc import Callable
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


def is_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff"


def is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# The characters of is_cjk, is_greek and is_ideograph, for counting or finding them in a line's or page's text at once.
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
GREEK = re.compile("[\u0370-\u03ff]")
IDEOGRAPH = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")


def has_ideograph(text: str) -> bool:
    """Whether any character of ``text`` is an ideograph (``is_ideograph``): one search, not a call a character."""
    return IDEOGRAPH.search(text) is not None


def has_cjk(text: str) -> bool:
    """Whether any character of ``text`` is Chinese (``is_cjk``), likewise."""
    return CJK.search(text) is not None


def bracket_pairs(text: list[str], opening: str, closing: str,
                  skip: Callable[[list[str], int], bool] | None = None) -> list[tuple[int, int]]:
    """(opening, closing) positions of the pairs of these brackets in ``text``, innermost first: each
    closing one with the nearest opening one still open before it. ``skip(text, i)`` leaves out a mark
    that is no bracket where it stands (a ``<`` before a digit)."""
    stack: list[int] = []
    out = []
    for i, ch in enumerate(text):
        if skip is not None and skip(text, i):
            continue
        if ch in opening:
            stack.append(i)
        elif ch in closing and stack:
            out.append((stack.pop(), i))
    return out


def _typographic_quotes(text: list[str], force: bool = False) -> list[str]:
    """Quotes made typographic when the line (or, with ``force``, the page)
    already shows curly ones; each quote turned the way it faces.

    The recognizer cannot tell a straight quote from a curly one in many
    fonts (the probabilities of the two stay near 1 : 0 on real pages), nor
    an opening curly quote from a closing one, but a page that prints one
    curly quote prints them all.
    """
    if not force and not any(ch in _CURLY for ch in text):
        return text
    out = _double_quotes(text, force)
    return _single_quotes(out)


_CURLY = "“”‘’"


def _double_quotes(text: list[str], force: bool = False) -> list[str]:
    """Opening or closing from the neighbours: after a space (or at the start
    of the line) a quote opens, before one it closes; between two non-spaces
    it pairs with the quote before it. Chinese needs the pairing: both
    quotes of 所谓“章节”可 sit between two ideographs. With ``force`` (the
    evidence is elsewhere on the page) a straight string glued to code
    punctuation, ``usepackage("amsmath")``, stays straight.
    """
    out = list(text)
    is_open = in_code = False
    for i, ch in enumerate(text):
        # Curly ones too: the recognizer also confuses “ and ” with each other.
        if ch not in '"“”':
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == '"' and force and (in_code or (prev in "({[=," and not is_open)):
            in_code = not in_code
            continue
        if prev.isspace() and not nxt.isspace():
            opens = True
        elif nxt.isspace() or nxt in ".,;:!?)，。；：！？）":
            opens = False
        else:
            # Glued on both sides: `,"Services` after a dropped space opens.
            opens = not is_open
        out[i] = "“" if opens else "”"
        is_open = opens
    return out


def _single_quotes(text: list[str]) -> list[str]:
    """An apostrophe inside or at the end of a word is ’ (don’t, authors’),
    a quote before a word that follows a space or bracket is ‘. A straight
    quote after a digit (a foot or minute mark) stays, unless it closes a
    quote its word opens (‘user11126')."""
    out = list(text)
    for i, ch in enumerate(text):
        if ch not in "'‘’":
            continue
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == "'" and prev.isdigit():
            if _opened(text, i):
                out[i] = "’"
            continue
        if ch == "'" and prev in _CLOSING_MARKS:
            # After a closing mark: the quote its word opens (‘500*'), or a suffix's apostrophe (⟨n⟩'th, }'s).
            if _opened(text, i) or _suffix_after(text, i):
                out[i] = "’"
            continue
        if prev.isalpha() or (prev in ".,!?" and not nxt.isalnum()):
            out[i] = "’"
        elif nxt.isalnum() and (prev.isspace() or prev in "([{“\"—–-"):
            out[i] = "‘"
        elif ch == "'" and not prev.isspace() and _opened(text, i):
            out[i] = "’"  # closing a quoted mark or symbol (‘#’, ‘-’)
        elif ch == "'" and (prev.isspace() or prev in "([{") and _closed(text, i):
            out[i] = "‘"  # opening one
    return out


def _closed(text: list[str], i: int) -> bool:
    """Whether the word starting after ``i`` (a quote) ends with a single quote, before any trailing
    punctuation, and holds no other."""
    k = i + 1
    while k < len(text) and not text[k].isspace() and text[k] not in "'‘’":
        k += 1
    return i + 1 < k < len(text) and text[k] in "'’" and (k + 1 == len(text) or text[k + 1].isspace()
                                                         or text[k + 1] in ".,;:)]}")


# Marks a quoted word or a name in brackets may end with before its closing quote or apostrophe.
_CLOSING_MARKS = "*)]}>⟩"
# What follows an apostrophe after a bracket or a symbol: a possessive's or an ordinal's ending.
_SUFFIXES = ("s", "th", "st", "nd", "rd", "d")


def _suffix_after(text: list[str], i: int) -> bool:
    """Whether the letters after ``i`` make a possessive's or an ordinal's ending, a word's end after them."""
    end = i + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return "".join(text[i + 1 : end]) in _SUFFIXES


def _opened(text: list[str], i: int) -> bool:
    """Whether the word ending before ``i`` begins with a single quote (after a space, a bracket or the
    line's start) and holds no other."""
    k = i - 1
    while k >= 0 and not text[k].isspace() and text[k] not in "'‘’([{":
        k -= 1
    return k >= 0 and text[k] in "'‘" and (k == 0 or text[k - 1].isspace() or text[k - 1] in "([{")


def _dashes(text: list[str]) -> list[str]:
    """A minus sign standing alone between spaces is an en dash in prose."""
    out = list(text)
    for i, ch in enumerate(text):
        if ch == "\u2212" and 0 < i < len(text) - 1 and text[i - 1] == " " and text[i + 1] == " ":
            out[i] = "\u2013"
    return out


def _apostrophes(text: list[str]) -> list[str]:
    """A straight quote between two letters is the apostrophe ’ (don’t): the
    recognizer rarely tells them apart, and printed prose uses ’ there."""
    out = list(text)
    for i in range(1, len(text) - 1):
        if text[i] == "'" and text[i - 1].isalpha() and text[i + 1].isalpha() and text[i + 1].isascii():
            out[i] = "’"
    return out


def normalize_punctuation(chars: list[T]) -> list[T]:
    """Apply the context rules to decoded characters (dataclasses with a ``char`` field)."""
    text = [c.char for c in chars]  # type: ignore[attr-defined]
    fixed = _apostrophes(_dashes(_typographic_quotes(text)))
    return [c if f == c.char else replace(c, char=f) for f, c in zip(fixed, chars)]  # type: ignore[attr-defined]


def curly_quotes(chars: list[T], kinds: str = "'\"") -> list[T]:
    """Page-level pass: the page prints curly quotes, so this line's straight ones are misreads;
    ``kinds``: which of single (``'``) and double (``"``) quotes (a page may set one kind curly and
    the other straight)."""
    text = [c.char for c in chars]  # type: ignore[attr-defined]
    fixed = _double_quotes(text, True) if '"' in kinds else text
    fixed = _single_quotes(fixed) if "'" in kinds else fixed
    return [c if f == c.char else replace(c, char=f) for f, c in zip(fixed, chars)]  # type: ignore[attr-defined]
