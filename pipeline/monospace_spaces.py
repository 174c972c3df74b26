"""Spaces inside typewriter (monospace) text, kept only where a whole cell is blank.

In a monospace face every glyph sits in a cell of one width, so a point, a comma or a brace (narrow ink
in a wide cell) leaves a blank beside it as wide as a proportional face's word space, and the model
reads one there: ``.orig.tar.{gz,bz2,xz}`` comes out ``.orig.tar. {gz, bz2 ,xz}``. The cells tell:
the centres of the glyphs either side of a true space stand two cells apart, those of glyphs set
solid one. Each glyph's centre is that of its own run of ink columns (the time steps alone are off by a
fifth of a cell), the pitch is taken from the words beside the space, and only where they are monospace:
their centres evenly spaced although they hold narrow glyphs (``i l . ,``), which a proportional face
sets closer. Glyphs whose ink touches are not measured.
"""
from __future__ import annotations

from statistics import median

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punctuation import has_ideograph

# Glyphs a proportional face sets in well under half its letters' pitch.
_NARROW = set("il.,:;!|'I")
# The spacing of the glyphs' ink centres inside the words beside a space, around their median: a
# pixel or two of a cell of about 20 in the 48-px crop (a proportional face's i or point stands at
# half its letters' pitch or less).
_EVEN = 0.1
# ... or this far beside a mark, whose ink need not stand in the middle of its cell (Liberation Mono's
# comma sits a fifth of a cell left).
_EVEN_MARK = 0.2
# ... over at least this many neighbouring pairs on each side of the space (a roman word beside a
# typewriter one, ``of \\cite``, is not measured), of which this many hold a narrow glyph. Two digits
# tell nothing: a proportional face's figures are all one width too.
_MIN_PAIRS, _MIN_NARROW = 2, 2
# Centres across a space this many cells apart or more: a blank cell between them. On the English
# corpus, glyphs set solid stand 0.93-1.10 cells apart, across a true space 1.49-2.2 (a Courier L sits
# left in its cell), and a typewriter word before a roman one 1.36 (``testing should``).
_BLANK_CELL = 1.25
# Glyphs measured on each side of a space.
_REACH = 6
# A word is told typewriter from this many measured pairs of its glyphs, one holding a glyph of these.
_MIN_WORD_PAIRS = 3
_UNEVEN = _NARROW | set("mwMW")


