"""Chinese and Greek look-alikes on a page of Latin text written as the glyphs the model weighed next.

The recognizer reads Chinese and Latin alike, and a glyph it is unsure of can come out as a Chinese
character or full-width mark of much the same shape: an operator card's ``+`` as 十, ``-`` as 一,
``/`` as 八, a comma as ，, a parenthesis as （. Where the page is Latin text (Chinese characters a
small share of what it reads), such a character standing alone among Latin glyphs is a misreading,
and the model's likeliest glyph of no CJK block (``DecodedChar.second``, kept by ``ctc`` only when it
weighed enough) is what was printed. A Chinese page, a Chinese word quoted on a Latin page (two
characters side by side) and a character printed clearly (the model weighs nothing else) keep theirs.
A lone stroke character the model weighed nothing else for (small code print, an ``=`` alone in its own
box read 三 or 二, a ``-`` read 一 by the second opinion) is the mark of its shape: on such a page no word
is one bare Chinese numeral.

Greek likewise: an italic a in code (``det(a)``) reads as α, a u as μ, a p as ρ, with much of the weight on
the Latin letter. Where Greek letters are a small share of the page's letters, one not beside another (a
Greek word) that keeps a Latin second becomes it; one after a digit stays (LATEX 2ε's ε is printed so).
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops
from pipeline.punctuation import is_cjk, is_greek

# A page is Latin while Chinese characters are at most this share of its non-space characters (the
# corpus's Chinese pages hold at least 35 %).
_MAX_CJK_SHARE = 0.03
# … and Latin while Greek letters are at most this share of its letters.
_MAX_GREEK_SHARE = 0.03
# Chinese characters drawn as bars alone, and the Latin mark of each shape.
_STROKES = {"一": "-", "二": "=", "三": "=", "十": "+"}


def latin_look_alikes(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """On a page of Latin text, the lines with each lone Chinese character or full-width mark that has a
    second glyph written as that glyph, and each lone stroke character without one as its mark (``crops`` unused:
    the page-level checks' common signature)."""
    text = "".join(d.text for d in decoded)
    glyphs = sum(not ch.isspace() for ch in text)
    if not glyphs or sum(is_cjk(ch) for ch in text) > _MAX_CJK_SHARE * glyphs:
        return decoded
    letters = sum(ch.isalpha() for ch in text)
    few_greek = sum(is_greek(ch) for ch in text) <= _MAX_GREEK_SHARE * letters
    out = []
    for line in decoded:
        chars = line.chars
        fixed = tuple(_latin(chars, k, few_greek) for k in range(len(chars)))
        out.append(line if fixed == chars else replace(line, chars=fixed))
    return out


def _latin(chars, k: int, few_greek: bool):
    """The character at ``k`` as the Latin glyph it stands for, or as read."""
    c = chars[k]
    if is_cjk(c.char) and not _beside(chars, k, is_cjk):
        mark = c.second or _STROKES.get(c.char, "")
        return replace(c, char=mark) if mark else c
    if c.second and few_greek and is_greek(c.char) and _lone_greek(chars, k):
        return replace(c, char=c.second)
    return c


def _beside(chars, k: int, which) -> bool:
    return any(0 <= j < len(chars) and which(chars[j].char) for j in (k - 1, k + 1))


def _lone_greek(chars, k: int) -> bool:
    """A Greek letter beside no other and not after a digit (``2ε``, ``2 ε``)."""
    prev = next((c.char for c in reversed(chars[:k]) if c.char != " "), "")
    return not _beside(chars, k, is_greek) and not prev.isdigit()
