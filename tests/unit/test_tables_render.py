"""Tables as HTML, CSV and Markdown, and in the page result's JSON."""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pymupdf

from pipeline.result import PageResult
from pipeline.tables import find_pdf_tables
from pipeline.tables.model import Table
from pipeline.tables.render import to_csv, to_html, to_markdown
from tests.table_factories import random_table, table_pdf


def _spanning_table() -> Table:
    spec = random_table(1, rules="grid", spans=True, cols=3, rows=3)
    with pymupdf.open(stream=table_pdf(spec), filetype="pdf") as doc:
        [table] = find_pdf_tables(doc[0], 200)
    return table


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple]] = []
        self.stack: list[str] = []
        self._attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._attrs = dict(attrs)
            self.rows[-1].append((tag, int(self._attrs.get("rowspan", 1)), int(self._attrs.get("colspan", 1)), ""))

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("td", "th"):
            tag, rs, cs, text = self.rows[-1][-1]
            self.rows[-1][-1] = (tag, rs, cs, text + data)


def test_html_has_spans_and_a_header():
    table = _spanning_table()
    parser = _Cells()
    parser.feed(to_html(table))
    assert not parser.stack
    assert len(parser.rows) == table.rows
    first = parser.rows[0]
    assert first[0][:3] == ("th", 2, 1)  # the heading over both header rows
    assert first[1][:3] == ("th", 1, 2)  # the group over two columns
    assert all(c[0] == "td" for row in parser.rows[table.header_rows:] for c in row)
    # every row covers all columns once spans from the rows above are counted
    covered = [0] * table.rows
    for r, row in enumerate(parser.rows):
        for _, rs, cs, _ in row:
            for k in range(r, r + rs):
                covered[k] += cs
    assert covered == [table.cols] * table.rows
    texts = [c[3] for row in parser.rows for c in row]
    assert texts == [c.text for c in sorted(table.cells, key=lambda c: (c.row, c.col))]


def test_html_escapes_text():
    table = Table.from_dict({"rows": 1, "cols": 1, "box": [0, 0, 1, 1], "header_rows": 0,
                             "cells": [{"row": 0, "col": 0, "text": "a<b & c", "box": [0, 0, 1, 1]}]})
    assert "a&lt;b &amp; c" in to_html(table)


def test_csv_and_markdown_keep_the_grid():
    table = _spanning_table()
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows == table.texts()
    assert rows[0][1] and rows[0][2] == ""  # a spanning cell's text once, at its top-left
    md = to_markdown(table).splitlines()
    assert len(md) == table.rows + 1
    assert md[1] == "|" + "---|" * table.cols
    assert all(line.count(" | ") == table.cols - 1 for line in md if not line.startswith("|-"))


def test_page_result_round_trips_tables_and_reads_old_results():
    table = _spanning_table()
    page = PageResult(page_no=1, width=100, height=100, dpi=200, source="text_layer", text="", confidence=1.0,
                      tables=[table])
    data = json.loads(json.dumps(page.to_dict()))
    assert data["tables"][0]["cells"][0].keys() == {"row", "col", "row_span", "col_span", "text", "box", "confidence"}
    again = PageResult.from_dict(data)
    assert again.tables[0].to_dict() == table.to_dict()
    del data["tables"]  # stored before pages had tables
    assert PageResult.from_dict(data).tables == []
