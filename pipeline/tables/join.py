"""A table that runs over a page break, read as one."""
from __future__ import annotations

from pipeline.tables.model import Cell, Table


def _column_edges(table: Table) -> list[float]:
    """Left edge of each column, relative to the table's left, as a share of its width."""
    width = (table.box[2] - table.box[0]) or 1.0
    edges = [None] * table.cols
    for cell in table.cells:
        if cell.col_span == 1 and edges[cell.col] is None:
            edges[cell.col] = (cell.box[0] - table.box[0]) / width
    return [e if e is not None else -1.0 for e in edges]


def continues(first: Table, second: Table, tol: float = 0.03) -> bool:
    """``second`` (at the top of the next page) carries on ``first`` (at the bottom of this one):
    the same number of columns at the same places across the table's width."""
    if first.cols != second.cols:
        return False
    a, b = _column_edges(first), _column_edges(second)
    return all(x < 0 or y < 0 or abs(x - y) <= tol for x, y in zip(a, b))


def join_tables(first: Table, second: Table) -> Table:
    """``first`` with ``second``'s rows appended; a header that the second page repeats is dropped.

    Boxes stay in their own page's pixels: a joined table is for reading
    its cells, not for drawing it on one page.
    """
    skip = second.header_rows if second.header_rows and _header_texts(first) == _header_texts(second) else 0
    cells = [Cell(row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span, text=c.text, box=list(c.box),
                  confidence=c.confidence) for c in first.cells]
    for c in second.cells:
        if c.row < skip:
            continue
        cells.append(Cell(row=c.row - skip + first.rows, col=c.col, row_span=c.row_span, col_span=c.col_span,
                          text=c.text, box=list(c.box), confidence=c.confidence))
    return Table(rows=first.rows + second.rows - skip, cols=first.cols, box=list(first.box), cells=cells,
                 header_rows=first.header_rows)


def _header_texts(table: Table) -> list[list[str]]:
    return table.texts()[: table.header_rows]


def join_pages(pages: list[list[Table]]) -> list[Table]:
    """Every table of a document in page order, the last table of a page joined with the first of the
    next page when that one continues it."""
    out: list[Table] = []
    carry: Table | None = None
    for tables in pages:
        if not tables and carry is not None:  # a page without tables ends the one in hand
            out.append(carry)
            carry = None
        for i, table in enumerate(tables):
            if i == 0 and carry is not None and continues(carry, table):
                carry = join_tables(carry, table)
                continue
            if carry is not None:
                out.append(carry)
            carry = table
    if carry is not None:
        out.append(carry)
    return out
