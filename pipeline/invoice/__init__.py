"""Invoice fields, line items and checks from a document's pages (text layer or OCR), template-free."""
from pipeline.invoice.extract import extract_invoice
from pipeline.invoice.model import FIELD_NAMES, KEY_FIELDS, Check, Field, InvoiceResult, LineItem

__all__ = ["extract_invoice", "FIELD_NAMES", "KEY_FIELDS", "Check", "Field", "InvoiceResult", "LineItem"]
