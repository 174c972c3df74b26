"""An en dash between digits (pages 71–73, 1452–55) told from the hyphen it is read as, by its length.

The recognizer reads most en dashes set solid between two numbers as a hyphen. A number range's dash
is an en dash, as long as a digit is wide (fonts give both half an em); a hyphen between digits (a
phone number's, ISO 8859-1's) is about two thirds of that. The digits beside it are the measure: the
dash's ink run against theirs, on the crop the model read.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk, run_at

# The dash's ink over the wider of its two digits': a hyphen's is 0.5-0.7, an en dash's 0.9 and more.
_EN_DASH = 0.82


def digit_dashes(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with each hyphen set solid between two digits written – where ``line_ink`` (of the image
    the model read) shows it as long as a digit is wide."""
    text = line.text
    spots = [i for i in range(1, len(text) - 1) if text[i] == "-" and text[i - 1].isdigit() and text[i + 1].isdigit()]
    if not spots or line.steps < 1:
        return line
    columns, height = line_ink.columns
    runs = line_ink.runs
    if height == 0 or not len(runs):
        return line
    chars = list(line.chars)
    centres = line_ink.centres(chars, line.steps)
    at = lambda k: run_at(runs, centres[k])  # noqa: E731
    for i in spots:
        dash = at(i)
        # The numbers' digits on both sides (a 1 is narrower than the others: the widest is the measure).
        digits = [k for k in range(i - 1, max(-1, i - 5), -1) if text[k].isdigit()]
        digits = digits[: next((n for n, k in enumerate(digits) if k != i - 1 - n), len(digits))]
        after = [k for k in range(i + 1, min(len(text), i + 5)) if text[k].isdigit()]
        after = after[: next((n for n, k in enumerate(after) if k != i + 1 + n), len(after))]
        # Numbers standing alone: a digit run inside a word (ISO-8859, its O read 0) is no number.
        edges = (min(digits) - 1, max(after) + 1)
        if any(0 <= k < len(text) and text[k].isalpha() for k in edges):
            continue
        found = [at(k) for k in digits + after]
        # Each must be ink of its own: a dash touching a digit, or digits run together, are not measured.
        if dash in found or len(set(found)) < len(found):
            continue
        if dash[1] - dash[0] >= _EN_DASH * max(end - start for start, end in found):
            chars[i] = replace(chars[i], char="–")
    return DecodedLine(tuple(chars), line.steps) if chars != list(line.chars) else line
