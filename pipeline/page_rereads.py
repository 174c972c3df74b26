"""The loop the page-level character checks share (pipeline/c_or_e.py, digit_marks.py, backslashes.py, dotted_bangs.py,
sentence_points.py): find the lines holding a character the model was unsure of in a known way, ask
the engine for only those lines' crops, and let each check decide that character from its ink.

Each check runs once per page, after every line is decoded, because the crops are cut again from the
page on demand (most pages have no candidate, so none is cut)."""
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


def reread_chars(decoded: list[DecodedLine], crops: Crops, candidate: Candidate, decide: Decide) -> list[DecodedLine]:
    """The lines with every character ``k`` for which ``candidate(line, k)`` holds replaced by what
    ``decide(line, ink, k)`` returns (None: left as read). Both see the line as decoded, never a
    half-changed one, so the order of the characters does not matter."""
    at = [i for i, d in enumerate(decoded) if any(candidate(d, k) for k in range(len(d.chars)))]
    out = list(decoded)
    for i, crop in zip(at, crops(at)):
        line, ink = decoded[i], LineInk(crop)
        chars = tuple((decide(line, ink, k) or c) if candidate(line, k) else c for k, c in enumerate(line.chars))
        if chars != line.chars:
            out[i] = replace(line, chars=chars)
    return out
