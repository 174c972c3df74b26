"""A job's tables as files: JSON, CSV (one file per table in a ZIP), XLSX (one sheet per table), HTML.

Built from stored page results, like every export. Tables are joined here,
per document, when a table runs on over a page break (``pipeline.tables.join``):
the page results keep each page's own tables, so a page reads the same
whether or not its neighbours are done, and a page copied by result reuse
needs nothing else. Joining is cheap (cells only), so it is done again on
each export rather than stored.

Cell text is written as text everywhere, never converted to numbers: an
account number, a postcode or "007" must come out as it was printed.
"""
from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass

from pipeline.export.document import SOFTWARE_NAME, ExportDocument, UnknownFormatError
from pipeline.export.zipped import safe_base_name, zip_bytes
from pipeline.tables.join import join_numbered_pages
from pipeline.tables.model import Table
from pipeline.tables.render import to_csv, to_html

TABLE_FORMATS: dict[str, str] = {
    "json": "application/json",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
FILE_EXTENSIONS = {"json": "tables.json", "csv": "tables.csv.zip", "xlsx": "tables.xlsx", "html": "tables.html"}
JSON_SCHEMA = "docpipe.tables.v1"
# XML 1.0 refuses these, so openpyxl does; text layers carry them now and then.
_NOT_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_NAME_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class DocumentTable:
    """One table of a document: joined over the pages it runs on."""

    document: int  # 1-based position of its document in the export
    index: int  # 1-based within its document
    table: Table
    starts: list[tuple[int, int]]  # (page_no, first row of that page's part)

    @property
    def pages(self) -> list[int]:
        return [p for p, _ in self.starts]

    def page_of_row(self, row: int) -> int:
        page = self.starts[0][0]
        for page_no, first in self.starts:
            if row >= first:
                page = page_no
        return page

    def to_dict(self) -> dict:
        """The page result's table shape, plus where it stands: its pages, and each cell's page
        (a joined table's cell boxes are in the pixels of the page the cell is on)."""
        d = self.table.to_dict()
        for cell in d["cells"]:
            cell["page"] = self.page_of_row(cell["row"])
        return {"index": self.index, "pages": self.pages, "page": self.pages[0], **d}


def document_tables(documents: list[ExportDocument]) -> list[list[DocumentTable]]:
    """Per document, its tables in page order, a table continued on the next page joined into one."""
    out = []
    for d, doc in enumerate(documents, start=1):
        joined = join_numbered_pages([(page.page_no, page.tables) for page in doc.pages])
        out.append([DocumentTable(d, k, table, starts) for k, (table, starts) in enumerate(joined, start=1)])
    return out


def _json(documents: list[ExportDocument], tables: list[list[DocumentTable]]) -> bytes:
    body = {
        "schema": JSON_SCHEMA,
        "software": SOFTWARE_NAME,
        "documents": [
            {"filename": doc.filename, "sha256": doc.sha256, "kind": doc.kind,
             "tables": [t.to_dict() for t in found]}
            for doc, found in zip(documents, tables)
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _pages_label(pages: list[int]) -> str:
    return str(pages[0]) if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"


def _csv_zip(documents: list[ExportDocument], tables: list[list[DocumentTable]]) -> bytes:
    """``<n>-<filename>/table-<k>-page-<p>.csv`` per table: numbered so equal filenames never collide,
    path parts stripped so no entry escapes the folder it is unpacked into. UTF-8 with a byte-order
    mark: spreadsheet programs read a CSV without one in the local code page, garbling Chinese."""
    return zip_bytes(
        (f"{d:04d}-{safe_base_name(doc.filename)}/table-{t.index:03d}-page-{_pages_label(t.pages)}.csv",
         to_csv(t.table).encode("utf-8-sig"))
        for d, (doc, found) in enumerate(zip(documents, tables), start=1) for t in found)


def _sheet_title(t: DocumentTable, several: bool) -> str:
    title = (f"D{t.document} " if several else "") + f"T{t.index} p{_pages_label(t.pages)}"
    return title[:_SHEET_NAME_MAX]


def _xlsx(documents: list[ExportDocument], tables: list[list[DocumentTable]]) -> bytes:
    """One sheet per table; spanning cells merged; header rows bold and frozen above the body."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    several = len(documents) > 1
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for found in tables:
        for t in found:
            ws = wb.create_sheet(_sheet_title(t, several))
            for cell in t.table.cells:
                target = ws.cell(row=cell.row + 1, column=cell.col + 1, value=_NOT_XLSX.sub(" ", cell.text) or None)
                target.alignment = wrap
                if cell.row < t.table.header_rows:
                    target.font = bold
                if cell.row_span > 1 or cell.col_span > 1:
                    ws.merge_cells(start_row=cell.row + 1, start_column=cell.col + 1,
                                   end_row=cell.row + cell.row_span, end_column=cell.col + cell.col_span)
            if t.table.header_rows:
                ws.freeze_panes = ws.cell(row=t.table.header_rows + 1, column=1)
    if not wb.worksheets:  # a workbook must have a sheet: say there was nothing, rather than look broken
        wb.create_sheet("no tables")["A1"] = "No tables were found in this job."
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _html(documents: list[ExportDocument], tables: list[list[DocumentTable]]) -> bytes:
    parts = ['<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Tables</title></head><body>']
    for doc, found in zip(documents, tables):
        parts.append(f"<section><h1>{html.escape(doc.filename)}</h1>")
        for t in found:
            label = "page" if len(t.pages) == 1 else "pages"
            parts.append(f'<h2 id="table-{t.document}-{t.index}">Table {t.index} '
                         f"({label} {_pages_label(t.pages)})</h2>")
            parts.append(to_html(t.table))
        if not found:
            parts.append("<p>No tables were found in this document.</p>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts).encode("utf-8")


_WRITERS = {"json": _json, "csv": _csv_zip, "xlsx": _xlsx, "html": _html}


def export_tables(fmt: str, documents: list[ExportDocument]) -> bytes:
    """The documents' tables in ``fmt`` (one of ``TABLE_FORMATS``); ``UnknownFormatError`` otherwise."""
    if fmt not in TABLE_FORMATS:
        raise UnknownFormatError(
            f"unknown tables format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}",
            details={"format": fmt, "allowed": list(TABLE_FORMATS)},
        )
    documents = list(documents)
    return _WRITERS[fmt](documents, document_tables(documents))
