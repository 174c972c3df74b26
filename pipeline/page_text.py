"""Ordered lines joined into the page's text, and the page's confidence."""
from __future__ import annotations

from pipeline.result import Line


def page_text(lines: list[Line]) -> str:
    """The page as text: a blank line between blocks, a newline between
    lines, and a space between pieces of one visual row (table cells, or a
    line the detector split at a wide gap), so a table row reads as a row."""
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            if line.block != prev.block:
                out.append("\n\n")
            elif _same_row(prev.box, line.box):
                out.append(" ")
            else:
                out.append("\n")
        out.append(line.text)
        prev = line
    return "".join(out)


def page_confidence(lines: list[Line]) -> float:
    """Mean line confidence weighted by characters."""
    n = sum(len(line.text) for line in lines)
    if not n:
        return 0.0
    return round(sum(line.confidence * len(line.text) for line in lines) / n, 4)


def _same_row(a: list[float], b: list[float]) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and b[0] >= a[2] - 0.5 * (a[3] - a[1])
