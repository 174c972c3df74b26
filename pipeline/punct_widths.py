"""Full-width or ASCII punctuation beside Chinese text, decided by where the mark sits on the line.

The recognizer reads a mark's shape, and ``,`` and ``，`` (or ``(`` and
``（``) differ little in shape; what differs is the room the mark takes.
Gaps are measured in the crop the model read, between ink columns, in ems
of the line (the pitch of its Chinese characters); the thresholds were
chosen on real scanned pages (bench/RESULTS.md).

- A full-width comma, colon or semicolon sits at the left of an em-wide cell
  and leaves most of it blank after the mark (about 0.7 em, 0.3 em where the
  page compresses punctuation); an ASCII one hugs the glyph before it (under
  0.15 em) and a word space follows (0.4-0.6 em). The recognizer reads that
  mark and blank as ``，``. The gaps alone are not proof (some fonts set a few
  full-width commas so), so a line records what each separator looks like
  and the page turns them to ASCII where most of its separators look so
  (``page_separator_widths``), with those that look so more loosely (a
  justified line stretches its spaces). One read ASCII that does not look so
  is full-width when an em cell follows it, it sits tight between two
  Chinese characters, a compressed cell (less than a word space, more than a
  side bearing) leads to an ideograph, or it ends the line a side bearing
  after an ideograph. Between Latin text the blank on both sides of the ink
  tells: a full-width mark sits in a cell about an em wide (at its left, or
  centred as some fonts set ：；), an ASCII one in a narrower one (code's
  size(5cm,0)); a monospace face's word space is a cell wide, so code's
  ``x, y`` cannot be told so.
- A full-width bracket keeps a side bearing on its inner side (about 0.3 em
  to the text it encloses), or (in fonts that set it at the inner edge of its
  cell) leaves the blank outside; an ASCII one touches its text and keeps
  about half an em from a Chinese character outside. Set tight against
  a Chinese character on its outer side, with Chinese inside too, a bracket
  is a compressed full-width one (text set without CJK spacing puts an ASCII
  bracket as tight before Latin text). A digit inside is no guide (footnote
  marks and tabular digits have wide cells). The two of a pair are alike.
- A bullet ``•`` is a dot about a third of an em across, a middle dot ``·``
  (as in 萨缪尔·贝克特) about a seventh; the recognizer reads list bullets
  as ``·``. Judged only on lines whose em the Chinese pitch gives.
- An en dash (a list label) is twice a hyphen's length; the recognizer reads
  it as ``-`` (or ``一``). Judged the same way (``_dash``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.punctuation import has_ideograph, is_cjk, is_ideograph
from pipeline.line_ink import LineInk, run_at
from pipeline.spacing import line_em

_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"}
_FULL = {v: k for k, v in _HALF.items()}
_SEPARATORS = set(",:;，：；")
_BRACKETS = set("()（）")
_OPENING = set("(（")
_DOTS = {"·": "•", "•": "·"}
_ASCII_LOOKS = ("ascii", "near")
_DASHES = set("-一")
# A page whose separators nearly all look ASCII at least loosely sets them so, though fewer than half
# hug their glyph strictly (sharp clean renders leave a wider side bearing): at least this many measured,
# this share of them. On the corpus: pages of ASCII commas 0.88-0.97, pages of full-width ones 0.6 at most.
_LOOSE_PAGE = (5, 0.8)
# A page of full-width separators set in em cells shows ASCII ones typed in its Chinese text (a
# translator's) where at least this many look ASCII strictly after an ideograph.
_TYPED_MIN = 2


@dataclass(frozen=True)
class WidthSettings:
    # Separator hugging the glyph before it, then a word space: ASCII, where most of the page's look so.
    hug: float = 0.15
    word_space: tuple[float, float] = (0.4, 0.6)
    # Looser, as the ASCII ones of a page vary (a justified line stretches its word spaces): not counted
    # in the page's vote, but turned ASCII with the others where the page sets them so.
    near_hug: float = 0.21
    near_space: tuple[float, float] = (0.36, 0.65)
    # Separator read ASCII, but followed by most of an em cell: full-width.
    cell_after: float = 0.65
    cell_before: float = 0.2
    # Between Latin text, blank before and after a mark's ink together at least this (em): the mark sits in
    # a full-width cell. On the corpus ASCII ones leave at most 0.69 (code's http:), full-width ones 0.81
    # or more; rendered in Noto Sans CJK (centred marks too) 0.86 or more, a monospace face's 0.70 at most.
    latin_cell: float = 0.78
    # ... or, before an ideograph, by less than a word space yet more than a glyph's side bearing: a
    # full-width cell the page compresses.
    compressed_cell: tuple[float, float] = (0.2, 0.36)
    # Bracket read ASCII with this much room on its inner side: full-width; read full-width and
    # touching its text: ASCII; tighter than this against a Chinese character outside: full-width.
    inner_full: float = 0.24
    inner_ascii: float = 0.18
    tight_outer: float = 0.34
    # ... of which this much or more is a word space, where the page shows the bracket is ASCII
    # (pipeline/compressed_marks.py): more than a side bearing.
    spaced_outer: float = 0.2
    # ... and this much blank outside, next to a Chinese character, is the rest of a full-width cell
    # (fonts that set the bracket at the inner edge of its cell, as Noto CJK does).
    wide_outer: float = 0.6
    # A dot at least this wide (em) is a bullet, a narrower one a middle dot.
    bullet: float = 0.22
    # A dash whose ink spans this much of an em, longer than a hyphen and shorter than an em dash, is an
    # en dash.
    en_dash: tuple[float, float] = (0.42, 0.75)


class ChineseLineInk(NamedTuple):
    runs: np.ndarray  # (start, end) of each run of the line's ink columns
    centres: list[float]  # each character's centre in the crop's columns
    em: float
    pitched: bool  # whether the em was found from the Chinese characters' pitch (pipeline/spacing.line_em)
    ink: np.ndarray  # the inked columns


def chinese_line_ink(line: DecodedLine, line_ink: LineInk) -> ChineseLineInk | None:
    """What the width and spacing steps measure on a line that holds Chinese; None on a line without Chinese
    or without ink of its own."""
    if line.steps < 1 or not has_ideograph(line.text):
        return None
    columns, height = line_ink.columns
    runs = line_ink.runs
    if height == 0 or not len(runs):
        return None
    centres = line_ink.centres(line.chars, line.steps)
    em, pitched = line_em(line.chars, centres, height)
    return ChineseLineInk(runs, centres, em, pitched, np.flatnonzero(columns))


def punctuation_widths(line: DecodedLine, line_ink: LineInk, settings: WidthSettings = WidthSettings()) -> DecodedLine:
    """``line`` with its separators and brackets beside Chinese text full-width or ASCII as ``line_ink`` (the
    crop the model read) shows them; each measured separator is marked with what its place looks like."""
    chars = list(line.chars)
    marks = [i for i, c in enumerate(chars)
             if c.char in _SEPARATORS or c.char in _BRACKETS or c.char in _DOTS or c.char in _DASHES]
    measured = chinese_line_ink(line, line_ink) if marks else None
    if measured is None:
        return line
    runs, centres, em, pitched, ink = measured
    full: dict[int, bool | None] = {}  # brackets beside Chinese: full-width or not; None: undecided
    for i in marks:
        if chars[i].char in _DOTS:
            if pitched:
                chars[i] = replace(chars[i], char=_dot(chars[i].char, runs, centres[i], em, settings))
            continue
        if chars[i].char in _DASHES:
            if pitched:
                chars[i] = replace(chars[i], char=_dash(chars, i, runs, centres, em, settings))
            continue
        prev, nxt = neighbour(chars, i, -1), neighbour(chars, i, 1)
        if not (is_cjk(prev) or is_cjk(nxt)):
            # Between Latin text on a Chinese line (sp.；ii.), only a whole em cell after it tells: one
            # read full-width without it is code's or a list's ASCII mark (size(5cm,0), etex, latex).
            if pitched and chars[i].char in _SEPARATORS:
                before, after = (g / em for g in _gaps(runs, ink, centres[i]))
                if prev == ")" and _after_full_bracket(before, after, settings):
                    chars[i] = replace(chars[i], width="near")  # read ) for ）: its blank is no side bearing
                else:
                    chars[i] = replace(chars[i], char=_latin_separator(chars[i].char, before, after, settings))
            continue
        before, after = (g / em for g in _gaps(runs, ink, centres[i]))
        if chars[i].char in _SEPARATORS:
            between = 0 < i < len(chars) - 1 and is_ideograph(chars[i - 1].char) and is_ideograph(chars[i + 1].char)
            want, width = _separator(chars[i].char, prev, nxt, before, after, settings, between)
            chars[i] = replace(chars[i], char=want, width=width)
        else:
            opening = chars[i].char in _OPENING
            outside = i - 1 if opening else i + 1
            adjacent = 0 <= outside < len(chars) and chars[outside].char != " "
            full[i] = _bracket(chars[i].char, prev, nxt, before, after, settings, adjacent)
            # Touching Chinese text outside: what a page that compresses its full-width marks shows
            # (pipeline/compressed_marks.py decides with the page).
            outer, inner = (before, after) if opening else (after, before)
            if is_cjk(prev if opening else nxt):
                if outer >= settings.tight_outer:
                    look = "apart"
                elif not adjacent:
                    look = "spaced"
                else:
                    look = "tight" if outer < settings.spaced_outer else "tight-spaced"
                # touching its text inside too (no full-width cell's side bearing there), or keeping one's room
                room = "-hug" if inner < settings.inner_ascii else "-room" if inner >= settings.inner_full else ""
                chars[i] = replace(chars[i], width=look + room)
    for i, f in _pairs_alike(chars, full).items():
        if f is None:
            continue
        chars[i] = replace(chars[i], char=_FULL.get(chars[i].char, chars[i].char) if f else
                           _HALF.get(chars[i].char, chars[i].char))
    return DecodedLine(tuple(chars), line.steps) if tuple(chars) != line.chars else line


def page_separator_widths(decoded: list[DecodedLine]) -> list[DecodedLine]:
    """Where most of the page's measured separators hug the glyph before them and a word space
    follows (or nearly all do so at least loosely), those read full-width that look so, if more
    loosely, are ASCII (and the space is put in).
    Where fewer do, but every other one is followed by a whole em cell (the page compresses no
    full-width mark, so none can look so), those that look so strictly are ASCII: a translator's
    ASCII commas among the typesetter's full-width ones (impatient-zh); with those that look so
    loosely where some look ASCII strictly after an ideograph (``_TYPED_MIN``)."""
    widths = [c.width for d in decoded for c in d.chars if c.width and c.char in _SEPARATORS]
    ascii_n = widths.count("ascii")
    if not ascii_n:
        return decoded
    loose = len(widths) >= _LOOSE_PAGE[0] and ascii_n + widths.count("near") >= _LOOSE_PAGE[1] * len(widths)
    if 2 * ascii_n > len(widths) or loose:
        looks = _ASCII_LOOKS
    elif all(w in ("ascii", "cell") for w in widths):
        looks = ("ascii",)
    elif all(w in ("ascii", "near", "cell") for w in widths) and _typed_in_chinese(decoded) >= _TYPED_MIN:
        # Those ASCII ones typed in the Chinese text: a few of them keep a little more than a side bearing
        # from the ideograph (looking only "near"), as a full-width page's near ones (an em cell squeezed by
        # justification) do, but there only a caption's "表 2:" looks ASCII strictly.
        looks = _ASCII_LOOKS
    else:
        return decoded
    return [_ascii_separators(d, looks) if any(c.width in looks and c.char in _HALF for c in d.chars) else d
            for d in decoded]


def _typed_in_chinese(decoded: list[DecodedLine]) -> int:
    """How many separators look ASCII strictly after an ideograph (not after a digit or a Latin word)."""
    return sum(c.width == "ascii" and is_ideograph(neighbour(d.chars, i, -1))
               for d in decoded for i, c in enumerate(d.chars) if c.char in _SEPARATORS)


def _ascii_separators(line: DecodedLine, looks: tuple[str, ...]) -> DecodedLine:
    out: list[DecodedChar] = []
    chars = line.chars
    for i, c in enumerate(chars):
        if c.width not in looks or c.char not in _HALF:
            out.append(c)
            continue
        out.append(replace(c, char=_HALF[c.char]))
        if i + 1 < len(chars) and chars[i + 1].char != " ":
            out.append(DecodedChar(" ", c.confidence, c.end, max(c.end, chars[i + 1].start)))
    return DecodedLine(tuple(out), line.steps)


def _separator(ch: str, prev: str, nxt: str, before: float, after: float, s: WidthSettings,
               between: bool) -> tuple[str, str]:
    """The separator as printed, and what its place looks like: "ascii", "near", "cell", "half" (or
    "half-apart", more than a side bearing from the glyph before it), "full" or "" (not measured)."""
    # Beside another full-width mark the page compresses both; but after a full-width closing bracket
    # the bracket's blank stands before the mark, and only a word space after it before Latin text or
    # digits tells an ASCII one (an index's 切割（slice）, 77), as loosely as "near".
    if prev == "）" and not is_cjk(nxt) and _after_full_bracket(before, after, s):
        return ch, "near"
    if prev in _HALF or nxt in _HALF:
        return ch, ""
    if np.isnan(after):
        # At the line's end only the room before it tells: a full-width mark keeps a side bearing from
        # the ideograph before it, an ASCII one hugs it.
        if ch not in _HALF and is_ideograph(prev) and before >= s.cell_before:
            return _FULL[ch], ""
        return ch, ""
    if before < s.hug and s.word_space[0] <= after < s.word_space[1]:
        return ch, "ascii"
    compressed = s.compressed_cell[0] <= after < s.compressed_cell[1]
    look = "near" if before < s.near_hug and s.near_space[0] <= after < s.near_space[1] else \
        "cell" if after >= s.cell_after else ("half" if before < s.hug else "half-apart") if compressed else "full"
    compressed = compressed and is_ideograph(nxt)
    if ch not in _HALF and (between or compressed or (after >= s.cell_after and before >= s.cell_before)):
        return _FULL[ch], look
    return ch, look


def _after_full_bracket(before: float, after: float, s: WidthSettings) -> bool:
    """Whether a separator after a closing bracket's blank (more than a side bearing) is followed by a
    word space: an ASCII one, as loosely as "near"."""
    return before >= s.cell_before and not np.isnan(after) and s.near_space[0] <= after < s.near_space[1]


def _latin_separator(ch: str, before: float, after: float, s: WidthSettings) -> str:
    """A separator between Latin text as the blank around its ink shows it: full-width where its ink sits
    in a cell about an em wide, at its left (most of the cell after it) or in its middle (fonts that
    centre ：；，, a mark compressed before a bracket), ASCII where the cell is narrower. One read
    ASCII must also keep a side bearing from the glyph before it (an ASCII one hugs that glyph, and a
    wide space may follow it: CTAN:␣systems). At the line's end nothing after it tells: as read."""
    if np.isnan(after):
        return ch
    cell = after >= s.cell_after or (before >= s.hug and before + after >= s.latin_cell)
    if ch in _HALF.values() and cell and before >= s.cell_before:
        return _FULL[ch]
    if ch in _HALF and not cell:
        return _HALF[ch]
    return ch


