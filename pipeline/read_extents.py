"""Line boxes trimmed to the text read in them, for the reading order.

A detector's box can reach well past its text on either side: a short box (an
index's page number) is unclipped by much of its height, and a leader's dots
the recognizer read nothing of stay inside the box. Across a narrow gutter
such boxes meet the next column's and hide it (an index set in two columns
read row by row across both). The characters' time steps say where the text
is; a side is cut back to them only where much room is left unread, keeping the
recognizer's padding, so the layout sees other boxes as it always has. Boxes only shrink.
"""
from __future__ import annotations

from pipeline.ctc import DecodedLine


def _half_glyph(char: str, height: float) -> float:
    """Half a glyph's width: a character's time steps fall about its middle, not at its edges (a CJK
    character is about as wide as its line is tall, a Latin one about half as wide)."""
    return (0.5 if ord(char[0]) >= 0x2E80 else 0.25) * height


def read_extents(boxes: list[list[float]], decoded: list[DecodedLine], pad_x: float,
                 min_unread: float) -> list[list[float]]:
    """``boxes`` (upright ``[x0, y0, x1, y1]``, one per ``decoded`` line) narrowed to their read
    characters where a side has more than ``min_unread`` line heights unread."""
    out = []
    for box, dec in zip(boxes, decoded):
        x0, y0, x1, y1 = box
        if not dec.chars or dec.steps <= 0:
            out.append(list(box))
            continue
        width, height = x1 - x0, y1 - y0
        first, last = dec.chars[0], dec.chars[-1]
        start = x0 + width * first.start / dec.steps - pad_x * height - _half_glyph(first.char, height)
        end = x0 + width * last.end / dec.steps + pad_x * height + _half_glyph(last.char, height)
        least = min_unread * height
        start = start if start - x0 >= least else x0
        end = end if x1 - end >= least else x1
        out.append([start, y0, max(end, start + 1), y1])
    return out
