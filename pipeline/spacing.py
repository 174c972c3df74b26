"""Word spaces the recognizer missed, found in the line image's ink gaps.

CTC emits a space only when it sees a typical word gap; in justified lines
(stretched spaces), after a section number, or after ``!`` / ``:`` it often
emits none, and ``solution.It`` comes out as one word. The time steps alone
cannot tell a word gap from a wide letter (``m``), so the gap is measured in
the crop the model read: the widest ink-free run of columns between the two
characters, relative to the height of the line's ink. A gap counts as a
space when it is wide and the model gave the space class some probability
there, or when it is very wide; and always wider than the line's usual gap
between letters, so spaced-out monospace code stays as printed. No space
goes between two CJK characters (Chinese has no word spaces); between a
Chinese character and a Latin letter or digit one goes where the page set
the usual quarter-em gap (xeCJK and most Chinese typesetting do; text that
runs them together, as plain word processors do, leaves no such gap), and
so does one after a list bullet that stands apart from a Chinese item,
outside a placeholder's angle brackets (可在 〈宽度〉 处), before a number
after an ASCII comma set right after Chinese, and beside a full-width
separator after Latin text where glue stands before the mark (TEX ：,
.pk ，). After a dot, a bracket or symbol that a sure gap sets apart starts a
new item (a list label's 12. ⟨纬度⟩). Gaps beside Chinese, and
between Latin words (or a word and an operator: Win + R) on a line with
Chinese, are measured in the line's em (the pitch of its Chinese
characters). Figures a Chinese form sets in a CJK font's wide cells keep one
pitch: between them, a space only where a gap stands out from it, and the
model's own spaces there go. Rules across the crop (a table's) and slivers of
the lines above and below are no part of the ink.
"""
from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punctuation import has_ideograph, is_cjk, is_ideograph

# No space is added before closing punctuation or after an opening one, nor
# between a dot and another mark: in monospace code a dot or bracket sits in
# a wide cell, and its gap looks like a word gap.
_NO_SPACE_BEFORE = set(".,;:!?)]}’”—…")
_NO_SPACE_AFTER = set("([{‘“")
# List bullets: a label set apart from the item's first word, Chinese or not.
_BULLETS = set("•●▪■")
# Angle brackets around a placeholder (〈宽度〉, ⟨name⟩): a math font's, not a CJK cell, so xeCJK sets
# its glue outside them; the model reads them as the CJK ones (NFC makes U+2329 one too).
_ANGLE_OPENING = set("〈⟨")
_ANGLE_CLOSING = set("〉⟩")
# Binary operators in Latin text on a Chinese line (Win + R, backend = bibtex): their spaces, like a
# word's, get little of the model's space class there.
_OPERATORS = set("+=&")
# Full-width separators: the mark sits at the left of its em cell, so the ink gap before it is the
# glyphs' side bearings unless glue was set there.
_CJK_SEPARATORS = set("。，、：；")
_ASCII_DIGITS = set("0123456789")