def monospace_spaces(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` without each space that stands inside monospace words and fills no blank cell of
    ``line_ink`` (the crop the model read)."""
    chars = list(line.chars)
    if line.steps < 1 or not any(c.char == " " for c in chars[1:-1]) or not len(line_ink.runs):
        return line
    # On a line holding Chinese, the space after a comma between Latin words is pipeline/comma_spaces.py's,
    # measured in the line's em: a roman comma and thin space between typewriter words (``tlshell,
    # tlcockpit``) stand as close as a monospace comma and the next glyph.
    chinese = has_ideograph(line.text)
    ink = _ink_centres(chars, line_ink, line.steps)
    text = [c.char for c in chars]
    s = 1
    while s < len(chars) - 1:
        if text[s] == " " and text[s - 1] != " " and text[s + 1] != " " \
                and not (chinese and text[s - 1] in ",;:") and _within_cell(text, ink, s):
            del chars[s], text[s], ink[s]
            s = max(1, s - _REACH)  # the joined words may show an earlier space's cells
        else:
            s += 1
    if len(chars) == len(line.chars):
        return line
    return DecodedLine(tuple(chars), line.steps, line.read)


def monospace_words(line: DecodedLine, line_ink: LineInk):
    """A test of ``line``'s words: ``(a, b)`` -> whether the glyphs at ``a:b`` stand evenly spaced in cells
    of one width although they hold a narrow or a wide glyph (``i l . ,``, ``m w``), which a proportional face
    sets closer or wider: a word of typewriter type. Unmeasured (glyphs touching, as in a blurred scan): no."""
    ink: list | None = None
    text = [c.char for c in line.chars]

    def test(a: int, b: int) -> bool:
        nonlocal ink
        if ink is None:
            ink = _ink_centres(list(line.chars), line_ink, line.steps) if line.steps >= 1 and len(line_ink.runs) \
                else [None] * len(text)
        pairs = [(i, i + 1) for i in range(a, b - 1) if ink[i] is not None and ink[i + 1] is not None]
        if len(pairs) < _MIN_WORD_PAIRS or not any(text[i] in _UNEVEN or text[j] in _UNEVEN for i, j in pairs):
            return False
        pitch = median(ink[j] - ink[i] for i, j in pairs)
        return pitch > 0 and all(abs((ink[j] - ink[i]) / pitch - 1) <= _EVEN for i, j in pairs)

    return test


def _within_cell(text: list[str], ink: list, s: int) -> bool:
    """Whether the space at ``s`` stands between monospace words and their glyphs' ink centres (``ink``,
    None where unknown) across it are less than a blank cell apart."""
    if ink[s - 1] is None or ink[s + 1] is None:
        return False
    a, b = _word_start(text, s - 1, max(0, s - _REACH)), _word_end(text, s + 1, min(len(text), s + 1 + _REACH))
    pairs = [(i, i + 1) for i in range(a, b - 1) if i != s - 1 and i != s and ink[i] is not None
             and ink[i + 1] is not None and not (text[i].isdigit() and text[i + 1].isdigit())]
    if sum(j < s for _, j in pairs) < _MIN_PAIRS or sum(i > s for i, _ in pairs) < _MIN_PAIRS \
            or sum(text[i] in _NARROW or text[j] in _NARROW for i, j in pairs) < _MIN_NARROW:
        return False
    pitch = median(ink[j] - ink[i] for i, j in pairs)
    if pitch <= 0:
        return False
    for i, j in pairs:
        allowed = _EVEN if text[i].isalnum() and text[j].isalnum() else _EVEN_MARK
        if abs((ink[j] - ink[i]) / pitch - 1) > allowed:
            return False
    return (ink[s + 1] - ink[s - 1]) / pitch < _BLANK_CELL


def _word_start(text: list[str], a: int, low: int) -> int:
    """Start of the word ending at ``a``; past a glyph standing alone between spaces (``.orig . tar``),
    the start of the word before it too: a lone glyph has no pair of its own to measure."""
    while True:
        end = a
        while a > low and text[a - 1] != " ":
            a -= 1
        if a < end or a - 2 < low:
            return a
        a -= 2


def _word_end(text: list[str], b: int, high: int) -> int:
    """End (exclusive) of the word starting at ``b``, likewise past lone glyphs."""
    while True:
        start = b
        b += 1
        while b < high and text[b] != " ":
            b += 1
        if b > start + 1 or b + 1 >= high:
            return b
        b += 1


def _ink_centres(chars: list, line_ink: LineInk, steps: int) -> list[float | None]:
    """The centre of each glyph's own run of ink columns, None for a space and for a glyph whose ink
    touches its neighbour's or lies off its steps."""
    runs = line_ink.runs
    places = np.array(line_ink.centres(chars, steps))
    found = _nearest_runs(runs, places)
    start, end = runs[found, 0], runs[found, 1]
    inside = (start <= places) & (places < end)
    if inside.any():  # the model fires a few pixels after a glyph's ink: its usual lag is taken off first
        places = places - float(median((places[inside] - (start[inside] + end[inside]) / 2).tolist()))
        found = _nearest_runs(runs, places)
        start, end = runs[found, 0], runs[found, 1]
    middle = (start + end) / 2
    own = (start - 3 <= places) & (places <= end + 3)
    own &= np.array([c.char != " " for c in chars])
    touching = own[:-1] & own[1:] & (found[:-1] == found[1:])  # two glyphs on one run
    own[:-1] &= ~touching
    own[1:] &= ~touching
    return [float(x) if o else None for x, o in zip(middle, own)]


def _nearest_runs(runs: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Index of the run of ``runs`` (start, end) holding each of ``x``, or the nearest one."""
    left = np.maximum(np.searchsorted(runs[:, 0], x, side="right") - 1, 0)
    right = np.minimum(left + 1, len(runs) - 1)
    to_left = np.maximum(0, x - (runs[left, 1] - 1))
    to_right = np.maximum(0, runs[right, 0] - x)
    return np.where(to_right < to_left, right, left)
