"""A tilde over a letter read as printed where the recognizer took it for another accent.

The recognizer knows ũ, ã, õ, ñ, ĩ, but meets them seldom: over a blackletter or small letter it reads the
tilde as the accent it knows best there, a diaeresis, grave or circumflex (``verbü``, ``deù``, ``eâ`` for
verbũ, deũ, eã), or a ring. The accent's ink tells them apart: a tilde is one flat stroke across most of the letter,
waving or slanting along; a diaeresis is two dots (a gap or a waist between them where blur joins them),
a grave or an acute is a short steep stroke, a ring is round, a circumflex (and a breve) has its middle above (below) both
its ends, a macron is a filled bar. Only letters whose tilde form is in the recognizer's dictionary change.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk

# The accents a tilde was read as: grave, acute, circumflex, macron, diaeresis, ring.
_READ_FOR_TILDE = {"\u0300", "\u0301", "\u0302", "\u0304", "\u0308", "\u030a"}
# A letter's ink: pieces at least this share of the crop's height tall; its accent's centre within this
# many crop heights of the letter's read centre (the recognizer places a character about its middle,
# often a little late).
_BODY_HEIGHT = 0.3
_NEAR = 0.25
# A tilde's stroke: at least this many times as wide as tall and as wide as this share of its letter;
# a bar filled to this share is a macron; its columns in the middle third at least this share as thick
# as its thickest (two dots joined by blur leave a waist); its middle third's mean row within this share of
# its height of one of the end thirds' (a circumflex's or breve's middle stands apart from both).
_FLAT = 1.8
_SPAN = 0.45
_FILLED = 0.75
_WAIST = 0.5
_LEVEL = 0.15


def _tilde_form(char: str, charset: dict[str, int]) -> str | None:
    """The letter ``char`` with a tilde in place of its one accent, if that is one a tilde is read as and
    the dictionary has the result."""
    parts = unicodedata.normalize("NFD", char)
    if len(parts) != 2 or not parts[0].isalpha() or parts[1] not in _READ_FOR_TILDE:
        return None
    tilde = unicodedata.normalize("NFC", parts[0] + "\u0303")
    return tilde if len(tilde) == 1 and tilde in charset else None


def tilde_accents(line: DecodedLine, line_ink: LineInk, charset: dict[str, int]) -> DecodedLine:
    """``line`` with each accented letter whose accent's ink is a tilde's spelled with the tilde."""
    if line.text.isascii():
        return line
    forms = {k: _tilde_form(c.char, charset) for k, c in enumerate(line.chars) if not c.char.isascii()}
    forms = {k: f for k, f in forms.items() if f}
    if not forms:
        return line
    count, labels, stats, _ = line_ink.pieces
    h = line_ink.shape[0]
    centres = line_ink.centres(line.chars, line.steps)
    chars = list(line.chars)
    for k, tilde in forms.items():
        piece = _accent_piece(stats, count, h, centres[k])
        if piece is not None and _is_tilde(labels, stats, piece):
            chars[k] = replace(chars[k], char=tilde)
    return DecodedLine(tuple(chars), line.steps) if chars != list(line.chars) else line


def _accent_piece(stats: np.ndarray, count: int, h: int, x: float) -> tuple[int, int, int] | None:
    """The one small ink piece near column ``x`` standing over a letter (its label, and the left and right
    columns of the letter under it), or None: none, or more than one (a diaeresis's two dots)."""
    found = []
    for p in range(1, count):
        px, py, pw, ph, area = (int(v) for v in stats[p, :5])
        # Not a letter, not a speck; over letters for most of its width (a sliver of the line above may
        # reach past them).
        if ph >= _BODY_HEIGHT * h or area < 4 or abs(px + pw / 2 - x) > _NEAR * h:
            continue
        under = [q for q in range(1, count) if _BODY_HEIGHT * h <= stats[q, 3] < h - 2
                 and min(px + pw, stats[q, 0] + stats[q, 2]) - max(px, stats[q, 0]) >= 0.3 * pw]
        left = min((int(stats[q, 0]) for q in under), default=0)
        right = max((int(stats[q, 0] + stats[q, 2]) for q in under), default=0)
        if under and py + ph <= min(stats[q, 1] for q in under) + 1 and min(right, px + pw) - max(left, px) >= 0.6 * pw:
            found.append((p, left, right))
    return found[0] if len(found) == 1 else None


def _is_tilde(labels: np.ndarray, stats: np.ndarray, found: tuple[int, int, int]) -> bool:
    p, left, right = found
    px, py, pw, ph = (int(v) for v in stats[p, :4])
    if ph < 2 or pw < _FLAT * ph or pw < _SPAN * (right - left):
        return False
    own = labels[py : py + ph, px : px + pw] == p
    if own.mean() >= _FILLED:
        return False
    thick = own.sum(axis=0)
    third = max(1, pw // 3)
    if thick[third : pw - third].min(initial=ph) < _WAIST * thick.max():
        return False
    rows = np.arange(ph)[:, None]
    mean_row = (own * rows).sum(axis=0) / np.maximum(thick, 1)
    ends = mean_row[:third].mean(), mean_row[pw - third :].mean()
    middle = mean_row[third : pw - third].mean()
    apart = _LEVEL * ph
    return not (middle < min(ends) - apart or middle > max(ends) + apart)
