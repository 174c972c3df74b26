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

A lone Chinese character or kana the model weighed nothing else for, on such a page, is read from its ink where
that is made only of points, quotes and slanting strokes (the glyphs the recognizer merges into 八 or い: ``.\\``
read 八, ``\\’`` read い): a small piece low in the group's ink is a point, one high a closing quote, a stroke leaning
back a backslash, one leaning forward a slash. Ink of any other shape (an ``<`` or ``+`` read 八 or 士) is left as read.
A lone full-width mark with no second is its ASCII form (``。`` in a row of leader dots). A ± the model weighed a
Latin letter for (the x of ``x >= y`` in small code print) is that letter unless a rule runs under its ink.

Greek likewise: an italic a in code (``det(a)``) reads as α, a u as μ, a p as ρ, with much of the weight on
the Latin letter. Where Greek letters are a small share of the page's letters, one not beside another (a
Greek word) that keeps a Latin second becomes it; one after a digit stays (LATEX 2ε's ε is printed so).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import numpy as np

from pipeline.backslashes import stroke_lean
from pipeline.ctc import DecodedChar, DecodedLine, beside
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reads_any, reread_chars
from pipeline.punctuation import CJK, GREEK, is_cjk, is_greek

# A page is Latin while Chinese characters are at most this share of its non-space characters (the
# corpus's Chinese pages hold at least 35 %).
_MAX_CJK_SHARE = 0.03
# … and Latin while Greek letters are at most this share of its letters.
_MAX_GREEK_SHARE = 0.03
# Chinese characters drawn as bars alone, and the Latin mark of each shape.
_STROKES = {"一": "-", "二": "=", "三": "=", "十": "+", "。": "."}
# A piece of a lone character's ink read as a mark, in the group's ink height: a point at most this share of it
# tall and no taller than wide (a comma is), its centre in its lowest ``_EDGE``; a quote at most ``_QUOTE`` of it
# tall (a typewriter ’ is half a backslash), its centre in its highest ``_EDGE``; a stroke at least half of it tall,
# leaning at least ``_MIN_LEAN`` columns per row (backslashes.py: a typewriter backslash 0.4-0.6, an upright 0).
_POINT = 0.3
_QUOTE = 0.5
_EDGE = 0.35
_MIN_LEAN = 0.3
# What lines must read for _latin to change them, or to hold a character _from_ink asks about.
_CJK_OR_GREEK = re.compile(f"{CJK.pattern}|{GREEK.pattern}")
_CJK_OR_PLUS_MINUS = re.compile(f"{CJK.pattern}|±")
# A ± the model weighed a Latin letter for is that letter unless a row low in its ink is one run this share of its
# width: the rule under its plus.
_RULE = 0.6


def latin_look_alikes(decoded: list[DecodedLine], crops: Crops | None = None) -> list[DecodedLine]:
    """On a page of Latin text, the lines with each lone Chinese character or full-width mark that has a
    second glyph written as that glyph, each lone stroke character or full-width mark without one as its mark,
    and each other lone one whose ink (from ``crops``) is points, quotes and slanting strokes as those marks."""
    text = "".join(d.text for d in decoded)
    glyphs = len(text) - sum(map(str.isspace, text))
    if not glyphs or len(CJK.findall(text)) > _MAX_CJK_SHARE * glyphs:
        return decoded
    letters = sum(map(str.isalpha, text))
    few_greek = len(GREEK.findall(text)) <= _MAX_GREEK_SHARE * letters
    out = []
    for line in decoded:
        chars = line.chars
        if not reads_any(line, _CJK_OR_GREEK):  # nothing _latin changes
            out.append(line)
            continue
        fixed = tuple(_latin(chars, k, few_greek) for k in range(len(chars)))
        out.append(line if fixed == chars else replace(line, chars=fixed))
    if crops is None:
        return out
    return [_split(line) for line in reread_chars(out, crops, _from_ink, _marks_from_ink, _CJK_OR_PLUS_MINUS)]


def _from_ink(line: DecodedLine, k: int) -> bool:
    """A lone Chinese character or kana left as read, or a ± the model weighed a Latin letter for."""
    c = line.chars[k]
    return (is_cjk(c.char) and not beside(line.chars, k, is_cjk)) or (c.char == "±" and c.second.isalpha())


def _latin(chars, k: int, few_greek: bool):
    """The character at ``k`` as the Latin glyph it stands for, or as read."""
    c = chars[k]
    if is_cjk(c.char) and not beside(chars, k, is_cjk):
        mark = c.second or _STROKES.get(c.char, "") or _ascii_form(c.char)
        return replace(c, char=mark) if mark else c
    if c.second and few_greek and is_greek(c.char) and _lone_greek(chars, k):
        return replace(c, char=c.second)
    return c


def _lone_greek(chars, k: int) -> bool:
    """A Greek letter beside no other and not after a digit (``2ε``, ``2 ε``)."""
    prev = next((c.char for c in reversed(chars[:k]) if c.char != " "), "")
    return not beside(chars, k, is_greek) and not prev.isdigit()


def _ascii_form(ch: str) -> str:
    """A full-width form's ASCII glyph (``（`` → ``(``), else ""."""
    form = unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" else ""
    return form if form.isascii() else ""


def _marks_from_ink(line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    """The character at ``k`` as the marks its ink shows, several in one ``char`` (``_split`` parts them), or None
    where any piece of it is no point, quote or slanting stroke."""
    glyphs, _ = ink.glyph_pieces()
    stats = ink.pieces[2]
    centres = ink.centres(line.chars, line.steps)
    # Its ink is what lies nearer it than the glyphs either side (a space has none, and fires off its gap's middle).
    near = [j for j in range(len(centres)) if j == k or line.chars[j].char != " "]
    at = near.index(k)
    left = (centres[near[at - 1]] + centres[k]) / 2 if at else 0.0
    right = (centres[k] + centres[near[at + 1]]) / 2 if at + 1 < len(near) else float(ink.shape[1])
    mine = sorted((p for p in glyphs if left <= stats[p, 0] + stats[p, 2] / 2 < right), key=lambda p: stats[p, 0])
    if not mine:
        return None
    top = min(int(stats[p, 1]) for p in mine)
    height = max(int(stats[p, 1] + stats[p, 3]) for p in mine) - top
    if line.chars[k].char == "±":
        return None if any(_ruled_foot(ink, p) for p in mine) else replace(line.chars[k], char=line.chars[k].second)
    marks = [_mark(ink, p, top, height) for p in mine]
    if height < 8 or not all(marks):
        return None
    return replace(line.chars[k], char="".join(marks), second="")


def _ruled_foot(ink: LineInk, p: int) -> bool:
    """Whether a row in the lowest quarter of piece ``p`` is one run across most of its width: the rule under a
    ±'s plus (an x stands on two feet)."""
    x, y, w, h = (int(v) for v in ink.pieces[2][p, :4])
    for row in ink.pieces[1][y + h - max(2, h // 4) : y + h, x : x + w] == p:
        runs = int(np.count_nonzero(np.diff(row.astype(np.int8)) == 1)) + int(row[0])
        if runs == 1 and int(row.sum()) >= _RULE * w:
            return True
    return False


def _mark(ink: LineInk, p: int, top: int, height: int) -> str:
    """Piece ``p`` as a point, closing quote, backslash or slash in a group of ink ``height`` tall from ``top``; ""."""
    x, y, w, h = (int(v) for v in ink.pieces[2][p, :4])
    middle = (y + h / 2 - top) / height
    if middle >= 1 - _EDGE and h <= _POINT * height and h <= w + 1:
        return "."
    if middle <= _EDGE and h <= _QUOTE * height and w <= _QUOTE * height:
        return "’"
    lean = stroke_lean(ink, p) if h >= 0.5 * height else None
    if lean is None or abs(lean) < _MIN_LEAN:
        return ""
    return "\\" if lean > 0 else "/"


def _split(line: DecodedLine) -> DecodedLine:
    """``line`` with each character holding several marks parted into one per mark, on the same time steps."""
    if all(len(c.char) <= 1 for c in line.chars):
        return line
    return replace(line, chars=tuple(replace(c, char=ch) for c in line.chars for ch in (c.char or "")))
