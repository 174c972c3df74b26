"""Scores of a found table against its truth: structure, cell text, TEDS.

Every tool's output is first put in one shape, a ``Grid``: rows of
``(text, row_span, col_span)`` at each cell's top-left, ``None`` where a
spanning cell covers the position, so docpipe and its peers are scored
by the same code.
"""
from __future__ import annotations

import re

from apted import APTED, Config

from tests.factories import edit_distance

Grid = list[list[tuple[str, int, int] | None]]


def norm(text: str) -> str:
    """Whitespace collapsed; none between CJK characters and around CJK punctuation (tools differ there)."""
    text = " ".join((text or "").split())
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def grid_from_cells(rows: int, cols: int, cells: list[dict]) -> Grid:
    grid: Grid = [[None] * cols for _ in range(rows)]
    for c in cells:
        if c["row"] < rows and c["col"] < cols:
            grid[c["row"]][c["col"]] = (norm(c["text"]), c.get("row_span", 1), c.get("col_span", 1))
    return grid


def grid_from_rows(rows: list[list[str | None]]) -> Grid:
    """Rows as pdfplumber and PyMuPDF give them: ``None`` where a merged cell covers the position.

    A run of ``None`` after a cell in its row is taken as that cell's column span (what both tools
    produce for a cell merged across columns); other ``None`` positions are left uncovered.
    """
    out: Grid = []
    for row in rows:
        line: list = []
        for text in row:
            line.append(None if text is None else (norm(text), 1, 1))
        for k, cell in enumerate(line):
            if cell is None:
                continue
            span = 1
            while k + span < len(line) and line[k + span] is None:
                span += 1
            line[k] = (cell[0], 1, span)
        out.append(line)
    return out


def shape(grid: Grid) -> tuple[int, int]:
    return len(grid), max((len(r) for r in grid), default=0)


def cell_accuracy(truth: Grid, found: Grid, slack: int = 2) -> float:
    """Share of the truth's non-empty cells whose text is found at the same position, the found grid
    shifted by up to ``slack`` rows and columns (a title read as an extra first row costs the
    tool its structure score, not every cell)."""
    want = [(r, c, cell[0]) for r, row in enumerate(truth) for c, cell in enumerate(row) if cell and cell[0]]
    if not want:
        return 1.0
    best = 0
    for dr in range(-slack, slack + 1):
        for dc in range(-slack, slack + 1):
            hit = 0
            for r, c, text in want:
                rr, cc = r + dr, c + dc
                if 0 <= rr < len(found) and 0 <= cc < len(found[rr]):
                    cell = found[rr][cc]
                    hit += cell is not None and cell[0] == text
            best = max(best, hit)
    return best / len(want)


class _Node:
    def __init__(self, tag: str, span: tuple[int, int] = (1, 1), text: str = "", children=None):
        self.tag, self.span, self.text, self.children = tag, span, text, children or []


class _Cost(Config):
    """PubTabNet's TEDS costs: renaming a cell to another span costs 1, to other text its normalised
    edit distance."""

    def rename(self, a: _Node, b: _Node) -> float:
        if a.tag != b.tag or a.span != b.span:
            return 1.0
        if a.tag == "td":
            longest = max(len(a.text), len(b.text))
            return edit_distance(a.text, b.text) / longest if longest else 0.0
        return 0.0

    def children(self, node: _Node):
        return node.children


def _tree(grid: Grid) -> _Node:
    rows = [_Node("tr", children=[_Node("td", (c[1], c[2]), c[0]) for c in row if c is not None]) for row in grid]
    return _Node("table", children=rows)


def _size(node: _Node) -> int:
    return 1 + sum(_size(c) for c in node.children)


def teds(truth: Grid, found: Grid) -> float:
    """1 − tree edit distance ÷ the larger tree (rows and cells with spans and text; no header markup,
    which the peers do not report)."""
    a, b = _tree(truth), _tree(found)
    dist = APTED(a, b, _Cost()).compute_edit_distance()
    return 1.0 - dist / max(_size(a), _size(b))
