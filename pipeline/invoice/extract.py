"""One document's pages in, its invoice fields, line items and checks out.

The stages: what kind of document it is (a page that is not an invoice
gets ``document_type: other`` and no fields), the embedded e-invoice XML
when the PDF carries one, then the fields read from the pages' lines by
label and position, the line items from the table, and the checks.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pipeline.invoice import arithmetic, parties
from pipeline.invoice.checks import run_checks
from pipeline.invoice.embedded import read_embedded
from pipeline.invoice.labels import document_type
from pipeline.invoice.line_items import find_header, read_line_items
from pipeline.invoice.locate import (
    Candidate,
    Span,
    candidates,
    compact,
    find_hits,
    first_value,
    label_hits,
    label_only,
    label_rank,
    same_row,
    spans_of,
    squeeze_digits,
)
from pipeline.invoice.model import Check, Field, InvoiceResult
from pipeline.invoice.numbers import (
    CAPITAL_CHARS,
    find_amounts,
    find_currency,
    find_date,
    find_dates,
    format_amount,
    parse_chinese_capital,
)
from pipeline.result import PageResult

# How much each parse adds to doubt: a value whose form is strict (a date, an IBAN) is surer
# than free text that merely stood next to its label.
_FORM_TRUST = {"date": 1.0, "amount": 1.0, "id": 0.95, "text": 0.9}


def extract_invoice(pages: list[PageResult], pdf: bytes | None = None, today: date | None = None) -> InvoiceResult:
    spans = spans_of(pages)
    all_text = "\n".join(s.text for s in spans)
    kind = document_type(all_text)
    embedded = read_embedded(pdf) if pdf else None
    if kind is None and embedded is None:
        return _other(pages, "no invoice, receipt or credit note words")
    if embedded is None:
        visible = read_visible(spans, kind or "invoice")
        if not _reads_like_an_invoice(visible):
            # A letter or contract that mentions an invoice: naming one is not being one.
            return _other(pages, "invoice words but neither a total nor a number and date")
        return run_checks(visible, today)
    return run_checks(_compare(embedded, spans), today)


def _other(pages: list[PageResult], why: str) -> InvoiceResult:
    result = InvoiceResult()
    result.fields["document_type"] = Field("other", 0.9, None, None, _source(pages))
    result.checks = [Check("document_is_invoice", "not_applicable", why)]
    return result


def _reads_like_an_invoice(r: InvoiceResult) -> bool:
    f = r.fields
    return f["total_amount"] is not None or (f["invoice_number"] is not None and f["issue_date"] is not None)


def _source(pages: list[PageResult]) -> str:
    return "text_layer" if pages and all(p.source == "text_layer" for p in pages) else "ocr"


def _make(value: str, cand: Candidate, form: str) -> Field:
    return Field(value, round(cand.span.confidence * cand.trust * _FORM_TRUST[form], 4), cand.span.page,
                 cand.span.page_box(cand.box), cand.span.source)


def _id_value(text: str) -> str | None:
    text = squeeze_digits(text).strip()
    token = text.split()[0] if text else ""
    token = token.strip(":：#.,;")
    return token if re.search(r"\d", token) and len(token) >= 3 else None


def _date_value(text: str) -> str | None:
    d = find_date(squeeze_digits(text))
    return d.isoformat() if d else None


def _amount_value(text: str) -> str | None:
    # "VAT 19%: 234.94": the rate is not the amount.
    # Nor is a date ("netto bis 04.04.2026").
    text = re.sub(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}", " ", squeeze_digits(text))
    amounts = find_amounts(re.sub(r"\d+(?:[.,]\d+)?\s*%", " ", text))
    return format_amount(amounts[-1]) if amounts else None


def _text_value(text: str) -> str | None:
    t = text.strip()
    return t if len(t) >= 2 else None


def read_visible(spans: list[Span], kind: str) -> InvoiceResult:
    result = InvoiceResult()
    f = result.fields
    type_span = next((s for s in spans if document_type(s.text) == kind), None)
    f["document_type"] = Field(kind, 0.95, type_span.page if type_span else None,
                               type_span.page_box(type_span.box) if type_span else None, type_span.source if type_span else "ocr")
    # The table's header names columns ("税额", "Amount"): those are not field labels.
    table = find_header(spans)
    header = {id(s) for s in table[1]} if table else set()
    for name, parse, form in (
        ("invoice_number", _id_value, "id"), ("invoice_code", _id_value, "id"), ("check_code", _check_code, "id"),
        ("issue_date", _date_value, "date"), ("due_date", _date_value, "date"),
        ("purchase_order", _id_value, "id"), ("payment_terms", _text_value, "text"),
        ("net_amount", _amount_value, "amount"), ("tax_amount", _amount_value, "amount"),
        ("total_amount", _amount_value, "amount"), ("total_amount_in_words", _capital_words, "text"),
        ("tax_rate", _rate_value, "amount"), ("iban", _iban_value, "id"), ("bank_account", _text_value, "text"),
    ):
        hits = [h for h in find_hits(spans, name) if id(h.span) not in header]
        found = first_value(hits, spans, parse)
        if found:
            f[name] = _make(found[0], found[1], form)
            if name == "total_amount" and _label_disagrees(hits, spans, parse):
                f[name] = f[name].doubted()
    _title_line(spans, result)
    _chinese_totals(spans, result)
    arithmetic.apply(spans, result)
    _read_parties(spans, result)
    f["currency"] = _currency(spans, result)
    result.line_items = read_line_items(spans)
    return result


def _label_disagrees(hits: list, spans: list[Span], parse) -> bool:
    """The winning label printed again with other values ("Gesamtbetrag:" under each of twenty cost
    items): which of them is the document's is a guess, for a person to confirm."""
    best = min(label_rank(h) for h in hits)
    values = set()
    for h in hits:
        if label_rank(h) == best:
            value = next((v for c in candidates(h, spans) if (v := parse(c.text))), None)
            values |= {value} if value else set()
    return len(values) > 1