def _bracket(ch: str, prev: str, nxt: str, before: float, after: float, s: WidthSettings,
             adjacent: bool) -> bool | None:
    """Whether the bracket is full-width; None where its place tells nothing. ``adjacent``: no space
    was read between the bracket and the character outside it."""
    opening = ch in _OPENING
    inner, outer = (after, before) if opening else (before, after)
    inside, outside = (nxt, prev) if opening else (prev, nxt)
    if inside.isdigit():
        return None
    full = ch in _HALF
    # Tight with Latin inside tells nothing: text set without CJK spacing puts an ASCII bracket there.
    if is_ideograph(outside) and ((outer < s.tight_outer and is_cjk(inside)) or (outer >= s.wide_outer and adjacent)):
        return True
    if np.isnan(inner):
        return full
    if not full and inner >= s.inner_full:
        return True
    if full and inner < s.inner_ascii:
        return False
    return full


def _pairs_alike(chars: list[DecodedChar], full: dict[int, bool | None]) -> dict[int, bool | None]:
    """The brackets' widths with the two of a pair alike: an undecided one takes its partner's,
    and where they disagree both are full-width."""
    out = dict(full)
    stack: list[int] = []
    for i, c in enumerate(chars):
        if c.char in _OPENING:
            stack.append(i)
        elif c.char in _BRACKETS and stack:
            j = stack.pop()
            if i not in out or j not in out or out[i] == out[j]:
                continue
            if out[i] is None or out[j] is None:
                out[i] = out[j] = out[j] if out[i] is None else out[i]
            else:
                out[i] = out[j] = True
    return out


