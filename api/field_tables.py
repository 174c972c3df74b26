"""A batch's invoice fields as a table: CSV (one row per document) and XLSX (that sheet and one of line items).

Rows are the key fields an ERP import needs, with ``needs_review`` and the
failed checks; values are the normalized strings of the fields view.
openpyxl writes the workbook (no hand-made XML).
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEAD = ("job_id", "document", "filename", "document_type", "needs_review")
KEY_FIELDS = (
    "invoice_number", "invoice_code", "issue_date", "due_date", "currency", "seller_name", "seller_tax_id",
    "buyer_name", "buyer_tax_id", "net_amount", "tax_amount", "total_amount", "tax_rate", "iban",
    "purchase_order",
)
COLUMNS = (*HEAD, *KEY_FIELDS, "failed_checks", "error")
CHECK_FAILED = "failed"  # a check's status (pipeline.invoice.model.CheckStatus), not a job state
ITEM_COLUMNS = ("job_id", "document", "filename", "invoice_number", "line", "description", "quantity", "unit",
                "unit_price", "tax_rate", "amount")


def _value(field) -> str:
    return "" if not field else str(field.get("value") or "")


def document_row(job_id: str, entry: dict) -> list[str]:
    fields = entry.get("fields") or {}
    review = entry.get("needs_review")
    failed = [c["name"] for c in entry.get("checks") or () if c.get("status") == CHECK_FAILED]
    error = entry.get("error") or {}
    return [job_id, entry["document"], entry["filename"], entry.get("document_type") or "",
            "" if review is None else ("true" if review else "false"),
            *(_value(fields.get(name)) for name in KEY_FIELDS), ";".join(failed), error.get("code") or ""]


def item_rows(job_id: str, entry: dict) -> list[list[str]]:
    fields = entry.get("fields") or {}
    number = _value(fields.get("invoice_number"))
    return [[job_id, entry["document"], entry["filename"], number, str(i),
             *(_value(item.get(name)) for name in ITEM_COLUMNS[5:])]
            for i, item in enumerate(fields.get("line_items") or (), start=1)]


def to_csv(documents: list[tuple[str, dict]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for job_id, entry in documents:
        writer.writerow(document_row(job_id, entry))
    # utf-8-sig: spreadsheet programs then read Chinese names and addresses right.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(documents: list[tuple[str, dict]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "invoices"
    sheet.append(COLUMNS)
    items = book.create_sheet("line_items")
    items.append(ITEM_COLUMNS)
    for job_id, entry in documents:
        sheet.append(document_row(job_id, entry))
        for row in item_rows(job_id, entry):
            items.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