@dataclass(frozen=True)
class SpacingSettings:
    # Gap (ink-free columns / ink height) that is a space when the model's
    # space class reached ``min_space_prob`` in it; ``sure_gap`` alone suffices.
    # Chosen on real scanned pages: letter gaps almost never reach ``gap``,
    # the spaces the model does emit almost always do.
    gap: float = 0.35
    min_space_prob: float = 0.01
    sure_gap: float = 0.6
    # ... and at least this many times the line's median gap between letters.
    over_median: float = 2.5
    # A segment with fewer gaps than this (``x + y`` beside its description) has no usual letter gap:
    # its median is a word gap, so beside a letter or digit the letter gap is taken as at most
    # ``letter_gap_cap`` (ink heights; letters stand 0.1-0.2 apart). Not between two marks: a segment
    # of marks alone (``--``, ``.^``) has a band of ink too thin to measure a gap by; nor in a segment of two
    # glyphs, too little to tell a word gap from a narrow glyph's monospace cell (``!=`` read ``1=``).
    min_median_gaps: int = 4
    letter_gap_cap: float = 0.2
    # Gap between a Chinese character and a Latin letter or a digit that is a
    # space, in ems of the line (the pitch of its Chinese characters; the ink
    # height where it has too few); an ASCII mark or a bullet needs more, a 1
    # more still, for a bracket, an asterisk or a 1 (narrow in a figure-wide
    # cell, or a CJK font's proportional one) keeps side bearings as wide as a
    # tight gap. xeCJK's quarter em shrinks on scans (blur bleeds into it);
    # glyphs set without a gap keep only their side bearings. The em, not the
    # ink height: a tall glyph (a raised footnote mark, a TeX logo's lowered E)
    # or a rule under the line swells a line's ink band.
    cjk_latin_gap: float = 0.24
    cjk_mark_gap: float = 0.27
    cjk_digit_gap: float = 0.3  # beside a 1
    # Between two Latin words on a line with Chinese, a word space is this wide
    # (em) and the model gives it this much: the model is less sure of spaces
    # there, and the line's median gap, swelled by Chinese glyphs, does not
    # show its letter gaps (monospace code gets almost no space probability).
    mixed_word_gap: float = 0.24
    mixed_space_prob: float = 0.02
    # An ASCII comma between Chinese and a number (an index's 构造函数, 57): the word space after it
    # is this wide (em), a justified line's shrunk one too; a tight number (出版社,2013) leaves less.
    mixed_comma_gap: float = 0.26
    # A digit before a letter on a line with Chinese: set solid, side bearings leave at most 0.14 em (size(5cm,0)); a
    # word space, shrunk, 0.24 or more (7.5 cm).
    mixed_unit_gap: float = 0.2
    # Latin text (or its closing bracket) before a full-width separator: side bearings leave at most
    # about 0.3 em, xeCJK's glue before the mark 0.36 em or more (TEX：, .pk，, (9)。).
    latin_cjk_mark_gap: float = 0.34
    # ... and glue is never this wide: a gap of 0.9 em before a mark with half a cell blank after it is a
    # centred mark's cell (Noto Sans CJK's 表3：各 in a scanned table's caption), not glue.
    latin_cjk_mark_gap_max: float = 0.7
    # Between two digits on a line with Chinese, a space only where the gap is this many times the line's
    # median gap between digits (given at least ``min_median_gaps`` - 1 such pairs; then also between a
    # digit and a hyphen), else where it is this wide (em); a space read there on a narrower gap goes.
    # Chinese forms set figures in a CJK font's wide cells (公司1 4 for 14, 0 2 1 - 6 6 6 6); a 1 in its
    # cell leaves up to half as much again as other pairs.
    digit_over_median: float = 1.8
    digit_pair_gap: float = 0.8
    # What a proportional face leaves between its letters at most (em); more is a monospace face's.
    letter_gap: float = 0.08
    # Blank after a full-width separator set at the left of its cell, before the next glyph: 0.53 em or
    # more on the corpus; a centred one leaves about 0.45, as much as it leaves before it.
    cell_blank: float = 0.5
    # Between two digits on a Latin line, a gap the model gave no space is a space only where their centres
    # stand this much (ink heights) further apart than the line's usual digit pitch, known from at least
    # ``min_digit_pairs`` pairs: faint grey figures (a spreadsheet's row numbers) lose the edges of their ink,
    # which widens the blank between them but not their pitch, and tabular 1s leave wide blanks too.
    digit_space_over_pitch: float = 0.25
    min_digit_pairs: int = 3


