"""The loop the page-level character checks share (pipeline/c_or_e.py, digit_marks.py, backslashes.py, dotted_bangs.py,
sentence_points.py): find the lines holding a character the model was unsure of in a known way, ask
the engine for only those lines' crops, and let each check decide that character from its ink.

Each check runs once per page, after every line is decoded, and asks for only the lines it needs (most pages
have no candidate, so none is cut). The engine's crops keep each line's crop and ink for the page, so a line several
checks look at is cut, thresholded and labelled once (``inks_of``)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk

# The engine's callback: the images these lines (by index) were read from.
Crops = Callable[[list[int]], list[np.ndarray]]
Candidate = Callable[[DecodedLine, int], bool]
Decide = Callable[[DecodedLine, LineInk, int], "DecodedChar | None"]


def inks_of(crops: Crops, indices: list[int]) -> list[LineInk]:
    """The ``LineInk`` of these lines' crops: the one the engine's crops keep for each line (``upright.LineCrops``,
    shared by all the checks: never written to), or measured here from plain crops."""
    inks = getattr(crops, "inks", None)
    return inks(indices) if inks is not None else [LineInk(crop) for crop in crops(indices)]


def reread_chars(decoded: list[DecodedLine], crops: Crops, candidate: Candidate, decide: Decide) -> list[DecodedLine]:
    """The lines with every character ``k`` for which ``candidate(line, k)`` holds replaced by what
    ``decide(line, ink, k)`` returns (None: left as read). Both see the line as decoded, never a
    half-changed one, so the order of the characters does not matter."""
    at = [i for i, d in enumerate(decoded) if any(candidate(d, k) for k in range(len(d.chars)))]
    out = list(decoded)
    for i, ink in zip(at, inks_of(crops, at)):
        line = decoded[i]
        chars = tuple((decide(line, ink, k) or c) if candidate(line, k) else c for k, c in enumerate(line.chars))
        if chars != line.chars:
            out[i] = replace(line, chars=chars)
    return out