# "Handelsrechnung Nr. 471102 vom 05.03.2026", "Invoice No. 42 of 1 March 2024": the title names the number
# and the date.
_TITLE_NUMBER = re.compile(r"(?:\bnr|\bno|n°|\bnum(?:ber|mer|éro)?|#)\.?\s*:?\s*([A-Z0-9][\w\-/.]*\d[\w\-/]*)", re.IGNORECASE)
_TITLE_DATE = re.compile(r"\b(?:vom|du|of|dated|van|from)\s+(.+)", re.IGNORECASE)


# "Facture FA-2017-0010": the kind of document, then its number, and nothing else on the line.
_TITLE_BARE = re.compile(r"^\s*[^\W\d]+\s+([A-Z0-9][\w\-/.]*\d[\w\-/]*)\s*$", re.IGNORECASE)


def _title_line(spans: list[Span], result: InvoiceResult) -> None:
    f = result.fields
    for s in spans:
        if document_type(s.text) is None:
            continue
        if f["issue_date"] is None and len(s.text.split()) <= 2 and (dated := _dated_title(s, spans)):
            f["issue_date"] = dated  # "Beitragsrechnung … 24. Januar 2014": a letter's date by its title
        m = _TITLE_NUMBER.search(s.text) or _TITLE_BARE.match(s.text)
        if not m or find_date(m.group(1)):
            continue
        number, d = m.group(1), _TITLE_DATE.search(s.text[m.end():])
        iso = _date_value(d.group(1)) if d else None
        # "Rechnung Nr. X vom D" states the document's own number and date together: surer than a
        # label elsewhere ("Datum:" over a table of earlier payments, "Belegnummer … angeben" in a note).
        whole = iso is not None
        if whole:
            # The number runs up to "vom": "Nr. 210111 mit LV vom …" prints it with words.
            printed = s.text[m.start(1): m.end() + d.start()].strip()
            number = printed if len(printed.split()) <= 3 else number
        if f["invoice_number"] is None or whole:
            cand = Candidate(number, s, s.sub_box(m.start(1), m.start(1) + len(number)), 0.9)
            f["invoice_number"] = _make(number.rstrip("."), cand, "id")
        if iso and (f["issue_date"] is None or whole):
            f["issue_date"] = _make(iso, Candidate(d.group(1), s, s.sub_box(m.end() + d.start(1), len(s.text)), 0.9), "date")
        return


