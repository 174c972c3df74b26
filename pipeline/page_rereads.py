"""The loop the page-level character checks share (pipeline/c_or_e.py, digit_marks.py, backslashes.py, dotted_bangs.py,
sentence_points.py): find the lines holding a character the model was unsure of in a known way, ask
the engine for only those lines' crops, and let each check decide that character from its ink.

Each check runs once per page, after every line is decoded, and asks for only the lines it needs (most pages
have no candidate, so none is cut). The engine's crops keep each line's crop and ink for the page, so a line several
checks look at is cut, thresholded and labelled once (``inks_of``)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


def reread_chars(decoded: list[DecodedLine], crops: Crops, candidate: Candidate, decide: Decide,
                 reads: str | re.Pattern | None = None) -> list[DecodedLine]:
    """The lines with every character ``k`` for which ``candidate(line, k)`` holds replaced by what
    ``decide(line, ink, k)`` returns (None: left as read). Both see the line as decoded, never a
    half-changed one, so the order of the characters does not matter. ``reads``: what a candidate is read as,
    where the check knows (a line reading none of it is not asked about character by character; given as a string,
    only its characters are asked about: every candidate must be read as one of them)."""
    at = lines_with(decoded, candidate, reads)
    out = list(decoded)
    for i, ink in zip(at, inks_of(crops, at)):
        line = decoded[i]
        chars = list(line.chars)
        for k in _maybe(line, reads):
            if candidate(line, k):
                chars[k] = decide(line, ink, k) or chars[k]
        if tuple(chars) != line.chars:
            out[i] = replace(line, chars=tuple(chars))
    return out


def lines_with(decoded: list[DecodedLine], candidate: Candidate, reads: str | re.Pattern | None = None) -> list[int]:
    """The lines holding a character ``k`` for which ``candidate(line, k)`` holds; ``reads``: what a candidate is
    read as, where the check knows (as ``reread_chars``' ``reads``)."""
    return [i for i, d in enumerate(decoded)
            if (reads is None or reads_any(d, reads)) and any(candidate(d, k) for k in _maybe(d, reads))]


def _maybe(line: DecodedLine, reads: str | re.Pattern | None) -> Iterable[int]:
    """The characters of ``line`` that may be candidates, in order: where it reads one of ``reads`` (a string: what
    every candidate is read as), else all of them (as ``reads_any``, a line with a character other than one code
    point is looked at whole)."""
    text = line.text
    if not isinstance(reads, str) or len(text) != len(line.chars):
        return range(len(line.chars))
    at = []
    for ch in set(reads):
        k = text.find(ch)
        while k >= 0:
            at.append(k)
            k = text.find(ch, k + 1)
    return sorted(at)


def reads_any(line: DecodedLine, chars: str | re.Pattern) -> bool:
    """Whether ``line`` may read any of ``chars`` (or what the pattern finds): the cheap test before a check's
    per-character one. A line with a character other than one code point (none is made so, but ``"" in "1l"``
    holds) is always looked at."""
    text = line.text
    if len(text) != len(line.chars):
        return True
    return chars.search(text) is not None if isinstance(chars, re.Pattern) else any(ch in text for ch in chars)
