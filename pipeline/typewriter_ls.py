"""A typewriter l read as a 1 (``1atex``, ``underfu11`` in scanned code), told by the page's own sure ls and 1s.

In a typewriter face the l and the 1 both have a foot serif both sides and ink at the top left (the l's serif,
the 1's flag), and the recognizer reads one for the other with nearly all its weight. A page prints many ls in
the same face and size, read surely beside small letters in words without digits, and some 1s read surely in
numbers. A 1 (with an l the model's next choice) in a word of letters becomes an l where its glyph's picture
(page_glyphs' measures and its height) is clearly nearer the page's sure ls of its size and width than its sure
1s; where the page shows too few sure 1s, where it lies among the sure ls as closely as they lie among
themselves. The reverse (an l read for a 1) is judged the first way only, and only where the l was read
unsurely. A 1 standing alone beside a mark (``C-l``, ``real l)``, ``r, l and``), which no letters beside it
decide, is judged the first way, or among the page's sure ls of its own width only (a serif face's prose 1
is narrower than a typewriter l). Only suspect glyphs' lines, and a bounded number of lines with sure ones,
are cut.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine, word_at
from pipeline.line_ink import LineInk
from pipeline.page_glyphs import (Pictures, clearly_nearer, glyph_boxes, glyph_pictures, has_picture, picture_distance,
                                  picture_spread)
from pipeline.page_rereads import Crops, inks_of, lines_with

# A reading this sure (its best step's weight) shows the page's print of its glyph; an l read less surely
# may be a 1.
_SURE = 0.9
# Sure glyphs compared are about as tall (this share of the height) and as wide (width to height within this).
_SIZE_SLACK = 0.12
_WIDTH_SLACK = 0.15
# Sure ls and 1s wanted to compare the two; sure ls wanted to judge by the ls alone.
_MIN_L = 4
_MIN_ONE = 2
_MIN_L_ALONE = 3
# A lone glyph is judged by the ls alone only against those this near its width (to its height).
_ALONE_WIDTH = 0.05
# Lines with sure glyphs measured at most (besides the suspects' own).
_MAX_LINES = 40
# How far (in spreads) from the sure ls' mean a 1 may lie at most to be judged among them.
_NEAR = 4.0
# … and at most this many times the middle sure l's distance from the others.
_TYPICAL = 1.5


def typewriter_ls(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each 1 in a word of letters whose ink the page's sure ls and 1s show to be an l made
    an l (and each unsure l shown to be a 1 made a 1)."""
    suspects = lines_with(decoded, lambda d, k: _suspect(d.chars, k), "1l")
    if not suspects:
        return decoded
    sure = [i for i in lines_with(decoded, lambda d, k: _sure(d.chars, k), "1l") if i not in suspects][:_MAX_LINES]
    lines = sorted(set(suspects) | set(sure))
    pictures = glyph_pictures(crops)  # page_glyphs has measured many of these glyphs already
    # (line, position, reading, suspect, sure, (width to height, height), the picture with the height appended:
    # measured on first use, as most pages' suspects have too few sure glyphs of their size to compare)
    glyphs = []
    for i, ink in zip(lines, inks_of(crops, lines)):
        chars = decoded[i].chars
        for k, box in glyph_boxes(ink, decoded[i]).items():
            odd, known = _suspect(chars, k), _sure(chars, k)
            if (odd or known) and has_picture(ink.gray, box):
                # the width as the picture holds it (float32)
                size = (float(np.float32(box[2] / box[3])), box[3])
                glyphs.append((i, k, chars[k].char, odd, known, size, partial(_measure, pictures, ink, box)))
    out = list(decoded)
    for i, k, char, odd, _, (width, height), measure in glyphs:
        if not odd:
            continue
        like = [g for g in glyphs if g[4] and (g[0], g[1]) != (i, k) and abs(g[5][1] - height) <= _SIZE_SLACK * height
                and abs(g[5][0] - width) <= _WIDTH_SLACK]
        ls = [g[6] for g in like if g[2] == "l"]
        ones = [g[6] for g in like if g[2] == "1"]
        if char == "1":
            # A glyph standing alone (``C-l``, ``real l``): a serif face's prose 1 (``page 1``) may lie among
            # the page's few ls about its width as closely as they lie among themselves; judged by the ls
            # alone only among those of its own width, and only beside a mark (``C-l``, ``"l"``, ``r, l``):
            # a lone glyph between two words of prose (``Table 1 shows``) is a 1 or an I far more often.
            alone = not _in_word(out[i].chars, k)
            flip = (len(ls) >= _MIN_L and len(ones) >= _MIN_ONE
                    and clearly_nearer(measure(), _stack(ls), _stack(ones))) or (
                not alone and len(ones) < _MIN_ONE and len(ls) >= _MIN_L_ALONE and _among(measure(), _stack(ls))) or (
                alone and len(ones) < _MIN_ONE and _alone_among(measure(), _stack(ls)))
        else:
            flip = len(ls) >= _MIN_L and len(ones) >= _MIN_ONE and clearly_nearer(measure(), _stack(ones), _stack(ls))
        if flip:
            chars = list(out[i].chars)
            chars[k] = replace(chars[k], char="l" if char == "1" else "1")
            out[i] = replace(out[i], chars=tuple(chars))
    return out


