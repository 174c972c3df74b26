"""Where in a decoded line's text a glyph stands that is likely another: the places pipeline/ctc.py's
look-alike rules act on (a typewriter digit in a word of small letters, a point between clauses, an l
where words have an I), from the text alone; the model's weights then decide.
"""
from __future__ import annotations


# Digits that typewriter fonts draw like letters, and the letters they may be.
LOOK_ALIKES = {"1": "liI", "0": "oO", "5": "sS"}
MIN_LOOK_ALIKE_WEIGHT = 0.01
# At a word's edge a digit can be meant (var1, 1cm): the letter needs this much weight.
_MIN_EDGE_WEIGHT = 0.05
# A 1 right after an l is the second l of a doubled one (fill, all): typewriter fonts draw the two
# alike, yet the model leans to the digit for the second, so a trace of l weight is enough.
_MIN_DOUBLED_WEIGHT = 0.005
# Closing marks a clause may end in before its comma, and marks a word may open with.
_CLOSERS, _OPENERS = "\"”’')", "\"“‘'("
# Consonants no word starts with after an l.
_NOT_AFTER_L = set("bcdfghjkmnpqrstvwxz")
# Units a number is glued to: 1cm, 10pt, 1st.
_UNITS = {"pt", "em", "ex", "cm", "mm", "in", "pc", "bp", "px", "dd", "cc", "sp", "st", "nd", "rd", "th"}


def look_alike_weight(text: list[str], i: int) -> float | None:
    """The letter weight a look-alike digit at ``i`` needs to become a letter; None: it stays.

    The digit's run (``11`` in ``Co11ect``) is judged as one: inside a word
    of lower-case letters, or at the edge of one at least two letters long.
    Lower-case only: upper-case codes (WC2B, A1B, ASC11) mix digits in on purpose. After a 2 or 4
    (``rtf21atex``) only where small letters come before that digit and three after it.
    """
    run = digit_run(text, i)
    a, b = run.start, run.stop
    prev = text[a - 1] if a > 0 else " "
    nxt = text[b] if b < len(text) else " "
    doubled = prev == "l" and all(text[j] == "1" for j in run)
    if prev.islower() and nxt.islower():
        return _MIN_DOUBLED_WEIGHT if doubled else MIN_LOOK_ALIKE_WEIGHT
    before = _lower_run(text[:a][::-1])
    after = _lower_run(text[b:])
    if len(before) >= 2 and not nxt.isalnum():
        return _MIN_DOUBLED_WEIGHT if doubled else _MIN_EDGE_WEIGHT
    if len(after) >= 2 and not prev.isalnum() and after not in _UNITS:
        return _MIN_EDGE_WEIGHT
    # A program's name joining two words by a 2 or 4 (rtf2latex, html2latex: to, for): the word after the
    # digit is judged as at a word's edge, where the lone digit follows a word of small letters (a file's
    # tb91thanh, a number's 21st stay).
    if len(after) >= 3 and prev in "24" and a >= 3 and len(_lower_run(text[: a - 1][::-1])) >= 2:
        return _MIN_EDGE_WEIGHT
    return None


def ends_clause(text: list[str], i: int) -> bool:
    """Whether the point at ``i`` follows a word of letters (four or more, or two capitals: an acronym)
    and comes before a space and a word of small letters."""
    if not (i + 2 < len(text) and text[i + 1] == " "):
        return False
    start = i
    while start > 0 and text[start - 1] != " ":
        start -= 1
    word = "".join(text[start:i]).rstrip(_CLOSERS).lstrip(_OPENERS)
    # The next word's letters, up to a mark or a space: a digit after them makes it code (int2str).
    end = i + 2
    while end < len(text) and text[end].isalpha():
        end += 1
    after = "".join(text[i + 2 : end])
    if end < len(text) and text[end].isdigit():
        return False
    latin = all(ch.isalpha() and ord(ch) < 0x250 for ch in word + after)
    return latin and after.islower() and (len(word) >= 4 or (len(word) >= 2 and word.isupper()))


def capital_i_place(text: list[str], i: int) -> bool:
    """Whether the l at ``i`` stands where words have an I, not an l: at a word's start (after a space,
    a slash or nothing) before a consonant or alone, or after two capitals at a word's end."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev in " /":
        return nxt in _NOT_AFTER_L or not nxt.isalnum()
    return i >= 2 and all(ch.isupper() and ch.isascii() for ch in text[i - 2 : i]) and not nxt.isalnum()


def digit_run(text: list[str], i: int) -> range:
    """Positions of the run of look-alike digits holding ``i``."""
    a = i
    while a > 0 and text[a - 1] in LOOK_ALIKES:
        a -= 1
    b = i + 1
    while b < len(text) and text[b] in LOOK_ALIKES:
        b += 1
    return range(a, b)


def _lower_run(chars: list[str]) -> str:
    n = 0
    while n < len(chars) and chars[n].islower():
        n += 1
    return "".join(chars[:n])
