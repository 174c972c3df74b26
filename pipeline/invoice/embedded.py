"""E-invoices carry their data: a Factur-X / ZUGFeRD / XRechnung (CII or UBL) XML attached
to the PDF is read exactly, with the ``factur-x`` library (ZUGFeRD 1.0 by ``zugferd1``),
instead of guessed from the page.

Fields from it have ``source: embedded_xml`` and confidence 1.0; the caller
checks the visible page against them.
"""
from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation

import facturx

from pipeline.invoice.model import Field, InvoiceResult, LineItem
from pipeline.invoice.numbers import format_amount
from pipeline.invoice.zugferd1 import is_zugferd1, parse_zugferd1

log = logging.getLogger(__name__)

# EN 16931 business terms → our field names.
_TERMS = {
    "BT-1": "invoice_number", "BT-2": "issue_date", "BT-9": "due_date", "BT-5": "currency",
    "BT-13": "purchase_order", "BT-20": "payment_terms", "BT-109": "net_amount", "BT-110": "tax_amount",
    "BT-112": "total_amount",
}
_AMOUNTS = {"net_amount", "tax_amount", "total_amount"}
# UNTDID 1001 document type codes: 381 is a credit note, the 38x family and 751 invoices.
_CREDIT_NOTES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}


def read_embedded(pdf: bytes) -> InvoiceResult | None:
    """The invoice in ``pdf``'s attached XML, or None when it carries none (or none we can read)."""
    if not pdf.startswith(b"%PDF"):
        return None
    try:
        _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
        if not xml:
            return None
        data = parse_zugferd1(xml) if is_zugferd1(xml) else facturx.parse_ubl_cii_xml(xml, check_xsd=False)
    except Exception as exc:  # noqa: BLE001 - the library raises bare Exception for any unreadable XML
        # A broken attachment is not a broken document: the page is still read as any other.
        log.info("embedded invoice XML not readable: %s", exc)
        return None
    return _to_result(data)


def _text(value) -> str | None:
    if isinstance(value, (list, tuple)):
        # Payment in instalments lists several due dates: the first is when payment falls due.
        value = value[0] if value else None
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def _amount(value) -> str | None:
    try:
        return format_amount(Decimal(str(value))) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _field(value: str | None) -> Field | None:
    return Field(value, 1.0, None, None, "embedded_xml") if value else None


def _to_result(data: dict) -> InvoiceResult:
    result = InvoiceResult()
    f = result.fields
    for term, name in _TERMS.items():
        raw = data.get(term)
        f[name] = _field(_amount(raw) if name in _AMOUNTS else _text(raw))
    code = _text(data.get("BT-3")) or "380"
    f["document_type"] = _field("credit_note" if code in _CREDIT_NOTES else "invoice")
    for party, prefix in (("BG-4", "seller"), ("BG-7", "buyer")):
        p = data.get(party) or {}
        f[f"{prefix}_name"] = _field(_text(p.get("name")))
        tax_id = _text(p.get("vat_identifier") or p.get("tax_identifier"))
        f[f"{prefix}_tax_id"] = _field(tax_id.replace(" ", "").upper() if tax_id else None)
        address = ", ".join(x for x in (_text(p.get(k)) for k in ("addr_l1", "addr_l2", "postcode", "city",
                                                                     "country_code")) if x)
        f[f"{prefix}_address"] = _field(address or None)
    account = _text(data.get("BT-84"))
    if account:
        f["iban" if account[:2].isalpha() else "bank_account"] = _field(account.replace(" ", ""))
    rates = {_text(v.get("BT-119")) for v in data.get("BG-23") or [] if v.get("BT-119") is not None}
    if len(rates) == 1:
        f["tax_rate"] = _field(_rate(rates.pop()))
    for line in data.get("BG-25") or []:
        result.line_items.append(LineItem(
            description=_field(_text(line.get("BT-153"))),
            quantity=_field(_qty(line.get("BT-129"))),
            unit=_field(_text(line.get("BT-130"))),
            unit_price=_field(_amount(line.get("BT-146"))),
            tax_rate=_field(_rate(_text(line.get("BT-152")))),
            amount=_field(_amount(line.get("BT-131"))),
        ))
    return result


def _rate(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return None


def _qty(value) -> str | None:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, TypeError):
        return None
    return format(q.normalize(), "f")