def _dated_title(title: Span, spans: list[Span]) -> Field | None:
    """A date that stands alone on the title's row, right of it."""
    for s in sorted((s for s in spans if s is not title and same_row(title, s) and s.box[0] > title.box[2]),
                    key=lambda s: s.box[0]):
        d = find_date(squeeze_digits(s.text))
        if d and len(re.sub(r"[\d\s.,/-]", "", s.text)) <= 10:
            return _make(d.isoformat(), Candidate(s.text, s, s.box, 0.85), "date")
    return None


def _check_code(text: str) -> str | None:
    digits = squeeze_digits(text).replace(" ", "")
    m = re.match(r"\d{20}", digits)
    return m.group(0) if m else _id_value(text)


def _capital_words(text: str) -> str | None:
    words = "".join(ch for ch in text if ch in CAPITAL_CHARS)
    return words if parse_chinese_capital(words) is not None else None


def _rate_value(text: str) -> str | None:
    m = re.search(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%", text)
    return m.group(1).replace(",", ".") if m else None


def _iban_value(text: str) -> str | None:
    m = re.search(r"[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?", text.upper())
    return compact(m.group(0)) if m else None


def _chinese_totals(spans: list[Span], result: InvoiceResult) -> None:
    """价税合计 prints words and figures on one row: (大写) 壹仟… (小写) ¥1130.00; 合计 prints net and tax."""
    f = result.fields
    for hit in find_hits(spans, "total_amount"):
        if "价" not in hit.span.text:
            continue
        row = [s for s in spans if s.page == hit.span.page and abs(s.box[1] - hit.span.box[1]) < hit.span.height]
        text = " ".join(s.text for s in sorted(row, key=lambda s: s.box[0]))
        words = _capital_words(text)
        if words and f["total_amount_in_words"] is None:
            f["total_amount_in_words"] = Field(words, hit.span.confidence * 0.95, hit.span.page,
                                               hit.span.page_box(hit.span.box), hit.span.source)
        amounts = find_amounts(squeeze_digits(_figures_text(row, text)))
        if amounts:
            f["total_amount"] = Field(format_amount(amounts[-1]), hit.span.confidence * 0.95, hit.span.page,
                                      hit.span.page_box(hit.span.box), hit.span.source)
    for hit in find_hits(spans, "net_amount"):
        if not hit.span.text[hit.start:hit.end].replace(" ", "") == "合计":
            continue
        row = [s for s in spans if s.page == hit.span.page and abs(s.box[1] - hit.span.box[1]) < hit.span.height]
        amounts = find_amounts("  ".join(squeeze_digits(s.text) for s in sorted(row, key=lambda s: s.box[0])))
        if len(amounts) >= 2:
            conf, place = hit.span.confidence * 0.95, hit.span.page_box(hit.span.box)
            f["net_amount"] = Field(format_amount(amounts[-2]), conf, hit.span.page, place, hit.span.source)
            f["tax_amount"] = Field(format_amount(amounts[-1]), conf, hit.span.page, place, hit.span.source)


def _figures_text(row: list[Span], text: str) -> str:
    """The figures after (小写): from its span rightwards, on its own row. On a photo the rows slant,
    so a band as high as the label also takes in the right end of the row above (合计's tax)."""
    small = [s for s in row if "小写" in s.text]
    if not small:
        return text
    tail = [s for s in row if s.box[0] >= small[0].box[0] and same_row(s, small[0])]
    return " ".join(s.text for s in sorted(tail, key=lambda s: s.box[0])).split("小写")[-1]


_ADDRESSED = re.compile(r"\b(?:ihre?|your|votre|vos|uw)\b", re.IGNORECASE)

def _read_parties(spans: list[Span], result: InvoiceResult) -> None:
    f = result.fields
    sellers, buyers = find_hits(spans, "seller"), find_hits(spans, "buyer")
    used: set[int] = set()
    for prefix, hits, others in (("buyer", buyers, sellers), ("seller", sellers, buyers)):
        if not hits:
            continue
        # A heading ("Käufer", "Bill to" alone on its line) names the block; a party word inside
        # another label ("Bestellung Nr. Kunde") does not.
        hits = sorted(hits, key=lambda h: (not label_only(h), " " in h.span.text[: h.start].strip()))
        # The block ends where the other party's begins; its own party word again (a name such
        # as "Lieferant GmbH", an e-mail) does not end it.
        reading = parties.read_party(hits[0], spans, others)
        used |= {id(s) for s in parties.block_of(hits[0], spans, others)}
        if reading.name:
            f[f"{prefix}_name"] = _make(reading.name.text, reading.name, "text")
        if reading.tax_id:
            f[f"{prefix}_tax_id"] = _make(compact(reading.tax_id[0]), reading.tax_id[1], "id")
        if reading.address:
            f[f"{prefix}_address"] = _make(reading.address.text, reading.address, "text")
    if f["seller_name"] is None:
        head = parties.letterhead(spans, used)
        if head:
            f["seller_name"] = _make(head.text, head, "text")
    if f["seller_tax_id"] is None:
        buyer_id = f["buyer_tax_id"].value if f["buyer_tax_id"] else None
        for s in spans:
            if id(s) in used:
                continue
            value = parties.find_tax_id(s.text)
            if not value or compact(value) == buyer_id:
                continue
            # "Ihre USt.-IdNr.", "your VAT no.": the issuer addresses the buyer, so the number is the buyer's.
            if _ADDRESSED.search(s.text[: max(0, s.text.find(value))]):
                if f["buyer_tax_id"] is None:
                    f["buyer_tax_id"] = _make(compact(value), Candidate(value, s, s.box, 0.85), "id")
                    buyer_id = f["buyer_tax_id"].value
                continue
            f["seller_tax_id"] = _make(compact(value), Candidate(value, s, s.box, 0.85), "id")
            break


def _currency(spans: list[Span], result: InvoiceResult) -> Field | None:
    """The code printed near the total, else the commonest mark on the page."""
    total = result.fields["total_amount"]
    if total is not None:
        near = [s for s in spans if s.page == total.page and total.box
                and abs(s.page_box(s.box)[1] - total.box[1]) < 2 * (total.box[3] - total.box[1])]
        for s in near:
            if (code := find_currency(s.text)):
                return Field(code, s.confidence * 0.95, s.page, s.page_box(s.box), s.source)
    counts: dict[str, tuple[int, Span]] = {}
    for s in spans:
        if (code := find_currency(s.text)) and not label_hits(s.text, ("iban",)):
            n, first = counts.get(code, (0, s))
            counts[code] = (n + 1, first)
    if not counts:
        return None
    code, (n, s) = max(counts.items(), key=lambda kv: kv[1][0])
    return Field(code, s.confidence * (0.9 if n > 1 else 0.8), s.page, s.page_box(s.box), s.source)


def _compare(embedded: InvoiceResult, spans: list[Span]) -> InvoiceResult:
    """The XML's fields, with the page checked to show each key field's value (in any of its printed forms).

    Looking for the XML's values on the page, rather than comparing them with a guess at the page's
    fields, keeps a correct e-invoice with an unusual layout out of review."""
    missing, shown = [], 0
    for name in ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id"):
        value = embedded.value(name)
        if value is None:
            continue
        span = _showing(name, value, spans)
        if span is None:
            missing.append(f"{name} {value!r}")
            continue
        shown += 1
        embedded.fields[name] = Field(value, 1.0, span.page, span.page_box(span.box), "embedded_xml")
    if missing:
        check = Check("visible_text_matches_xml", "failed", "the page does not show " + ", ".join(missing))
    elif shown:
        check = Check("visible_text_matches_xml", "passed", f"the page shows all {shown} key fields of the XML")
    else:
        check = Check("visible_text_matches_xml", "not_applicable", "the XML has no key fields")
    embedded.checks.append(check)
    return embedded


def _showing(name: str, value: str, spans: list[Span]) -> Span | None:
    for s in spans:
        text = squeeze_digits(s.text)
        if name in ("invoice_number", "seller_tax_id") and compact(value) in compact(text):
            return s
        if name == "total_amount" and Decimal(value) in find_amounts(text):
            return s
        if name == "issue_date" and date.fromisoformat(value) in find_dates(text):
            return s
        if name == "currency" and find_currency(text) == value:
            return s
    return None
