"""A full stop read as a comma, told from its ink: a comma's tail hangs below the baseline, a point sits on it.

At the end of a sentence in a scanned serif text (``\\hangafter. If``) the recognizer sometimes reads the
point as a comma, with a quarter to a half of its weight on the point. The crop it read shows which:
the point is a round dot resting on the baseline of the word before it, the comma's tail reaches below
it. So a comma the model also weighed as a point (``DecodedChar.second``, kept by ``ctc``) before a
capitalised word is measured as the ink piece under its steps, against the letters before it, and made a point
where it neither hangs below their baseline nor stands taller than wide. A comma run into its letter
(one piece) or not found alone is left as read. So too a comma after a word's closing quote or bracket
before a capital (``“if”, In``) and one before a closing bracket (``etc,)``), where a clause rarely ends.
A comma that opens a word after a word (``several , aux files``) is a point by the text alone: no clause
starts with a comma, while a file's extension starts with a point.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reread_chars

# A point's lowest ink lies at most this far below the letters' baseline (in their median height), and
# it stands at most this many times as tall as wide. On six English scans in 10-pt type (crops as read,
# 32-42 px): points read as points reach 0.083 below at most, commas before a capital that the model
# also weighed as points 0.10 or more; commas stand 1.2-3.0 times as tall as wide, points 1.0-1.7. In
# 7-pt references (latex-brochure p.3) points reach 0.11: such a point read as a comma stays one.
_POINT_DROP, _POINT_TALL = 0.09, 1.7
# Letters measured before the mark.
_LETTERS = 4
# The gap allowed between the letters and the mark, in the line's ink band: half of it, and this much
# more for each closing quote or bracket between them.
_GAP, _CLOSER_GAP = 0.5, 0.6
_CLOSERS, _BRACKETS = "\"”’')]", ")]"
# The word after a comma that opens one (an extension: aux, bib, tex) has this many small letters at least.
_EXTENSION = 2


def mark_measure(line: DecodedLine, ink: LineInk, k: int, closers: int = 0) -> tuple[float, float] | None:
    """(drop, tallness) of the mark at ``k``: how far its lowest ink lies below the baseline of the
    letters before it, in their median height, and its height over its width; ``closers`` closing quotes
    or brackets stand between them. None where the mark or its letters cannot be found as pieces of
    their own."""
    stats = ink.pieces[2]
    glyphs, band = ink.glyph_pieces()
    if not glyphs or band < 12:
        return None
    mark = line.chars[k]
    m = ink.mark_piece(glyphs, band * 0.5, mark.start, mark.end, line.steps)
    if m is None:
        return None
    mx, my, mw, mh = (int(v) for v in stats[m, :4])
    # The letters: the tall pieces ending left of the mark, nearest first, up to the word space before them.
    before = sorted((p for p in glyphs if stats[p, 3] >= band * 0.4 and stats[p, 0] + stats[p, 2] <= mx + 1),
                    key=lambda p: -(stats[p, 0] + stats[p, 2]))[:_LETTERS]
    if len(before) < 2 or mx - (stats[before[0], 0] + stats[before[0], 2]) > band * (_GAP + _CLOSER_GAP * closers):
        return None
    base = float(np.median([stats[p, 1] + stats[p, 3] for p in before]))
    height = float(np.median([stats[p, 3] for p in before]))
    # It must sit low: its top below the letters' middle (not a quote or a speck above).
    if my < base - height * 0.5:
        return None
    # A comma's thin tail is often lighter than Otsu's level and breaks off its head: the mark reaches
    # down as far as its columns hold ink at half that contrast, row after row.
    loose = ink.gray[my:, max(0, mx - 1) : mx + mw + 1] < (ink.level + float(np.median(ink.gray))) / 2
    rows = loose.any(axis=1)
    reach = int(np.argmin(rows)) if not rows.all() else len(rows)
    bottom = my + max(mh, reach)
    return (bottom - base) / height, (bottom - my) / max(1, mw)


def _is_point(drop: float, tall: float) -> bool:
    """Whether these measures show a point rather than a comma (see ``_POINT_DROP``)."""
    return drop <= _POINT_DROP and tall <= _POINT_TALL


def sentence_points(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """The lines with each comma before a capitalised word that the model also weighed as a point made a
    point where its ink shows one (``crops`` gives the images the lines were read from, by index), and
    each such comma that opens a word made a point."""
    return reread_chars([_opening_points(d) for d in decoded], crops, _candidate, _point_from_ink, ",")


def _point_from_ink(line: DecodedLine, ink: LineInk, k: int):
    shape = mark_measure(line, ink, k, k - 1 - _letter_before(line.chars, k))
    return replace(line.chars[k], char=".", second=",") if shape is not None and _is_point(*shape) else None


def _candidate(line: DecodedLine, k: int) -> bool:
    """A comma after a Latin letter (and the word's closing quotes or brackets), before a space and a
    capitalised word, that the model also weighed as a point; or such a comma right after a letter and
    before a closing bracket. Only there: on dark or small print (l2tabu p.20, a reference list in 7-pt
    type) the model weighs points on many commas and their tails merge into the letters, so a measure
    that calls them points is wrong as often as right before a small letter or at a line's end; a
    sentence starts with a capital. Not before an initial (``Goossens, M.``): a name in a reference
    list, not a new sentence."""
    chars = line.chars
    if not (0 < k < len(chars) - 1 and chars[k].char == "," and chars[k].second == "."):
        return False
    j = _letter_before(chars, k)
    if j < 0 or not _latin_letter(chars[j].char):
        return False
    if chars[k + 1].char in _BRACKETS:
        return j == k - 1
    if k + 2 >= len(chars):
        return False
    after = chars[k + 2].char
    initial = k + 3 < len(chars) and chars[k + 3].char == "."
    return chars[k + 1].char == " " and after.isupper() and _latin_letter(after) and not initial


def _letter_before(chars, k: int) -> int:
    """The index of the character before ``k`` that is no closing quote or bracket (-1: none)."""
    j = k - 1
    while j >= 0 and chars[j].char in _CLOSERS:
        j -= 1
    return j


def _opening_points(line: DecodedLine) -> DecodedLine:
    """``line`` with each comma the model also weighed as a point that opens a word (after a word and a
    space, before small letters, a space between them or not) made a point. Not after a mark: after a
    list's comma a comma alone is an entry of its own (an index's ``,``)."""
    if "," not in line.text:
        return line
    chars = list(line.chars)
    for k, c in enumerate(chars):
        if c.char != "," or c.second != "." or k < 2 or chars[k - 1].char != " " or not chars[k - 2].char.isalnum():
            continue
        start = k + 2 if k + 1 < len(chars) and chars[k + 1].char == " " else k + 1
        end = start
        while end < len(chars) and _latin_letter(chars[end].char) and chars[end].char.islower():
            end += 1
        if end - start >= _EXTENSION and (end == len(chars) or not chars[end].char.isalnum()):
            chars[k] = replace(c, char=".", second=",")
    return line if tuple(chars) == line.chars else replace(line, chars=tuple(chars))


def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x250