def add_missing_spaces(
    line: DecodedLine, line_ink: LineInk, probs: np.ndarray, space_class: int,
    settings: SpacingSettings = SpacingSettings(),
) -> DecodedLine:
    """``line`` with a space between characters whose ink gap is a word gap.

    ``line_ink`` is that of the grey image the model read, ``probs`` its (steps, classes) output.
    """
    chars = line.chars
    if len(chars) < 2 or line.steps < 1:
        return line
    columns, height = line_ink.columns
    if height == 0:
        return line
    scale = line_ink.shape[1] / line.steps
    left = [i for i in range(len(chars) - 1) if chars[i].char != " " and chars[i + 1].char != " "]
    if not left:
        return line
    centres = np.array([(c.start + c.end) / 2 * scale for c in chars]).astype(int)
    widths = _blank_runs(columns, centres[left], centres[np.array(left) + 1])
    gaps = list(zip(left, (widths / height).tolist()))  # (index of the left character, gap / height)
    median = float(statistics.median(g for _, g in gaps))
    few = 2 <= len(gaps) < settings.min_median_gaps
    s = settings
    chinese = has_ideograph(line.text)  # else no rule for text beside it applies
    if chinese:
        em, pitched = line_em(chars, centres, height)
        ems = {i: g * height / em for i, g in gaps}
    else:
        # No em, and no gap under the least that takes a space between Latin text.
        pitched = False
        gaps = [(i, g) for i, g in gaps if g >= min(s.gap, s.sure_gap)]
    digit_pitch = _digit_pitch(chars, left, centres, s) if not chinese else None
    digit_gaps = [ems[i] for i, _ in gaps if _digits(chars, i)] if pitched else []
    # Spaces the model itself read between digits, or a digit and a hyphen (i: the space's index), their gap in ems.
    spaced = {i: float(w) / em for i, w in zip(*_spaced_figures(chars, columns, centres))} if pitched else {}
    digit_gaps += [g for i, g in spaced.items() if _digits(chars, i - 1, 2)]
    pitch_known = len(digit_gaps) >= s.min_median_gaps - 1  # a hyphen's gap is judged only against it
    # The least gap (em) that stands two figures a word space apart: by the line's own gap between digits where
    # it has enough of them (figures tracked out keep one pitch), else by a gap no tracking leaves.
    figures_apart = max(s.mixed_word_gap, s.digit_over_median * float(np.median(digit_gaps))) if pitch_known \
        else s.digit_pair_gap
    insert_after, surer = set(), set()
    for i, g in gaps:
        a, b = chars[i], chars[i + 1]
        if chinese and is_ideograph(a.char) and is_ideograph(b.char):
            continue  # no rule puts a space between two Chinese characters (most pairs of a Chinese line)
        beside = _beside_chinese(chars, i, ems, s) if chinese else None
        if beside is not None:
            if beside:
                insert_after.add(i)
            continue
        if _chinese(a.char) or _chinese(b.char):
            continue
        if pitched and a.char.isascii() and a.char.isdigit() and _letter(b.char):
            if g * height / em >= s.mixed_unit_gap:
                insert_after.add(i)  # a number and its unit (7.5 cm), which the model rarely spaces
            continue
        if pitched and (_digits(chars, i) or (pitch_known and _digit_hyphen(chars, i, 1))) \
                and ems[i] < figures_apart:
            continue  # figures tracked out (a CJK font's wide cells) keep one pitch: no word space in them
        if pitched and g * height / em >= s.mixed_word_gap and (_beside_operator(a.char, b.char) or (
                a.char.isalnum() and b.char.isalnum() and _space_prob(probs, a, b, space_class) >= s.mixed_space_prob)):
            # Not after a comma between Latin words: a full-width comma read as ASCII (fontset=adobe，nofonts)
            # leaves as wide a blank.
            insert_after.add(i)
            continue
        letter_gap = min(median, s.letter_gap_cap) if few and (a.char.isalnum() or b.char.isalnum()) else median
        if g < s.over_median * letter_gap:
            continue
        capped = g < s.over_median * median
        if b.char in _NO_SPACE_BEFORE or a.char in _NO_SPACE_AFTER or (
                a.char in ".—" and not b.char.isalnum() and not _opens_after_dot(a.char, b.char, g, s)):
            continue
        if a.char in "’'" and i > 0 and chars[i - 1].char.isalpha() and _contraction_follows(chars, i + 1):
            continue  # don’t: a full-width apostrophe (CJK fonts) leaves a wide gap
        told = g >= s.gap and _space_prob(probs, a, b, space_class) >= s.min_space_prob
        if not told and digit_pitch is not None and _digits(chars, i) \
                and centres[i + 1] - centres[i] < digit_pitch + s.digit_space_over_pitch * height:
            continue  # figures at the line's pitch: their blank is the ink's edges lost, or a 1's side bearings
        if told or g >= s.sure_gap:
            insert_after.add(i)
            if capped:
                surer.add(i)
    drop = {i for i, gap in spaced.items() if (pitch_known or _digits(chars, i - 1, 2))
            and gap < figures_apart}
    if drop:
        def shift(i: int) -> int:
            return i - sum(j < i for j in drop)
        line = DecodedLine(tuple(c for i, c in enumerate(chars) if i not in drop), line.steps, line.read)
        insert_after, surer = {shift(i) for i in insert_after}, {shift(i) for i in surer}
    return spaces_after(line, insert_after, surer)


def _digit_pitch(chars: Sequence[DecodedChar], left: list[int], centres: np.ndarray, s: SpacingSettings) -> float | None:
    """The median distance between the centres of neighbouring digits (pixels), where the line has enough such pairs."""
    pitches = [centres[i + 1] - centres[i] for i in left if _digits(chars, i)]
    return float(np.median(pitches)) if len(pitches) >= s.min_digit_pairs else None


