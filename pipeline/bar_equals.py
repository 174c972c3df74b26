"""An equals sign read where one bar is printed: a blurred hyphen or minus, told from its ink.

On a soft scan a hyphen's bar swells to two or three rows, and between operators (``++ --``, ``(-- x)``)
the recognizer reads some of them as ``=``, unsure where a printed equals sign is read surely. The crop it
read shows the difference: an equals sign is two bars with paper or a paler row between them; a hyphen is
one bar. So an unsure ``=`` whose ink, in the columns of its steps, is a single run of rows at most
``_ONE_BAR`` tall (rows at half its peak ink or more) becomes ``-``.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.medians import percentile
from pipeline.page_rereads import Crops, reread_chars

# An = read this surely is left as read: on the English scans the misread bars weigh 0.49-0.76, printed
# equals signs 0.97-1.0 (one alone on its line 0.62, two bars of 8 rows).
_UNSURE = 0.9
# One bar: at most this many rows at half the mark's peak or more, in one run (a sharp equals sign's two
# thin bars leave a paler row between them; a blurred one's span five rows or more on 13-30 px crops).
_ONE_BAR = 3
# A crop whose darkest ink is fainter than this (grey levels over the paper) is not measured.
_MIN_CONTRAST = 20.0


def bar_equals(decoded: list[DecodedLine], crops: Crops) -> list[DecodedLine]:
    """The lines with each unsure ``=`` whose ink is one bar read as ``-`` (``crops``: the lines' images, by index)."""
    return reread_chars(decoded, crops, _candidate, _hyphen_from_ink, "=")


def _candidate(line: DecodedLine, k: int) -> bool:
    c = line.chars[k]
    return c.char == "=" and c.confidence < _UNSURE


def _hyphen_from_ink(line: DecodedLine, ink: LineInk, k: int) -> DecodedChar | None:
    rows = bar_rows(ink.gray, line, k)
    return replace(line.chars[k], char="-") if rows is not None and rows <= _ONE_BAR else None


def bar_rows(gray: np.ndarray, line: DecodedLine, k: int) -> int | None:
    """How many rows the mark at ``k`` holds at half its peak ink or more, where they make one run; None where
    they do not (two bars) or the crop holds no clear ink."""
    height, width = gray.shape
    paper = percentile(gray, 90)
    if paper - float(gray.min()) < _MIN_CONTRAST:
        return None
    step = width / max(1, line.steps)
    c = line.chars[k]
    # CTC fires on or just after a glyph: its columns from half a step before its steps to half a step after.
    lo, hi = max(0, int((c.start - 0.5) * step)), min(width, int(np.ceil((c.end + 0.5) * step)))
    if hi <= lo:
        return None
    profile = np.clip(paper - gray[:, lo:hi].astype(np.float32), 0, None).mean(axis=1)
    inked = np.flatnonzero(profile >= 0.5 * float(profile.max()))
    if not len(inked) or inked[-1] - inked[0] + 1 != len(inked):
        return None
    return len(inked)
