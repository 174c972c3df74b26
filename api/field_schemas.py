"""Schemas of the invoice fields (``extract=invoice``): ``GET /v1/jobs/{id}/fields`` and the batch export.

The per-document shape is ``db.fields.document_entry``; the json export and
webhook bodies (``include: ["fields"]``) carry the same objects.
"""
from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Float, Integer, List, Nested, String
from apiflask.validators import OneOf

from api.schemas import ErrorSummary
from pipeline.invoice import FIELD_NAMES

TABLE_FORMATS = ("csv", "xlsx")


class FieldValue(Schema):
    value = String(metadata={"description": "normalized: dates ISO 8601, amounts decimal strings, currency ISO 4217"})
    confidence = Float()
    page = Integer(allow_none=True, metadata={"description": "1-based page of the document"})
    box = List(Float(), allow_none=True, metadata={"description": "[x0, y0, x1, y1] in that page's pixels (page width, height)"})
    source = String(metadata={"enum": ["text_layer", "ocr", "embedded_xml"]})


class LineItemView(Schema):
    description = Nested(FieldValue, allow_none=True)
    quantity = Nested(FieldValue, allow_none=True)
    unit = Nested(FieldValue, allow_none=True)
    unit_price = Nested(FieldValue, allow_none=True)
    tax_rate = Nested(FieldValue, allow_none=True)
    amount = Nested(FieldValue, allow_none=True)


# Every field name is present; a field not found is null (nothing is invented). The reading also
# gives buyer_address, which FIELD_NAMES (the list) does not name.
NAMES = tuple(dict.fromkeys((*FIELD_NAMES, "buyer_address")))
InvoiceFields = Schema.from_dict(
    {**{name: Nested(FieldValue, allow_none=True) for name in NAMES}, "line_items": List(Nested(LineItemView))},
    name="InvoiceFields",
)


class CheckView(Schema):
    name = String(metadata={"description": "e.g. totals_add_up, line_items_sum, amount_in_words, iban_valid, dates_plausible"})
    status = String(metadata={"enum": ["passed", "failed", "not_applicable"]})
    message = String()
    fields = List(String(), metadata={"description": "the fields the check is about (their confidence was lowered if it failed)"})


class DocumentFields(Schema):
    document = String(metadata={"description": "document id"})
    filename = String()
    position = Integer(metadata={"description": "0-based order within the job"})
    document_type = String(allow_none=True, metadata={
        "description": "invoice, credit_note, receipt, the Chinese VAT kinds, or other (then every field is null)"})
    fields = Nested(InvoiceFields, allow_none=True, metadata={"description": "null when the document was not read"})
    checks = List(Nested(CheckView))
    needs_review = Boolean(allow_none=True, metadata={
        "description": "a check failed or a key field is unsure: a person should look; null when not read"})
    error = Nested(ErrorSummary, allow_none=True, metadata={
        "description": "extraction_failed (the reading failed; the job did not), or the document's own error"})


class JobFields(Schema):
    job_id = String()
    status = String()
    extract = String()
    documents = List(Nested(DocumentFields))


class BatchFieldsQuery(Schema):
    format = String(load_default="csv", validate=OneOf(TABLE_FORMATS),
                    metadata={"description": "csv (one row per document) or xlsx (that sheet, and one of line items)"})
