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

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk, run_at
from pipeline.punctuation import is_ideograph

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


def monospace_spaces(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` without each space that stands inside monospace words and fills no blank cell of
    ``line_ink`` (the crop the model read)."""
    chars = list(line.chars)
    spaces = [s for s in range(1, len(chars) - 1) if chars[s].char == " "]
    if not spaces or line.steps < 1 or not len(line_ink.runs):
        return line
    # On a line holding Chinese, the space after a comma between Latin words is pipeline/comma_spaces.py's,
    # measured in the line's em: a roman comma and thin space between typewriter words (``tlshell,
    # tlcockpit``) stand as close as a monospace comma and the next glyph.
    chinese = any(is_ideograph(c.char) for c in chars)
    changed = True
    while changed:  # a space dropped joins two words, which may show the next one's cells
        changed = False
        for s in range(1, len(chars) - 1):
            if chars[s].char == " " and chars[s - 1].char != " " and chars[s + 1].char != " " \
                    and not (chinese and chars[s - 1].char in ",;:") and _within_cell(chars, s, line_ink, line.steps):
                del chars[s]
                changed = True
                break
    if len(chars) == len(line.chars):
        return line
    return DecodedLine(tuple(chars), line.steps, line.read)


def _within_cell(chars: list, s: int, line_ink: LineInk, steps: int) -> bool:
    """Whether the space at ``s`` stands between monospace words and their glyphs' ink centres across it
    are less than a blank cell apart."""
    a = s - 1
    while a > max(0, s - _REACH) and chars[a - 1].char != " ":
        a -= 1
    b = s + 2
    while b < min(len(chars), s + 1 + _REACH) and chars[b].char != " ":
        b += 1
    ink = _ink_centres(chars, a, b, line_ink, steps)
    if s - 1 not in ink or s + 1 not in ink:
        return False
    pairs = [(i, i + 1) for i in range(a, b - 1) if i != s - 1 and i != s and i in ink and i + 1 in ink
             and not (chars[i].char.isdigit() and chars[i + 1].char.isdigit())]
    if min(sum(j < s for _, j in pairs), sum(i > s for i, _ in pairs)) < _MIN_PAIRS:
        return False
    gaps = np.array([ink[j] - ink[i] for i, j in pairs])
    pitch = float(np.median(gaps))
    allowed = np.array([_EVEN if chars[i].char.isalnum() and chars[j].char.isalnum() else _EVEN_MARK
                        for i, j in pairs])
    if pitch <= 0 or (np.abs(gaps / pitch - 1) > allowed).any():
        return False
    narrow = [i for i, j in pairs if chars[i].char in _NARROW or chars[j].char in _NARROW]
    if len(narrow) < _MIN_NARROW:
        return False
    return (ink[s + 1] - ink[s - 1]) / pitch < _BLANK_CELL


def _ink_centres(chars: list, a: int, b: int, line_ink: LineInk, steps: int) -> dict[int, float]:
    """The centre of each glyph's own ink run among ``chars[a:b]``, by index; a glyph whose ink touches its
    neighbour's, or lies off its steps, has none."""
    runs = line_ink.runs
    places = np.array(line_ink.centres(chars[a:b], steps))
    found = [run_at(runs, x) for x in places]
    # The model fires a few pixels after a glyph's ink: its usual lag on these words is taken off first.
    lag = [x - (st + en) / 2 for x, (st, en) in zip(places, found) if st <= x < en]
    if lag:
        places = places - float(np.median(lag))
        found = [run_at(runs, x) for x in places]
    ink = {}
    for k, (x, (start, end)) in enumerate(zip(places, found)):
        if chars[a + k].char != " " and start - 3 <= x <= end + 3:
            ink[a + k] = (start + end) / 2
    for k in range(a, b - 1):  # two glyphs on one run: their ink touches
        if k in ink and k + 1 in ink and ink[k] == ink[k + 1]:
            del ink[k], ink[k + 1]
    return ink
