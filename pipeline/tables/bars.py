"""Scans: a vertical bar at a word's edge, or a word of bars alone, told a column rule from a `|` in the text.

In a ruled table the recognizer reads the column rule beside a cell's word as a bar (`|name`, `name|`, or a
`|` of its own), and the table step takes such bars off. Tables of operators and shell commands print bars as
text, though: `command1 | command2`, `||` and `|` cells. Taken off there, a cell loses its text, and the gap
the lone `|` leaves between `command1` and `command2` is a gutter wide enough to cut the cell into two
columns. A bar is the rule when one of the rules found in the image passes through it; a glyph is shorter
than a rule (a rule is at least a quarter inch), so a bar the rules do not cross is kept as read.
"""
from __future__ import annotations

from pipeline.tables.model import Token
from pipeline.tables.ruled import Segment

BARS = "|｜丨"
BAR_WIDTH = 0.5  # a bar's part of a word's box reaches this many of the box's heights in from its edge (per bar)
REACH = 0.25  # a rule passes through the bar within this many of the box's heights beside its part


def rule_bars(tokens: list[Token], v: list[Segment]) -> list[Token]:
    """``tokens`` with the bars at their edges taken off where a column rule of ``v`` (in the tokens'
    frame) passes through them; a token left empty is dropped."""
    out = []
    for t in tokens:
        text = t.text
        if text[:1] in BARS or text[-1:] in BARS:
            text = _unruled(t, v)
        if text:
            out.append(t if text == t.text else Token(text, t.box, t.confidence))
    return out


def _unruled(t: Token, v: list[Segment]) -> str:
    h = t.height
    mid = t.cy
    crossing = [s.pos for s in v if s.lo <= mid <= s.hi]
    text = t.text
    if not text.strip(BARS):  # bars alone: a rule through any part of the box
        return "" if any(t.box[0] - REACH * h <= x <= t.box[2] + REACH * h for x in crossing) else text
    lead = len(text) - len(text.lstrip(BARS))
    if lead and any(t.box[0] - REACH * h <= x <= t.box[0] + (BAR_WIDTH * lead + REACH) * h for x in crossing):
        text = text[lead:].lstrip()
    trail = len(text) - len(text.rstrip(BARS))
    if trail and any(t.box[2] - (BAR_WIDTH * trail + REACH) * h <= x <= t.box[2] + REACH * h for x in crossing):
        text = text[:-trail].rstrip()
    return text
