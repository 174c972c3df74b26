"""A page's text with its tables read row by row, cell by cell.

The lines inside a table's box leave the text where they stood; the table
comes in their place, one row per text line, its cells separated by a tab
(so a row pastes into a spreadsheet as a row), a spanning cell's text once,
at its top-left position. The lines themselves (and their boxes) are not
changed: only the text is.
"""
from __future__ import annotations

from collections.abc import Callable

from pipeline.result import Line
from pipeline.tables.model import Table


def table_text(table: Table) -> str:
    """Row by row; a row's cells in column order, tab-separated; a cell's wrapped lines joined by spaces."""
    rows = []
    for row in table.texts():
        rows.append("\t".join(" ".join(cell.split()) for cell in row).rstrip("\t"))
    return "\n".join(r for r in rows if r)


def _holder(line: Line, tables: list[Table]) -> int | None:
    """The table whose box holds the middle of ``line``, if any."""
    cx = (line.box[0] + line.box[2]) / 2
    cy = (line.box[1] + line.box[3]) / 2
    for k, t in enumerate(tables):
        x0, y0, x1, y1 = t.box
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return k
    return None


def text_with_tables(lines: list[Line], tables: list[Table], page_text: Callable[[list[Line]], str]) -> str:
    """``page_text(lines)`` with each table's lines replaced by the table, at the place of its first line.

    A table no line falls into (a text layer whose lines span it) goes after the text, so its cells
    are never lost from the page's text.
    """
    if not tables:
        return page_text(lines)
    parts: list[str] = []
    run: list[Line] = []
    placed: set[int] = set()
    for line in lines:
        k = _holder(line, tables)
        if k is None:
            run.append(line)
            continue
        if k in placed:
            continue
        if run:
            parts.append(page_text(run))
            run = []
        parts.append(table_text(tables[k]))
        placed.add(k)
    if run:
        parts.append(page_text(run))
    parts += [table_text(t) for k, t in enumerate(tables) if k not in placed]
    return "\n\n".join(p for p in parts if p)
