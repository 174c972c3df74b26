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

The other way round, a page that sets its full-width separators in whole em cells compresses no mark, so
a bracket read full-width for touching Chinese text outside it (what pipeline/punct_widths.py takes for a
compressed one, line by line) is an ASCII one there where it touches its text inside too (a full-width one
keeps a side bearing there), and so is its partner (鼠标(将自动识别), as a browser sets it), unless that one
keeps a side bearing's room inside; one about a word space off the Chinese text outside it, or with a space
read there, gets that space back (the steps that took it for a full-width one dropped a space read beside it).
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.punct_widths import neighbour
from pipeline.punctuation import bracket_pairs, is_cjk, is_ideograph

_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
_SEPARATORS = set(",:;，：；")
_HALF = {v: k for k, v in _FULL.items()}
# At least this many separators look compressed, more than look like an em cell or like ASCII ones:
# the page compresses its full-width marks.
_MIN_HALF = 5
# At least this many separators set in em cells, more than look compressed: the page compresses none.
_MIN_CELL = 2


def compressed_marks(decoded: list[DecodedLine]) -> list[DecodedLine]:
    """``decoded`` with the ASCII marks of Chinese text full-width, where the page compresses its
    full-width marks (the separators' looks recorded by pipeline/punct_widths.py show it), or with its
    tight brackets ASCII, where it sets them in em cells."""
    looks = [c.width for d in decoded for c in d.chars if c.width and c.char in _SEPARATORS]
    half = looks.count("half") + looks.count("half-apart")
    cell = looks.count("cell")
    if cell >= _MIN_CELL and cell > half:
        return [_ascii_brackets(d) for d in decoded]
    if half < _MIN_HALF or half <= cell or half <= looks.count("ascii") + looks.count("near"):
        return decoded
    return [_full_width(d) if any(is_ideograph(c.char) for c in d.chars) else d for d in decoded]


def _ascii_brackets(line: DecodedLine) -> DecodedLine:
    chars = line.chars
    # not one before a full-width mark inside (（《自然》: the two marks' cells set flush)
    tight = {i for i, c in enumerate(chars) if c.char in "（）" and c.width.startswith(("tight", "spaced"))
             and c.width.endswith("-hug") and not _full_width_mark(neighbour(chars, i, 1 if c.char == "（" else -1))}
    if not tight:
        return line
    half = set(tight)
    for i, j in bracket_pairs([c.char for c in chars], "(（", ")）"):
        # a partner with a side bearing's room inside, beside Chinese text outside, is a full-width one: both stay
        if (i in tight or j in tight) and not any(chars[k].width.endswith("-room") for k in (i, j)):
            half |= {k for k in (i, j) if chars[k].char in "（）"}
        else:
            half -= {i, j}
    out: list[DecodedChar] = []
    for i, c in enumerate(chars):
        # a space only before an ideograph: a full-width mark outside keeps its own blank
        spaced = i in half and c.width.startswith(("tight-spaced", "spaced"))
        if spaced and c.char == "（" and out and is_ideograph(out[-1].char):
            out.append(DecodedChar(" ", c.confidence, c.start, c.start))
        out.append(replace(c, char=_HALF[c.char]) if i in half else c)
        if spaced and c.char == "）" and i + 1 < len(chars) and is_ideograph(chars[i + 1].char):
            out.append(DecodedChar(" ", c.confidence, c.end, c.end))
    return DecodedLine(tuple(out), line.steps)


def _full_width_mark(ch: str) -> bool:
    return is_cjk(ch) and not is_ideograph(ch)


def _full_width(line: DecodedLine) -> DecodedLine:
    chars = line.chars
    text = [c.char for c in chars]
    full = set()
    for i, c in enumerate(chars):
        if c.char in ",:;" and c.width == "half-apart" and is_ideograph(neighbour(chars, i, -1)):
            full.add(i)
        elif c.char in "()":
            inside = neighbour(chars, i, 1 if c.char == "(" else -1)
            if is_ideograph(inside) or c.width.startswith("tight"):
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

