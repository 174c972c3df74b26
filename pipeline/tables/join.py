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
    return [t for t, _ in join_numbered_pages(list(enumerate(pages, start=1)))]


def join_numbered_pages(pages: list[tuple[int, list[Table]]]) -> list[tuple[Table, list[tuple[int, int]]]]:
    """``join_pages`` for ``(page_no, tables)`` in page order; each table with ``(page_no, first_row)``
    for every page it came from (the row of the joined table where that page's rows begin).

    Only neighbouring pages join: a page missing between them (not selected, or failed) ends the
    table in hand, since what stood there is unknown.
    """
    out: list[tuple[Table, list[tuple[int, int]]]] = []
    carry: tuple[Table, list[tuple[int, int]]] | None = None
    prev_no: int | None = None
    for page_no, tables in pages:
        if carry is not None and (not tables or prev_no is None or page_no != prev_no + 1):
            out.append(carry)  # a page without tables, or a gap, ends the one in hand
            carry = None
        for i, table in enumerate(tables):
            if i == 0 and carry is not None and continues(carry[0], table):
                carry = (join_tables(carry[0], table), carry[1] + [(page_no, carry[0].rows)])
                continue
            if carry is not None:
                out.append(carry)
            carry = (table, [(page_no, 0)])
        prev_no = page_no
    if carry is not None:
        out.append(carry)
    return out
