"""A brace left without its partner on a line of code, found in the glyph read as something else.

On scanned typewriter listings the recognizer reads a blurred ``}`` as ``)``, ``1``, ``|`` or ``ł``
and a ``{`` as ``(``, ``<``, ``0`` or ``€`` (``\\documentclass{articleł``, ``\\rfoot0}``), and
``brace_shapes`` cannot see the brace's point in such ink. The line itself says where a brace is
missing: a ``{`` that nothing closes, a ``}`` that nothing opened. The glyph that stands where the
partner belongs (the line's last one for a closing brace; the first one after a control word for an
opening one) is taken for the brace when its ink reaches below the baseline as a brace's does, where
a digit, an l, a ``<`` or a ``€`` sit on it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punct_widths import component_at
from pipeline.punctuation import bracket_pairs

# What a blurred brace was read as (on the English scans).
_CLOSE_LOOKS = ")]1|lIł"
_OPEN_LOOKS = "([<|0€H"
# Glyphs that sit on the baseline: their ink's bottom marks it.
_ON_BASELINE = set("abcdehikmnorstuvwxzABCDEFGHIKLMNOPRSTUVWXYZ0123456789")
_REACH = 2  # pixels beside a character's time steps where its ink may lie
# A brace reaches below the baseline by this share of the crop's height (2 px of the model's 48): on the
# scans' listings the misread braces go 2-4.5 px below the letters' median bottom, ls, 1s and digits 0-1.
_DESCENT = 0.04
_MIN_ON_BASELINE = 3


def unmatched_braces(line: DecodedLine, line_ink: LineInk) -> DecodedLine:
    """``line`` with the missing partner of a lone brace (or of a ``(`` after a control word that
    nothing closes) read back from the glyph standing in its place, where that glyph reaches below
    the baseline as a brace does."""
    text = [c.char for c in line.chars]
    if line.steps < 1 or not any(ch in "{}(" for ch in text):
        return line
    changes = _closing(text) | _opening(text)
    if not changes:
        return line
    baseline = _baseline(line, line_ink)
    if baseline is None:
        return line
    # Every glyph of a change must reach below the baseline (a ``(`` made a brace goes with its closer).
    wanted = {i: ch for i, ch in changes.items() if text[i] in _CLOSE_LOOKS + _OPEN_LOOKS and text[i] != "("}
    if not wanted or not all(_descends(line, line_ink, i, baseline) for i in wanted):
        return line
    if any(text[i] == "(" for i in changes) and not any(ch == "}" for ch in wanted.values()):
        return line
    out = [replace(c, char=changes[i]) if i in changes else c for i, c in enumerate(line.chars)]
    return DecodedLine(tuple(out), line.steps)


def _closing(text: list[str]) -> dict[int, str]:
    """The line's last glyph as the ``}`` of a ``{`` nothing closes (or of a ``(`` after a control word
    that nothing closes), with that ``(`` as its ``{``."""
    last = max((i for i, ch in enumerate(text) if not ch.isspace()), default=-1)
    if last < 0 or text[last] not in _CLOSE_LOOKS:
        return {}
    paired = _paired(text)
    if last in paired:  # a ) or ] that closes its own bracket
        return {}
    open_braces = [i for i, ch in enumerate(text) if ch == "{" and i not in paired and i < last]
    if open_braces:
        return {last: "}"}
    opened = [i for i, ch in enumerate(text) if ch == "(" and i not in paired and i < last and _after_command(text, i)]
    if opened and text[last] != ")":
        return {opened[-1]: "{", last: "}"}
    return {}


def _opening(text: list[str]) -> dict[int, str]:
    """The glyph after a control word (or after a group's ``}``) as the ``{`` of a ``}`` nothing opened."""
    paired = _paired(text)
    lone = next((j for j, ch in enumerate(text) if ch == "}" and j not in paired), None)
    if lone is None:
        return {}
    for k in range(lone - 1, -1, -1):
        if text[k] in "{}":
            return {}
        if text[k] in _OPEN_LOOKS and k not in paired and (_after_command(text, k) or _after_group(text, k)):
            return {k: "{"}
    return {}


def _paired(text: list[str]) -> set[int]:
    return {i for pair in (bracket_pairs(text, "{", "}") + bracket_pairs(text, "(", ")") + bracket_pairs(text, "[", "]"))
            for i in pair}


def _after_command(text: list[str], i: int) -> bool:
    """Whether ``text[i]`` follows a control word (``\\typeout``, ``\\rfoot``), a space between allowed."""
    k = i - 1
    if k >= 0 and text[k] == " ":
        k -= 1
    start = k
    while k >= 0 and text[k].isascii() and text[k].isalpha():
        k -= 1
    return k < start and k >= 0 and text[k] == "\\"


def _after_group(text: list[str], i: int) -> bool:
    return i > 0 and text[i - 1] == "}"


def _baseline(line: DecodedLine, line_ink: LineInk) -> float | None:
    """The median bottom row of the ink of the line's glyphs that sit on the baseline."""
    _, labels, stats, _ = line_ink.pieces
    scale = line_ink.shape[1] / line.steps
    bottoms = []
    for c in line.chars:
        if c.char in _ON_BASELINE:
            k = component_at(labels, int((c.start + c.end) / 2 * scale), _REACH)
            if k:
                bottoms.append(int(stats[k, 1] + stats[k, 3]))
    return float(np.median(bottoms)) if len(bottoms) >= _MIN_ON_BASELINE else None


def _descends(line: DecodedLine, line_ink: LineInk, i: int, baseline: float) -> bool:
    _, labels, stats, _ = line_ink.pieces
    c = line.chars[i]
    k = component_at(labels, int((c.start + c.end) / 2 * line_ink.shape[1] / line.steps), _REACH)
    if not k:
        return False
    height = line_ink.shape[0]
    bottom = int(stats[k, 1] + stats[k, 3])
    return stats[k, 3] < height - 2 and bottom - baseline >= _DESCENT * height
