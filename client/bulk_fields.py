"""``--extract invoice`` in the bulk command: each file's fields (``OUT/<path>.fields.json``, downloaded
like a result format), their key fields in ``manifest.csv``, and ``fields.csv`` / ``fields.xlsx`` for the run.

The client ships without server code, so the table is laid out here: one row per file with the key
fields, ``needs_review`` and the failed checks, the same columns as the server's batch export
(``GET /v1/batches/{id}/fields``) with the source path in front; the workbook has a second sheet of
line items. openpyxl writes it.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import Workbook

from client.outputs import output_path, write_atomic

FIELDS_FORMAT = "fields"
CSV_FILENAME = "fields.csv"
XLSX_FILENAME = "fields.xlsx"
# What manifest.csv adds per file with --extract invoice.
MANIFEST_COLUMNS = ("document_type", "needs_review", "invoice_number", "issue_date", "currency", "total_amount",
                    "seller_tax_id")
KEY_FIELDS = (
    "invoice_number", "invoice_code", "issue_date", "due_date", "currency", "seller_name", "seller_tax_id",
    "buyer_name", "buyer_tax_id", "net_amount", "tax_amount", "total_amount", "tax_rate", "iban", "purchase_order",
)
COLUMNS = ("path", "job_id", "document_type", "needs_review", *KEY_FIELDS, "failed_checks", "error")
ITEM_COLUMNS = ("path", "job_id", "invoice_number", "line", "description", "quantity", "unit", "unit_price",
                "tax_rate", "amount")
_CHECK_FAILED = "failed"


def read_entry(out_dir: Path, rel_path: str) -> dict | None:
    """The file's document entry from its downloaded fields, or None when there is none (not read, not asked)."""
    try:
        body = json.loads(output_path(out_dir, rel_path, FIELDS_FORMAT).read_bytes())
    except (OSError, ValueError):
        return None
    documents = body.get("documents") or []
    return documents[0] if documents else None  # a bulk job holds one file


def _value(field) -> str:
    return "" if not field else str(field.get("value") or "")


def _flag(value) -> str:
    return "" if value is None else ("true" if value else "false")


def manifest_cells(entry: dict | None) -> dict[str, str]:
    if entry is None:
        return dict.fromkeys(MANIFEST_COLUMNS, "")
    fields = entry.get("fields") or {}
    cells = {name: _value(fields.get(name)) for name in MANIFEST_COLUMNS}
    cells["document_type"] = entry.get("document_type") or ""
    cells["needs_review"] = _flag(entry.get("needs_review"))
    return cells


def _row(path: str, job_id: str, entry: dict) -> list[str]:
    fields = entry.get("fields") or {}
    failed = [c.get("name", "") for c in entry.get("checks") or () if c.get("status") == _CHECK_FAILED]
    return [path, job_id, entry.get("document_type") or "", _flag(entry.get("needs_review")),
            *(_value(fields.get(name)) for name in KEY_FIELDS), ";".join(failed), (entry.get("error") or {}).get("code") or ""]


def _items(path: str, job_id: str, entry: dict) -> list[list[str]]:
    fields = entry.get("fields") or {}
    number = _value(fields.get("invoice_number"))
    return [[path, job_id, number, str(i), *(_value(item.get(name)) for name in ITEM_COLUMNS[4:])]
            for i, item in enumerate(fields.get("line_items") or (), start=1)]


def write_tables(out_dir: Path, files: list[tuple[str, str, dict]]) -> None:
    """``fields.csv`` and ``fields.xlsx`` for ``(path, job id, entry)`` of every file read, by path."""
    files = sorted(files, key=lambda f: f[0])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    book = Workbook()
    sheet = book.active
    sheet.title = "invoices"
    sheet.append(COLUMNS)
    items = book.create_sheet("line_items")
    items.append(ITEM_COLUMNS)
    for path, job_id, entry in files:
        row = _row(path, job_id, entry)
        writer.writerow(row)
        sheet.append(row)
        for item in _items(path, job_id, entry):
            items.append(item)
    # utf-8-sig: spreadsheet programs then read Chinese names and addresses right.
    write_atomic(out_dir / CSV_FILENAME, text.getvalue().encode("utf-8-sig"))
    data = io.BytesIO()
    book.save(data)
    write_atomic(out_dir / XLSX_FILENAME, data.getvalue())