def neighbour(chars: list[DecodedChar], i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(chars) and chars[j].char == " ":
        j += step
    return chars[j].char if 0 <= j < len(chars) else ""


def _dot(ch: str, runs: np.ndarray, x: float, em: float, s: WidthSettings) -> str:
    start, end = run_at(runs, x)
    bullet = (end - start) / em >= s.bullet
    return ch if (ch == "•") == bullet else _DOTS[ch]


def _dash(chars: list[DecodedChar], i: int, runs: np.ndarray, centres: list[float], em: float,
          s: WidthSettings) -> str:
    """The dash as its length shows it: the recognizer reads an en dash that opens a line or follows a
    space (a list label, a parenthetic dash) as a hyphen, or as the ideograph 一 where no Chinese
    character stands beside it. One glued to the glyph before it (a word's or a hyphenation's hyphen),
    or whose ink touches a neighbour's, is not measured."""
    ch = chars[i].char
    if ch == "一" and (is_ideograph(neighbour(chars, i, -1)) or is_ideograph(neighbour(chars, i, 1))):
        return ch
    if i > 0 and chars[i - 1].char != " ":
        return ch
    start, end = run_at(runs, centres[i])
    if sum(start <= x < end for c, x in zip(chars, centres) if c.char != " ") > 1:
        return ch
    return "–" if s.en_dash[0] <= (end - start) / em < s.en_dash[1] else ch


def _gaps(runs: np.ndarray, ink: np.ndarray, x: float) -> tuple[float, float]:
    """Blank columns before and after the ink run of the mark centred near ``x`` (nan at the crop's edge)."""
    start, end = run_at(runs, x)
    left, right = ink[ink < start], ink[ink >= end]
    before = float(start - left[-1] - 1) if len(left) else float("nan")
    after = float(right[0] - end) if len(right) else float("nan")
    return before, after


def component_at(labels: np.ndarray, x: int, reach: int) -> int:
    """The ink component (label from ``cv2.connectedComponents``) that fills most of the columns
    ``x - reach`` … ``x + reach``: the glyph a character's time steps point at; 0 where no ink is."""
    band = labels[:, max(0, x - reach) : x + reach + 1]
    found, counts = np.unique(band[band > 0], return_counts=True)
    return int(found[np.argmax(counts)]) if len(found) else 0
