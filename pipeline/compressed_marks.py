"""Full-width marks read as ASCII on a page that sets them compressed.

Some Chinese typesetting (ctex's and xeCJK's punctuation styles) sets a full-width comma, colon or
bracket in half an em or less, where its ink and blank look like the ASCII mark's: the recognizer
reads ``:`` and ``(``, and the mark's width (pipeline/punct_widths.py) cannot tell either. What the
page shows is that it compresses: most of the separators read full-width between Chinese text leave
less than a word space after them ("half") rather than an em cell. On such a page a mark read ASCII
is full-width where its neighbours make it part of the Chinese text:

- a separator after an ideograph that keeps more than a side bearing from it and less than a word
  space after it (an ASCII one in Chinese text hugs the ideograph: 潮流; 同 and 出版社, 2017 stay);
- a bracket with an ideograph inside it, or touching Chinese text outside it (such a page puts a
  quarter em of glue between an ideograph and Latin text or an ASCII mark, so 使用 (pdf)LaTeX's ASCII
  bracket stands apart); the two of a pair alike, and a bracket touching a full-width one.

Spaces read beside a mark made full-width are dropped: its cell holds its blank.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedLine
from pipeline.punct_widths import neighbour
from pipeline.punctuation import bracket_pairs, is_ideograph

_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
_SEPARATORS = set(",:;，：；")
# At least this many separators look compressed, more than look like an em cell or like ASCII ones:
# the page compresses its full-width marks.
_MIN_HALF = 5


def compressed_marks(decoded: list[DecodedLine]) -> list[DecodedLine]:
    """``decoded`` with the ASCII marks of Chinese text full-width, where the page compresses its
    full-width marks (the separators' looks recorded by pipeline/punct_widths.py show it)."""
    looks = [c.width for d in decoded for c in d.chars if c.width and c.char in _SEPARATORS]
    half = looks.count("half") + looks.count("half-apart")
    if half < _MIN_HALF or half <= looks.count("cell") or half <= looks.count("ascii") + looks.count("near"):
        return decoded
    return [_full_width(d) if any(is_ideograph(c.char) for c in d.chars) else d for d in decoded]


def _full_width(line: DecodedLine) -> DecodedLine:
    chars = line.chars
    text = [c.char for c in chars]
    full = set()
    for i, c in enumerate(chars):
        if c.char in ",:;" and c.width == "half-apart" and is_ideograph(neighbour(chars, i, -1)):
            full.add(i)
        elif c.char in "()":
            inside = neighbour(chars, i, 1 if c.char == "(" else -1)
            if is_ideograph(inside) or c.width == "tight":
                full.add(i)
    pairs = bracket_pairs(text, "(（", ")）")
    while True:
        # Brackets touching a full-width one (nested, 右）), or (gitee)）) are alike, as are the two of a pair.
        more = {i for i, ch in enumerate(text) if ch in "()" and i not in full and any(
            k in full or text[k] in "（）" for k in (i - 1, i + 1) if 0 <= k < len(text))}
        more |= {k for i, j in pairs if i in full or j in full for k in (i, j) if text[k] in "()"}
        if not more - full:
            break
        full |= more
    if not full:
        return line
    out = []
    for i, c in enumerate(chars):
        if c.char == " " and (i - 1 in full or i + 1 in full):
            continue
        out.append(replace(c, char=_FULL[c.char]) if i in full else c)
    return DecodedLine(tuple(out), line.steps)

