"""An ellipsis counted by its dots, and written ⋯ where its dots stand on the axis of a Latin line.

The recognizer reads a Chinese 省略号 (six dots over two ems) as one ``…``, two or three; each
ellipsis is three dots, so the dots between the run's neighbours tell how many there are. It has
``…`` (dots on the baseline) but no ``⋯`` (dots on the math axis, as ``\\cdots`` prints); on a
Latin line their ink differs, the one's dots at the foot of the letters, the other's about halfway
up. On a Chinese line it does not: CJK fonts centre ``…`` as they centre ``⋯`` (Noto CJK draws the
two alike), so there the model's ``…`` stays.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punctuation import has_ideograph

_READ, _CENTRED = "…", "⋯"
_NOT_BESIDE = set(".·,…:;'`")  # a neighbour whose own dots would be counted with the ellipsis's
# A dot: a small piece about as wide as tall, under this share of the line's ink band, standing free (no
# piece of the line's body over its columns: an ideograph's own dots are inside its box).
_DOT = 0.25
_ROUND = (0.5, 2.0)
# The line's body: pieces at least this share of the band tall (ideographs, capitals, ascenders).
_BODY = 0.6
_MIN_BODY = 3
# Dots whose centre lies above this share of the body (from its top to its foot) stand on the axis:
# baseline dots sit at its foot, centred ones about halfway.
_AXIS = 0.72
# An ellipsis's dots stand on one row, within this share of the band.
_ONE_ROW = 0.1


def ellipsis_dots(line: DecodedLine, ink: LineInk) -> DecodedLine:
    """``line`` with each run of ``…`` as many as its dots in ``ink`` make where they are counted clearly,
    written ``⋯`` where they stand on the middle of a line without Chinese."""
    chars = line.chars
    if _READ not in (c.char for c in chars) or line.steps < 1:
        return line
    glyphs, band = ink.glyph_pieces()
    stats = ink.pieces[2]
    body = [p for p in glyphs if stats[p, 3] >= _BODY * band]
    if len(body) < _MIN_BODY or band < 8:
        return line
    top = float(np.median([stats[p, 1] for p in body]))
    foot = float(np.median([stats[p, 1] + stats[p, 3] for p in body]))
    if foot - top < 8:
        return line
    spans = [(stats[p, 0], stats[p, 0] + stats[p, 2]) for p in body]
    dots = [p for p in glyphs if stats[p, 3] <= _DOT * band and stats[p, 2] <= _DOT * band
            and _ROUND[0] <= stats[p, 2] / max(1, stats[p, 3]) <= _ROUND[1]
            and not any(a < stats[p, 0] + stats[p, 2] and stats[p, 0] < b for a, b in spans)]
    scale = ink.shape[1] / line.steps
    latin = not has_ideograph(line.text)
    out, i = [], 0
    while i < len(chars):
        if chars[i].char != _READ:
            out.append(chars[i])
            i += 1
            continue
        j = i
        while j < len(chars) and chars[j].char == _READ:
            j += 1
        # The run's dots: between its neighbours' time steps (the line's ends where it has none).
        left = chars[i - 1].end * scale if i else 0.0
        right = chars[j].start * scale if j < len(chars) else float(ink.shape[1])
        own = [p for p in dots if left < stats[p, 0] + stats[p, 2] / 2 < right]
        if own:
            # Its row: a speck of a neighbour's ink left over stands off it.
            row = float(np.median([stats[p, 1] + stats[p, 3] / 2 for p in own]))
            own = [p for p in own if abs(stats[p, 1] + stats[p, 3] / 2 - row) <= _ONE_ROW * band]
        run = list(chars[i:j])
        if len(own) >= 3:
            if latin and (row - top) / (foot - top) < _AXIS:
                run = [replace(c, char=_CENTRED) for c in run]
            beside = {chars[k].char for k in (i - 1, j) if 0 <= k < len(chars)}
            if len(own) % 3 == 0 and not beside & _NOT_BESIDE and len(own) // 3 != len(run):
                run = _recount(run, len(own) // 3)
        out.extend(run)
        i = j
    return DecodedLine(tuple(out), line.steps) if out != list(chars) else line


def _recount(run: list, n: int) -> list:
    """``n`` ellipses over the time steps ``run`` spans."""
    start, end = run[0].start, run[-1].end
    width = (end - start) / n
    return [replace(run[0], start=int(start + k * width), end=max(int(start + k * width), int(start + (k + 1) * width) - 1))
            for k in range(n)]
