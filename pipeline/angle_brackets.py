"""Angle brackets beside Chinese text (〈宽度〉, 《书名》) told from the parentheses and signs they are read as.

In a thin or italic face the recognizer spreads an angle bracket's weight over its look-alikes
(``(``, ``《``, ``<``, ``〈``, ``（``) and often gives the round one the most, though the angle
shapes together weigh more; a closing one set tight against an italic glyph leans to ``)``.
So, on lines with Chinese text:

- a bracket is angled when the angle shapes together outweigh the round ones on its steps; the
  two of a pair are alike, and one angled makes both (an angle bracket is not closed by a round one);
- an angled one with an ideograph inside is a CJK bracket, not a less-than or greater-than sign;
- single (〈) or double (《): the double one draws two strokes side by side, so rows through it
  cross ink twice. Measured on a bracket whose ink stands apart from its neighbours; the two of a
  pair take the measured one's; where neither is, the model's weights decide.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk, ink_runs, run_at
from pipeline.punctuation import bracket_pairs, has_ideograph, is_ideograph

_OPEN = {"angle": "〈《<", "round": "(（"}
_CLOSE = {"angle": "〉》>", "round": ")）"}
_SINGLE, _DOUBLE = "〈〉", "《》"
# Rows crossing ink at least twice, as a share of the bracket's rows: a double bracket. A single one's thin
# stroke, broken up where a turned page was resampled, crosses twice in up to a quarter of its rows.
_DOUBLE_ROWS = 0.4


def angle_brackets(line: DecodedLine, line_ink: LineInk, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with brackets that ``probs`` (the line's class weights per step) and ``line_ink`` show angled
    written 〈〉 or 《》 (beside Chinese text) or left as read."""
    chars = list(line.chars)
    if not has_ideograph(line.text) or not all(k in index for k in "〈〉《》()（）<>"):
        return line
    pairs = _pairs(chars)
    if not pairs:
        return line
    ink = line_ink.ink
    runs = ink_runs(ink.sum(axis=0) >= 2)
    scale = line_ink.shape[1] / max(1, line.steps)
    centres = [(c.start + c.end) / 2 * scale for c in chars if c.char != " "]
    marked = [(c.start + c.end) / 2 * scale for c in chars]

    def weight(i: int, shapes: str) -> float:
        c = chars[i]
        return float(sum(probs[c.start : c.end, index[k]].max() for k in shapes))

    for i, j in pairs:
        families = [(_OPEN, i), (_CLOSE, j)]
        if not any(weight(k, fam["angle"]) > weight(k, fam["round"]) for fam, k in families):
            continue
        inside = chars[i + 1].char if i + 1 < j else ""
        cjk = is_ideograph(inside) or is_ideograph(chars[j - 1].char)
        double = _double(ink, runs, centres, marked[i], marked[j])
        if double is None:
            double = weight(i, "《") + weight(j, "》") > weight(i, "〈<") + weight(j, "〉>")
        for fam, k in families:
            if cjk or chars[k].char not in "<>":
                shapes = _DOUBLE if double else _SINGLE
                chars[k] = replace(chars[k], char=shapes[fam is _CLOSE])
    return DecodedLine(tuple(chars), line.steps) if tuple(chars) != line.chars else line


def _pairs(chars) -> list[tuple[int, int]]:
    """(opening, closing) positions of the bracket pairs, innermost first."""
    return bracket_pairs([c.char for c in chars], "".join(_OPEN.values()), "".join(_CLOSE.values()), _sign)


def _sign(text: list[str], i: int) -> bool:
    """A ``<`` or ``>`` with a space on each side, or before a digit or ``=`` (``<2GiB``, ``>=``), is a
    sign, not a bracket."""
    if text[i] not in "<>":
        return False
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return (0 < i and text[i - 1] == " " and nxt == " ") or nxt.isdigit() or nxt == "="


def _double(ink: np.ndarray, runs: np.ndarray, centres: list[float], *marks: float) -> bool | None:
    """Whether the brackets centred at ``marks`` draw two strokes, from the first whose ink stands apart
    (no other glyph's centre ``centres`` falls in it); None: none does."""
    if not len(runs):
        return None
    for x in marks:
        start, end = run_at(runs, x)
        if sum(start <= c < end for c in centres) > 1:
            continue
        glyph = ink[:, start:end]
        rows = glyph[glyph.any(axis=1)]
        crossings = (np.diff(rows.astype(np.int8), axis=1, prepend=0) == 1).sum(axis=1)
        return bool(np.mean(crossings >= 2) >= _DOUBLE_ROWS)
    return None
