"""Full-width or ASCII commas, colons and semicolons beside Chinese text, by where the mark sits.

The recognizer reads a mark's shape, and ``,`` and ``，`` differ little in
shape; what differs is the room the mark takes. A full-width comma, colon or
semicolon sits at the left of an em-wide cell and leaves most of it blank
after the mark (about 0.7 em, or 0.3 em where the page compresses
punctuation); an ASCII one hugs the glyph before it (under 0.15 em) and is
followed by a word space (0.4-0.6 em). The recognizer reads that mark and
blank as ``，``. The gaps alone are not proof (some fonts set a few
full-width commas that way), so a line only records what each separator
looks like, and the page turns them to ASCII where most of its separators
look so (``page_separator_widths``). Gaps are measured in the crop the model
read, in ems of the line (the pitch of its Chinese characters); thresholds
chosen on real scanned pages (bench/RESULTS.md). Brackets are decided in
pipeline/spacing.py and pipeline/punctuation.py.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.punctuation import is_cjk, is_ideograph
from pipeline.spacing import ink_columns

_HALF = {"，": ",", "：": ":", "；": ";"}
_FULL = {v: k for k, v in _HALF.items()}
_SEPARATORS = set(",:;，：；")
_FULL_MARKS = set("，：；（）")


@dataclass(frozen=True)
class WidthSettings:
    # Separator read full-width, but hugging the glyph before it and followed by a word space:
    # ASCII, where most of the page's separators look so.
    hug: float = 0.15
    word_space: tuple[float, float] = (0.4, 0.6)
    # Separator read ASCII, but followed by most of an em cell: full-width.
    cell_after: float = 0.65
    cell_before: float = 0.2


def punctuation_widths(line: DecodedLine, crop: np.ndarray, settings: WidthSettings = WidthSettings()) -> DecodedLine:
    """``line`` with each separator beside Chinese text full-width or ASCII as ``crop`` shows it, and
    marked with what its place looks like (for ``page_separator_widths``)."""
    chars = list(line.chars)
    marks = [i for i, c in enumerate(chars) if c.char in _SEPARATORS]
    if not marks or line.steps < 1 or not any(is_ideograph(c.char) for c in chars):
        return line
    columns, height = ink_columns(crop)
    if height == 0:
        return line
    scale = crop.shape[1] / line.steps
    centres = [(c.start + c.end) / 2 * scale for c in chars]
    em = _em(chars, centres, height)
    ink = np.flatnonzero(columns)
    runs = _ink_runs(columns)
    if not len(runs):
        return line
    changed = False
    for i in marks:
        prev, nxt = _neighbour(chars, i, -1), _neighbour(chars, i, 1)
        if not (is_cjk(prev) or is_cjk(nxt)):
            continue
        before, after = _gaps(runs, ink, centres[i])
        want, width = _decide(chars[i].char, prev, nxt, before / em, after / em, settings)
        if (want, width) != (chars[i].char, chars[i].width):
            chars[i] = replace(chars[i], char=want, width=width)
            changed = True
    return DecodedLine(tuple(chars), line.steps) if changed else line


def page_separator_widths(decoded: list[DecodedLine]) -> list[DecodedLine]:
    """Where most of the page's measured separators hug the glyph before them and a word space
    follows, those read full-width are ASCII (and the space is put in)."""
    widths = [c.width for d in decoded for c in d.chars if c.width]
    ascii_n = widths.count("ascii")
    if not ascii_n or 2 * ascii_n <= len(widths):
        return decoded
    return [_ascii_separators(d) if any(c.width == "ascii" and c.char in _HALF for c in d.chars) else d
            for d in decoded]


def _ascii_separators(line: DecodedLine) -> DecodedLine:
    out: list[DecodedChar] = []
    chars = line.chars
    for i, c in enumerate(chars):
        if c.width != "ascii" or c.char not in _HALF:
            out.append(c)
            continue
        out.append(replace(c, char=_HALF[c.char]))
        if i + 1 < len(chars) and chars[i + 1].char != " ":
            out.append(DecodedChar(" ", c.confidence, c.end, max(c.end, chars[i + 1].start)))
    return DecodedLine(tuple(out), line.steps)


def _decide(ch: str, prev: str, nxt: str, before: float, after: float, s: WidthSettings) -> tuple[str, str]:
    """The mark as printed, and what its place looks like: "ascii", "full" or "" (not measured)."""
    # Beside another full-width mark the page compresses both; an unmeasured side tells nothing.
    if prev in _FULL_MARKS or nxt in _FULL_MARKS or np.isnan(after):
        return ch, ""
    if before < s.hug and s.word_space[0] <= after < s.word_space[1]:
        return ch, "ascii"
    if ch not in _HALF and after >= s.cell_after and before >= s.cell_before:
        return _FULL[ch], "full"
    return ch, "full"


def _neighbour(chars: list[DecodedChar], i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(chars) and chars[j].char == " ":
        j += step
    return chars[j].char if 0 <= j < len(chars) else ""


def _em(chars: list[DecodedChar], centres: list[float], height: int) -> float:
    """The line's em: the mean pitch of its neighbouring Chinese characters, else about its ink height."""
    pitches = [centres[i + 1] - centres[i] for i in range(len(chars) - 1)
               if is_ideograph(chars[i].char) and is_ideograph(chars[i + 1].char)]
    return float(np.mean(pitches)) if len(pitches) >= 2 else 1.1 * height


def _ink_runs(columns: np.ndarray) -> np.ndarray:
    """(start, end) of each run of ink columns."""
    d = np.diff(np.concatenate(([0], columns.astype(np.int8), [0])))
    return np.stack([np.flatnonzero(d == 1), np.flatnonzero(d == -1)], axis=1)


def _gaps(runs: np.ndarray, ink: np.ndarray, x: float) -> tuple[float, float]:
    """Blank columns before and after the ink run of the mark centred near ``x`` (nan at the crop's edge)."""
    inside = (runs[:, 0] <= x) & (x < runs[:, 1])
    if inside.any():
        start, end = runs[int(np.argmax(inside))]
    else:
        dist = np.minimum(np.abs(runs[:, 0] - x), np.abs(runs[:, 1] - 1 - x))
        start, end = runs[int(np.argmin(dist))]
    left, right = ink[ink < start], ink[ink >= end]
    before = float(start - left[-1] - 1) if len(left) else float("nan")
    after = float(right[0] - end) if len(right) else float("nan")
    return before, after
