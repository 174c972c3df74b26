"""A table as HTML, CSV or Markdown."""
from __future__ import annotations

import csv
import html
import io

from pipeline.tables.model import Table


def to_html(table: Table) -> str:
    """``<table>`` with ``rowspan``/``colspan``; header rows in ``<thead>`` as ``<th>``."""
    by_row: dict[int, list] = {}
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        by_row.setdefault(cell.row, []).append(cell)
    parts = ["<table>"]
    for section, rows in (("thead", range(table.header_rows)), ("tbody", range(table.header_rows, table.rows))):
        if not rows:
            continue
        parts.append(f"<{section}>")
        tag = "th" if section == "thead" else "td"
        for r in rows:
            parts.append("<tr>")
            for cell in by_row.get(r, []):
                attrs = (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "") + (
                    f' colspan="{cell.col_span}"' if cell.col_span > 1 else "")
                parts.append(f"<{tag}{attrs}>{html.escape(cell.text)}</{tag}>")
            parts.append("</tr>")
        parts.append(f"</{section}>")
    parts.append("</table>")
    return "".join(parts)


def to_csv(table: Table) -> str:
    """One line per row; a spanning cell's text at its top-left, the positions it covers empty."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table.texts())
    return buf.getvalue()


def to_markdown(table: Table) -> str:
    """A pipe table. Markdown has no spans: a spanning cell's text at its top-left, the rest empty;
    the first row is the Markdown header whether or not the table has one (the syntax needs it)."""
    rows = [[" ".join(t.split()).replace("|", "\\|") for t in row] for row in table.texts()]
    if not rows:
        return ""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * table.cols]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines) + "\n"