def _spaced_figures(chars: Sequence[DecodedChar], columns: np.ndarray, centres: np.ndarray) -> tuple[list[int], np.ndarray]:
    """The spaces that stand alone between two digits or a digit and a hyphen (021 - 6666), and the widest
    blank between their neighbours (columns)."""
    at = [i for i in range(1, len(chars) - 1) if chars[i].char == " "
          and (_digits(chars, i - 1, 2) or _digit_hyphen(chars, i - 1, 2))]
    if not at:
        return [], np.zeros(0)
    return at, _blank_runs(columns, centres[np.array(at) - 1], centres[np.array(at) + 1])


def spaces_after(line: DecodedLine, after: set[int], surer: set[int] = frozenset()) -> DecodedLine:
    """``line`` with a space after each character whose index is in ``after`` (never the last), as sure as
    the less sure of its two neighbours (after an index in ``surer``: as the line's mean), on the steps between
    them. A short segment's spaces leave its mean confidence as the model read it: two spaces as unsure as its
    least sure glyph would send it to the second reading (a larger recognizer reads x == y as ∑== y)."""
    if not after:
        return line
    chars = line.chars
    out: list[DecodedChar] = []
    for i, c in enumerate(chars):
        out.append(c)
        if i in after:
            nxt = chars[i + 1]
            sure = line.confidence if i in surer else min(c.confidence, nxt.confidence)
            out.append(DecodedChar(" ", sure, c.end, max(c.end, nxt.start)))
    return DecodedLine(tuple(out), line.steps, line.read)


def _space_prob(probs: np.ndarray, a: DecodedChar, b: DecodedChar, space_class: int) -> float:
    """The space class's highest probability in the steps between two characters."""
    return float(probs[a.end : b.start, space_class].max()) if b.start > a.end else 0.0


def _beside_chinese(chars: Sequence[DecodedChar], i: int, ems: dict[int, float], s: SpacingSettings) -> bool | None:
    """Whether a space goes after ``chars[i]`` by the rules for text beside Chinese characters
    (``ems``: the gap after each character, in ems); None where they do not apply."""
    a, b = chars[i].char, chars[i + 1].char
    gap_em = ems[i]
    if (is_ideograph(a) and b in _ANGLE_OPENING) or (a in _ANGLE_CLOSING and is_ideograph(b)):
        return gap_em >= s.cjk_latin_gap
    if is_ideograph(a) and b == "." and i + 2 < len(chars) and _letter(chars[i + 2].char):
        return gap_em >= s.cjk_mark_gap  # a file's extension (映射到 .ttf 文件), not a sentence's end
    if _ideograph_beside_latin(a, b) or _ideograph_beside_ascii_mark(a, b) or (a in _BULLETS and is_ideograph(b)) \
            or (a in ",;" and i > 0 and is_ideograph(chars[i - 1].char) and b.isascii() and b.isdigit()):
        # The last: an ASCII comma right after Chinese, then a number (an index's 层, 7 布尔类型, 18),
        # which the model rarely gives a space (1,000). Not a colon, nor before a letter: a full-width
        # colon read as ASCII leaves as wide a blank, and before a letter the model's space does.
        if _letter(a) or _letter(b):
            return gap_em >= s.cjk_latin_gap
        if a == ",":
            return gap_em >= s.mixed_comma_gap
        if "1" in (a, b):
            return gap_em >= s.cjk_digit_gap
        return gap_em >= (s.cjk_latin_gap if a.isdigit() or b.isdigit() else s.cjk_mark_gap)
    if b in _CJK_SEPARATORS and (_latin(a) or a in ")]"):
        # Only a mark at the left of its cell (the rest of the cell blank after it): a font that centres
        # it (表3：各, in Noto Sans CJK) leaves as wide a bearing before it. A monospace face's side
        # bearings (a URL's, code's) widen the gap as they do its letters'.
        glue = gap_em - max(0.0, _run_gap(chars, i, ems) - s.letter_gap)
        return ems.get(i + 1, 0.0) >= s.cell_blank and s.latin_cjk_mark_gap <= glue <= s.latin_cjk_mark_gap_max
    return None


def _digits(chars: Sequence[DecodedChar], i: int, step: int = 1) -> bool:
    """Whether ``chars[i]`` and ``chars[i + step]`` are both ASCII digits."""
    return chars[i].char in _ASCII_DIGITS and chars[i + step].char in _ASCII_DIGITS


def _digit_hyphen(chars: Sequence[DecodedChar], i: int, step: int = 1) -> bool:
    """Whether ``chars[i]`` and ``chars[i + step]`` are a digit and a hyphen, either way round."""
    pair = chars[i].char + chars[i + step].char
    return len(pair) == 2 and "-" in pair and (pair[0] in _ASCII_DIGITS or pair[1] in _ASCII_DIGITS)


