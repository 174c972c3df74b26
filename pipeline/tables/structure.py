"""From a grid of column and row boundaries to cells: spans, text, header rows.

Shared by the ruled path (boundaries from ruling lines) and the aligned
path (boundaries from whitespace): both hand over the boundaries and say,
for each pair of neighbouring grid positions, whether a separator runs
between them; positions not separated merge into one spanning cell.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Callable

from pipeline.tables.model import Cell, Table, Token
from pipeline.tables.words import cell_confidence, cell_text


def locate(tokens: list[Token], xs: list[float], ys: list[float]) -> dict[tuple[int, int], list[Token]]:
    """Each token to the grid position holding its centre."""
    out: dict[tuple[int, int], list[Token]] = {}
    for tok in tokens:
        c = min(max(bisect_right(xs, tok.cx) - 1, 0), len(xs) - 2)
        r = min(max(bisect_right(ys, tok.cy) - 1, 0), len(ys) - 2)
        out.setdefault((r, c), []).append(tok)
    return out


def build_table(
    xs: list[float],
    ys: list[float],
    tokens: list[Token],
    split_right: Callable[[int, int], bool],
    split_below: Callable[[int, int], bool],
) -> Table | None:
    """The table on the grid ``xs`` × ``ys``.

    ``split_right(r, c)``: a separator runs between (r, c) and (r, c+1);
    ``split_below(r, c)``: between (r, c) and (r+1, c).
    """
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows < 1 or cols < 1:
        return None
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not split_right(r, c):
                parent[find(r * cols + c)] = find(r * cols + c + 1)
            if r + 1 < rows and not split_below(r, c):
                parent[find(r * cols + c)] = find((r + 1) * cols + c)
    spans: dict[int, list[int]] = {}
    for r in range(rows):
        for c in range(cols):
            g = spans.setdefault(find(r * cols + c), [r, c, r, c])
            g[0], g[1], g[2], g[3] = min(g[0], r), min(g[1], c), max(g[2], r), max(g[3], c)
    placed = locate(tokens, xs, ys)
    taken = [[False] * cols for _ in range(rows)]
    cells: list[Cell] = []
    for r0, c0, r1, c1 in sorted(spans.values()):
        if taken[r0][c0]:
            continue  # a broken rule made an L-shaped group: its box is already a cell
        words: list[Token] = []
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if not taken[r][c]:
                    taken[r][c] = True
                    words.extend(placed.get((r, c), []))
        cells.append(Cell(row=r0, col=c0, row_span=r1 - r0 + 1, col_span=c1 - c0 + 1,
                          text=cell_text(words), box=[xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]],
                          confidence=cell_confidence(words)))
    table = drop_empty_lines(Table(rows=rows, cols=cols, box=[xs[0], ys[0], xs[-1], ys[-1]], cells=cells))
    header_row_spans(table)
    return table


def drop_empty_lines(table: Table) -> Table:
    """Rows and columns with no text of their own and no cell starting there are left out."""
    keep_r = sorted({c.row for c in table.cells if c.text} | {r for r in range(table.rows)
                    if any(c.row == r and c.row_span == 1 and c.text for c in table.cells)})
    keep_c = sorted({c.col for c in table.cells if c.text})
    if len(keep_r) == table.rows and len(keep_c) == table.cols:
        table.header_rows = header_rows(table)
        return table
    rmap = {r: i for i, r in enumerate(keep_r)}
    cmap = {c: i for i, c in enumerate(keep_c)}
    cells = []
    for cell in table.cells:
        if not cell.text:
            continue
        r1 = sum(1 for r in keep_r if cell.row <= r < cell.row + cell.row_span)
        c1 = sum(1 for c in keep_c if cell.col <= c < cell.col + cell.col_span)
        cells.append(Cell(row=rmap[cell.row], col=cmap[cell.col], row_span=max(r1, 1), col_span=max(c1, 1),
                          text=cell.text, box=cell.box, confidence=cell.confidence))
    out = Table(rows=len(keep_r), cols=len(keep_c), box=table.box, cells=cells)
    out.cells = _fill_empty(out)
    out.header_rows = header_rows(out)
    return out


def _fill_empty(table: Table) -> list[Cell]:
    """Empty positions get an empty cell so every position belongs to one cell."""
    grid = table.grid()
    cells = list(table.cells)
    for r in range(table.rows):
        for c in range(table.cols):
            if grid[r][c] is None:
                near = [x for x in table.cells if x.row == r] or table.cells
                y0 = min(x.box[1] for x in near)
                y1 = max(x.box[3] for x in near)
                col = [x for x in table.cells if x.col == c] or table.cells
                cells.append(Cell(row=r, col=c, text="", box=[min(x.box[0] for x in col), y0,
                                                             max(x.box[2] for x in col), y1]))
    return sorted(cells, key=lambda x: (x.row, x.col))


def header_rows(table: Table) -> int:
    """Rows read as the header: the first row, and the rows below a header cell that spans them.

    A header cell spanning columns (a group heading such as a quarter over
    its months) pulls the row below into the header, as does one spanning
    rows. A one-row table has no header.
    """
    if table.rows < 2:
        return 0
    h = 1
    while h < table.rows - 1:
        top = [c for c in table.cells if c.row < h]
        deeper = max(c.row + c.row_span for c in top)
        grouped = any(c.row == h - 1 and c.col_span > 1 and c.col_span < table.cols for c in top)
        nxt = deeper if deeper > h else h + 1 if grouped else h
        if nxt == h:
            break
        h = min(nxt, table.rows - 1)
    return h


def header_row_spans(table: Table) -> None:
    """In a header of several rows, a heading with nothing below it spans down (a 'Region' over its two header rows)."""
    if table.header_rows < 2:
        return
    grid = table.grid()
    for cell in list(table.cells):
        if cell.row != 0 or not cell.text or cell.row_span >= table.header_rows:
            continue
        depth = cell.row_span
        while depth < table.header_rows:
            below = grid[depth][cell.col]
            if below is None or below.text or below.col_span != cell.col_span or below.col != cell.col:
                break
            table.cells.remove(below)
            depth += 1
        cell.row_span = depth
        cell.box[3] = max(cell.box[3], *(c.box[3] for c in grid[depth - 1][cell.col:cell.col + 1] if c))