def _measure(pictures: Pictures, ink: LineInk, box: tuple[int, int, int, int]) -> np.ndarray:
    """The glyph's picture with its height appended."""
    return np.append(pictures(ink, box), box[3])


def _stack(group: list) -> np.ndarray:
    return np.array([measure() for measure in group])


def _among(p: np.ndarray, group: np.ndarray) -> bool:
    """Whether ``p`` lies as near the group's mean as its members do (each left out): no farther than the
    farthest, nor than a share beyond the middle one (a tight group's outlier does not widen it), and near."""
    spread = picture_spread([group])
    own = [picture_distance(group[j], np.delete(group, j, axis=0), spread) for j in range(len(group))]
    return picture_distance(p, group, spread) <= min(max(own), _TYPICAL * float(np.median(own)), _NEAR)


def _alone_among(p: np.ndarray, ls: np.ndarray) -> bool:
    """Whether a lone glyph lies among the page's sure ls of its own width (a prose 1 is narrower than a
    typewriter l and wider than a serif l)."""
    if not len(ls):
        return False
    own = ls[np.abs(ls[:, 0] - p[0]) <= _ALONE_WIDTH]
    return len(own) >= _MIN_L and _among(p, own)


def _beside_mark(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """Whether the nearest character on either side of ``k`` (past a space) is a mark, not a letter or digit."""
    sides = []
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(chars) and chars[j].char == " ":
            j += step
        sides.append(chars[j].char if 0 <= j < len(chars) else "")
    return any(ch and not ch.isalnum() for ch in sides)


def _suspect(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """A 1 the model weighs next as an l, or an l read unsurely that it weighs next as a 1, in a word of letters."""
    c = chars[k]
    if (c.char, c.second) not in (("1", "l"), ("l", "1")) or (c.char == "l" and c.confidence >= _SURE):
        return False
    return _in_word(chars, k) or _alone(chars, k)


def _in_word(chars: tuple[DecodedChar, ...], k: int) -> bool:
    return any(ch.isascii() and ch.isalpha() and ch not in "lI" for ch in word_at(chars, k))


def _alone(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """A glyph standing alone beside a mark, not in a number (``1.5``, ``1,000``, ``1.``); pages with none are
    not cut."""
    def at(j: int) -> str:
        return chars[j].char if 0 <= j < len(chars) else ""
    # a point after it numbers a list (``1. should``)
    number = at(k + 1) == "." or any(at(k + s) in ".," and at(k + 2 * s).isdigit() for s in (-1, 1))
    return word_at(chars, k) == chars[k].char and not number and _beside_mark(chars, k)


def _sure(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """A 1 read surely beside a digit in a number, or an l read surely beside a small letter in a word without
    digits (``htm12latex``'s ls and 1s may be either)."""
    c = chars[k]
    if c.char not in "l1" or c.confidence < _SURE:
        return False
    word = word_at(chars, k)
    if c.char == "1":
        pure, beside = word.isdigit(), str.isdigit
    else:
        pure, beside = not any(ch.isdigit() for ch in word), str.islower
    near = [chars[j].char for j in (k - 1, k + 1) if 0 <= j < len(chars)]
    return pure and any(beside(ch) and ch not in "1Il" for ch in near)