def _run_gap(chars: Sequence[DecodedChar], i: int, ems: dict[int, float]) -> float:
    """The median gap (em) between the ASCII characters set solid up to ``chars[i]`` (at most six
    pairs back); 0 where none stands before it."""
    found = []
    j = i - 1
    while j >= 0 and len(found) < 6 and j in ems and chars[j].char.isascii() and chars[j + 1].char.isascii():
        found.append(ems[j])
        j -= 1
    return float(np.median(found)) if found else 0.0


def _opens_after_dot(a: str, b: str, gap: float, s: SpacingSettings) -> bool:
    """A mark that starts something after a dot with a sure gap between (a list label's 12. ⟨纬度⟩,
    a sentence's end before (默认…)): code's dot in its monospace cell never leaves as much."""
    return a == "." and gap >= s.sure_gap and b not in "._'\"" and not b.isspace()


def _chinese(c: str) -> bool:
    """A Chinese character or full-width mark, but not an angle bracket (see ``_ANGLE_OPENING``)."""
    return is_cjk(c) and c not in _ANGLE_OPENING and c not in _ANGLE_CLOSING


def _beside_operator(a: str, b: str) -> bool:
    return (a in _OPERATORS and b.isalnum()) or (a.isalnum() and b in _OPERATORS)


def line_em(chars: Sequence[DecodedChar], centres: Sequence[float], height: int) -> tuple[float, bool]:
    """The line's em: the mean pitch of its neighbouring Chinese characters (set solid, one em
    apart) (True), else about its ink height (False)."""
    pitches = np.array([centres[i + 1] - centres[i] for i in range(len(chars) - 1)
                        if is_ideograph(chars[i].char) and is_ideograph(chars[i + 1].char)], dtype=float)
    if len(pitches) < 2:
        return 1.1 * height, False
    # The mean, for centres fall on the model's time steps; but not over a wide gap, such as the quad
    # between a heading's number and its title (第 2 节  简明教程).
    return float(pitches[pitches <= 1.5 * np.median(pitches)].mean()), True


def _letter(c: str) -> bool:
    """A letter of any alphabet (André, ε-TeX), not a Chinese character."""
    return c.isalpha() and not is_cjk(c)


def _latin(c: str) -> bool:
    return _letter(c) or (c.isascii() and c.isdigit())  # not ¹: a footnote mark


def _ideograph_beside_latin(a: str, b: str) -> bool:
    return (is_ideograph(a) and _latin(b)) or (_latin(a) and is_ideograph(b))


def _ideograph_beside_ascii_mark(a: str, b: str) -> bool:
    """An ASCII mark beside a Chinese character where a space can stand: before an
    opening mark (中文 (English)), after a closing one or a comma (English), 中文)."""
    def mark(c: str) -> bool:
        return c.isascii() and c.isprintable() and not c.isalnum() and c != " "

    return (is_ideograph(a) and mark(b) and b not in _NO_SPACE_BEFORE) or \
        (mark(a) and is_ideograph(b) and a not in _NO_SPACE_AFTER)


_CONTRACTIONS = {"t", "s", "d", "m", "ll", "re", "ve"}


def _contraction_follows(chars: tuple[DecodedChar, ...], start: int) -> bool:
    end = start
    while end < len(chars) and chars[end].char.isalpha():
        end += 1
    return "".join(c.char for c in chars[start:end]) in _CONTRACTIONS


def _blank_runs(columns: np.ndarray, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Widest run of ink-free columns in each span [x0, x1).

    Vectorised (a page has thousands of spans): the blank run ending at each
    column is counted once; within a span, the widest is either the blank
    stretch before its first ink column or a run ending after it (a
    ``reduceat`` from that column to the span's end).
    """
    n = len(columns)
    x0 = np.clip(x0, 0, n)
    x1 = np.clip(np.maximum(x1, x0), 0, n)
    positions = np.arange(n)
    last_ink = np.maximum.accumulate(np.where(columns, positions, -1))
    run_end = positions - last_ink  # blank columns up to and including this one (0 on ink)
    ink = np.flatnonzero(columns)
    first = np.minimum(np.append(ink, n)[np.searchsorted(ink, x0)], x1)
    out = (first - x0).astype(np.int64)
    inside = first < x1
    if inside.any():
        starts, ends = first[inside], x1[inside]
        bounds = np.stack([starts, ends], axis=1).ravel()
        padded = np.append(run_end, 0)
        widest = np.maximum.reduceat(padded, bounds)[::2]
        out[inside] = np.maximum(out[inside], widest)
    return out
