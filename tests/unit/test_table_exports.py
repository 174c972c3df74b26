"""The tables exports (pipeline/export/tables.py) and the page text with tables, from generated born-digital
tables read by the real text-layer path: JSON, CSV in a ZIP, XLSX read back with openpyxl, HTML parsed."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from pipeline import Limits, Options, open_document, read_text_layer
from pipeline.export import ExportDocument
from pipeline.export.tables import TABLE_FORMATS, UnknownFormatError, export_tables
from tests.table_factories import SpecCell, TableSpec, random_table, table_pdf


def _pages(pdf: bytes, tables: bool = True):
    with open_document(pdf, Limits()) as doc:
        return [read_text_layer(doc, no, Options(tables=tables)) for no in doc.select(None)]


def _doc(pdf: bytes, name: str = "t.pdf", pages=None) -> ExportDocument:
    return ExportDocument(filename=name, sha256="0" * 64, kind="pdf", data=None, pages=_pages(pdf) if pages is None else pages)


def _truth(spec: TableSpec) -> list[tuple]:
    return sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in spec.truth()["cells"])


def _json(docs) -> dict:
    return json.loads(export_tables("json", docs))


@pytest.mark.parametrize("rules", ["grid", "none", "columns"])
def test_json_carries_every_cell_with_its_page(rules):
    spec = random_table(3, rules=rules, spans=True)
    [doc] = _json([_doc(table_pdf(spec))])["documents"]
    [table] = doc["tables"]
    assert (table["rows"], table["cols"], table["header_rows"]) == (spec.rows, spec.cols, spec.header_rows)
    assert table["pages"] == [1] and table["page"] == 1 and table["index"] == 1
    got = sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in table["cells"] if c["text"])
    assert got == _truth(spec)
    assert all(c["page"] == 1 and len(c["box"]) == 4 for c in table["cells"])


def test_table_over_two_pages_is_joined_once_with_each_cells_page():
    spec = random_table(4, rules="grid", rows=12)
    [table] = _json([_doc(table_pdf(spec, split_after=6))])["documents"][0]["tables"]
    assert (table["rows"], table["cols"]) == (spec.rows, spec.cols)  # the repeated header is dropped
    assert table["pages"] == [1, 2]
    assert {c["page"] for c in table["cells"] if c["row"] <= 6} == {1}
    assert {c["page"] for c in table["cells"] if c["row"] > 6} == {2}
    got = sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in table["cells"] if c["text"])
    assert got == _truth(spec)


def test_pages_not_next_to_each_other_are_not_joined():
    spec = random_table(4, rules="grid", rows=12)
    first, second = _pages(table_pdf(spec, split_after=6))
    second.page_no = 3  # page 2 missing (failed, or not selected): what stood there is unknown
    tables = _json([_doc(b"", pages=[first, second])])["documents"][0]["tables"]
    assert [t["pages"] for t in tables] == [[1], [3]]


def test_xlsx_has_one_sheet_per_table_and_merges_spans():
    a, b = random_table(5, rules="grid", spans=True), random_table(2, lang="zh", rules="none", spans=True)
    wb = load_workbook(io.BytesIO(export_tables("xlsx", [_doc(table_pdf(a), "a.pdf"), _doc(table_pdf(b), "b.pdf")])))
    assert wb.sheetnames == ["D1 T1 p1", "D2 T1 p1"]
    for ws, spec in zip(wb.worksheets, (a, b)):
        for c in spec.truth()["cells"]:
            assert ws.cell(row=c["row"] + 1, column=c["col"] + 1).value == c["text"]
        spans = {(c["row"] + 1, c["col"] + 1, c["row"] + c["row_span"], c["col"] + c["col_span"])
                 for c in spec.truth()["cells"] if c["row_span"] > 1 or c["col_span"] > 1}
        merged = {(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges}
        assert spans and merged == spans
        assert ws.cell(row=1, column=1).font.bold and ws.freeze_panes == f"A{spec.header_rows + 1}"


def test_xlsx_of_a_job_without_tables_says_so():
    wb = load_workbook(io.BytesIO(export_tables("xlsx", [_doc(b"", pages=[])])))
    assert wb.sheetnames == ["no tables"]


class _Cells(HTMLParser):
    """Every <td>/<th> with its rowspan, colspan and text, row by row."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple]] = []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            a = dict(attrs)
            self._cell = [tag, int(a.get("rowspan", 1)), int(a.get("colspan", 1)), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[3] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(tuple(self._cell))
            self._cell = None


def test_html_has_spans_and_escaped_text():
    cells = [SpecCell(0, 0, "Part", row_span=2), SpecCell(0, 1, "Price <EUR>", col_span=2),
             SpecCell(1, 1, "net"), SpecCell(1, 2, "gross"),
             SpecCell(2, 0, "A & B"), SpecCell(2, 1, "10.00"), SpecCell(2, 2, "11.90"),
             SpecCell(3, 0, "<script>"), SpecCell(3, 1, "5.00"), SpecCell(3, 2, "5.95")]
    spec = TableSpec(rows=4, cols=3, cells=cells, header_rows=2, rules="grid")
    body = export_tables("html", [_doc(table_pdf(spec), "a<b>.pdf")]).decode()
    assert "<script>" not in body and "&lt;script&gt;" in body and "a&lt;b&gt;.pdf" in body
    parser = _Cells()
    parser.feed(body)
    assert parser.rows == [
        [("th", 2, 1, "Part"), ("th", 1, 2, "Price <EUR>")],
        [("th", 1, 1, "net"), ("th", 1, 1, "gross")],
        [("td", 1, 1, "A & B"), ("td", 1, 1, "10.00"), ("td", 1, 1, "11.90")],
        [("td", 1, 1, "<script>"), ("td", 1, 1, "5.00"), ("td", 1, 1, "5.95")],
    ]


def test_csv_zip_has_one_file_per_table():
    a, b = random_table(7, rules="header"), random_table(8, lang="zh", rules="columns")
    data = export_tables("csv", [_doc(table_pdf(a), "x/../a.pdf"), _doc(table_pdf(b), "b.pdf")])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names == ["0001-a.pdf/table-001-page-1.csv", "0002-b.pdf/table-001-page-1.csv"]
        for name, spec in zip(names, (a, b)):
            rows = list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            assert rows == [[t for t in row] for row in _texts(spec)]


def _texts(spec: TableSpec) -> list[list[str]]:
    out = [[""] * spec.cols for _ in range(spec.rows)]
    for c in spec.truth()["cells"]:
        out[c["row"]][c["col"]] = c["text"]
    return out


def test_unknown_format_is_refused():
    assert set(TABLE_FORMATS) == {"json", "csv", "xlsx", "html"}
    with pytest.raises(UnknownFormatError):
        export_tables("ods", [])


def test_page_text_reads_the_table_row_by_row():
    spec = random_table(9, rules="none")
    [page] = _pages(table_pdf(spec))
    rows = ["\t".join(r) for r in _texts(spec)]
    text = page.text
    assert "\n".join(rows) in text
    # the title before the table, the paragraph after it
    assert text.index(spec.title) < text.index(rows[0]) < text.index(spec.after[0])
    [plain] = _pages(table_pdf(spec), tables=False)
    assert "\t" not in plain.text and plain.tables == []
