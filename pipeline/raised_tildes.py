"""A tilde before a slash (``~/.octaverc``, a path under the home directory) read as a double quote, told by its ink.

Typewriter type (TeX's cmtt, and Texinfo's code in it) sets the tilde raised, as a short thick wave at the capitals'
height; blurred on a scan, the recognizer takes it for the ``"`` it stands where. The ink tells them apart: a double
quote is two short upright ticks side by side (two pieces, or one with a waist where blur joined them), each taller
than wide; the tilde is one stroke along the line, clearly wider than tall, as thick in its middle as at its thickest.
So a ``"`` read before a ``/`` whose ink is one such stroke becomes ``~``. Lines without such a reading are not
measured.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.page_rereads import Crops, reread_chars

# The mark: a piece under ``_MAX_TALL`` of the line's ink band tall, at least ``_WIDE`` times as wide as tall (a pair
# of ticks joined by blur about 1-1.3, the refcard scan's tilde 1.8), its thinnest column in its middle third at
# least ``_WAIST`` of its thickest (two ticks joined leave a waist).
_MAX_TALL = 0.5
_WIDE = 1.5
_WAIST = 0.5


def raised_tildes(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """``decoded`` with each ``"`` before a ``/`` whose ink is one flat stroke made ``~``."""
    return reread_chars(decoded, crops, lambda line, k: _candidate(line.chars, k), _tilde, '"')


def _candidate(chars, k: int) -> bool:
    return chars[k].char == '"' and k + 1 < len(chars) and chars[k + 1].char == "/"


def _tilde(line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    glyphs, band = ink.glyph_pieces()
    c = line.chars[k]
    piece = ink.mark_piece(glyphs, _MAX_TALL * band, c.start, c.end, line.steps) if glyphs else None
    return replace(c, char="~", second=c.char) if piece is not None and _one_stroke(ink, piece) else None


def _one_stroke(ink: LineInk, piece: int) -> bool:
    x, y, w, h = (int(v) for v in ink.pieces[2][piece, :4])
    if w < _WIDE * h:
        return False
    thickness = (ink.pieces[1][y : y + h, x : x + w] == piece).sum(axis=0)
    middle = thickness[w // 3 : w - w // 3]
    return len(middle) > 0 and int(middle.min()) >= _WAIST * int(thickness.max())
