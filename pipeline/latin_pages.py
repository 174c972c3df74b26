"""Chinese look-alikes on a page of Latin text written as the glyphs the model weighed next.

The recognizer reads Chinese and Latin alike, and a glyph it is unsure of can come out as a Chinese
character or full-width mark of much the same shape: an operator card's ``+`` as 十, ``-`` as 一,
``/`` as 八, a comma as ，, a parenthesis as （. Where the page is Latin text (Chinese characters a
small share of what it reads), such a character standing alone among Latin glyphs is a misreading,
and the model's likeliest glyph of no CJK block (``DecodedChar.second``, kept by ``ctc`` only when it
weighed enough) is what was printed. A Chinese page, a Chinese word quoted on a Latin page (two
characters side by side) and a character printed clearly (the model weighs nothing else) keep theirs.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedLine
from pipeline.page_rereads import Crops
from pipeline.punctuation import is_cjk

# A page is Latin while Chinese characters are at most this share of its non-space characters (the
# corpus's Chinese pages hold at least 35 %).
_MAX_CJK_SHARE = 0.03


def latin_look_alikes(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """On a page of Latin text, the lines with each lone Chinese character or full-width mark that has a
    second glyph written as that glyph (``crops`` unused: the page-level checks' common signature)."""
    text = "".join(d.text for d in decoded)
    glyphs = sum(not ch.isspace() for ch in text)
    if not glyphs or sum(is_cjk(ch) for ch in text) > _MAX_CJK_SHARE * glyphs:
        return decoded
    out = []
    for line in decoded:
        chars = line.chars
        fixed = tuple(replace(c, char=c.second) if is_cjk(c.char) and c.second and not _beside_cjk(chars, k) else c
                      for k, c in enumerate(chars))
        out.append(line if fixed == chars else replace(line, chars=fixed))
    return out


def _beside_cjk(chars, k: int) -> bool:
    return any(0 <= j < len(chars) and is_cjk(chars[j].char) for j in (k - 1, k + 1))
