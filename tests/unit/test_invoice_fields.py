"""Invoice fields from generated invoices with known values: text layers, scans, e-invoices, checks.

Every invoice here is made by tests/invoice_factories.py (Western layouts in
English, German, French and Dutch, and the Chinese VAT form); the truth is
what was printed.
"""
from __future__ import annotations
from datetime import date
from decimal import Decimal
import numpy as np
import pymupdf
import pytest
from bench.invoice_fields import photo_like
from pipeline import Limits, Options, open_document, read_text_layer
from pipeline.invoice import KEY_FIELDS, extract_invoice
from tests.factories import degrade, encode_png, make_pdf
from tests.invoice_factories import (
    cn_spec,
    make_chinese_vat,
    make_facturx,
    make_western,
    western_spec,
)

TODAY = date(2024, 12, 31)
COMPARED = ("invoice_number", "issue_date", "due_date", "currency", "seller_name", "seller_tax_id", "buyer_name",
            "buyer_tax_id", "net_amount", "tax_amount", "total_amount", "iban", "purchase_order", "invoice_code",
            "check_code", "total_amount_in_words")


def text_pages(pdf: bytes):
    with open_document(pdf, Limits()) as doc:
        return [read_text_layer(doc, n, Options()) for n in doc.select(None)]


def wrong_fields(result, truth: dict) -> dict:
    return {k: (truth[k], result.value(k)) for k in COMPARED if k in truth and result.value(k) != truth[k]}


def scanned(pdf: bytes, seed: int, angle: float = 0.6) -> bytes:
    doc = pymupdf.open(stream=pdf)
    pix = doc[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w)
    return encode_png(degrade(img, angle=angle, blur=0.7, noise=6, jpeg_quality=75, seed=seed))


@pytest.mark.parametrize("lang", ["en", "de", "fr", "nl"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_western_invoices_from_their_text_layer(lang, seed):
    pdf, truth = make_western(western_spec(seed, lang), lang)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert wrong_fields(result, truth) == {}
    assert result.value("document_type") == "invoice"
    assert not result.needs_review
    assert {c.name: c.status for c in result.checks}["totals_add_up"] == "passed"
    spec = western_spec(seed, lang)
    assert [i.amount.value for i in result.line_items] == [str(i.amount) for i in spec.items]
    assert [i.quantity.value for i in result.line_items] == [str(i.quantity) for i in spec.items]
    total = result.fields["total_amount"]
    assert total.source == "text_layer" and total.page == 1 and total.confidence > 0.8
    # The box is where the total is printed: in the right half of the page, below the table.
    assert total.box[0] > 0.5 * text_pages(pdf)[0].width


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_chinese_vat_invoices_from_their_text_layer(seed):
    pdf, truth = make_chinese_vat(cn_spec(seed))
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert wrong_fields(result, truth) == {}
    assert result.value("document_type") == "cn_vat_special"
    statuses = {c.name: c.status for c in result.checks}
    assert statuses["amount_in_words"] == "passed"
    assert statuses["seller_tax_id_valid"] == statuses["buyer_tax_id_valid"] == "passed"
    assert not result.needs_review


def test_an_electronic_chinese_invoice_is_named_as_such():
    pdf, _ = make_chinese_vat(cn_spec(3), kind="电子发票（普通发票）")
    assert extract_invoice(text_pages(pdf), today=TODAY).value("document_type") == "cn_vat_electronic"


@pytest.mark.parametrize("make, angle", [
    (lambda: make_western(western_spec(7, "en"), "en"), 0.6),
    (lambda: make_western(western_spec(8, "de"), "de"), -1.2),
    (lambda: make_chinese_vat(cn_spec(9)), 0.6),
    # A wide form tilted 1.8°: its rows drift by more than a line's height across the page.
    (lambda: make_chinese_vat(cn_spec(4)), 1.8),
], ids=["en", "de", "zh", "zh tilted"])
def test_scanned_invoices_keep_their_key_fields(engine, make, angle):
    pdf, truth = make()
    pages = list(engine.process(scanned(pdf, seed=4, angle=angle), Options()))
    assert pages[0].source == "ocr"
    result = extract_invoice(pages, today=TODAY)
    key = ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id", "net_amount", "tax_amount")
    assert {k: v for k, v in wrong_fields(result, truth).items() if k in key} == {}
    assert result.fields["total_amount"].source == "ocr"


def test_a_photographed_chinese_invoice_keeps_its_total_off_the_row_above(engine):
    # Perspective slants the rows unevenly: a band as high as 价税合计's label also reached the right end
    # of 合计's row above it, and its tax was taken for the total.
    pdf, truth = make_chinese_vat(cn_spec(19))
    doc = pymupdf.open(stream=pdf)
    pix = doc[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    photo = photo_like(np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w).copy(), seed=19)
    result = extract_invoice(list(engine.process(encode_png(photo), Options())), today=TODAY)
    assert result.value("total_amount") == truth["total_amount"]
    assert {c.name: c.status for c in result.checks}["amount_in_words"] == "passed"


def test_the_buyers_tax_id_addressed_to_them_is_not_the_sellers():
    # No party blocks: the seller's number stands in the footer, and "Ihre USt.-IdNr." above is the buyer's.
    lines = ["Muster Bürobedarf GmbH", "Hauptstraße 5, 10115 Berlin", "", "Beispiel AG", "Ringstraße 9, 80331 München",
             "Ihre USt.-IdNr.: DE136695976", "", "Rechnung Nr. R-2024-117", "Rechnungsdatum: 12.03.2024", "",
             "Nettobetrag                     45,00 EUR", "MwSt. 19 %                       8,55 EUR",
             "Gesamtbetrag                    53,55 EUR", "",
             "Muster Bürobedarf GmbH · USt-IdNr. DE811907980 · IBAN DE89 3704 0044 0532 0130 00"]
    result = extract_invoice(text_pages(make_pdf([{"text": lines}])), today=TODAY)
    assert result.value("seller_tax_id") == "DE811907980"
    assert result.value("buyer_tax_id") == "DE136695976"


def test_a_total_that_does_not_add_up_goes_to_review():
    spec = western_spec(4, "en")
    spec.wrong_total = spec.net + spec.tax + Decimal("10.00")
    pdf, truth = make_western(spec, "en")
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert result.value("total_amount") == truth["total_amount"]  # read as printed, not corrected
    checks = {c.name: c for c in result.checks}
    assert checks["totals_add_up"].status == "failed"
    assert result.needs_review
    assert result.fields["total_amount"].confidence < 0.6


def test_a_tax_id_with_a_wrong_check_digit_fails_its_check():
    spec = western_spec(5, "de")
    last = spec.seller_tax_id[-1]
    spec.seller_tax_id = spec.seller_tax_id[:-1] + str((int(last) + 1) % 10)
    pdf, _ = make_western(spec, "de")
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert result.value("seller_tax_id") == spec.seller_tax_id
    assert {c.name: c.status for c in result.checks}["seller_tax_id_valid"] == "failed"
    assert result.needs_review


def test_chinese_words_that_disagree_with_the_figures_fail():
    spec = cn_spec(4)
    spec.wrong_total = Decimal("99.00")
    pdf, _ = make_chinese_vat(spec)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert {c.name: c.status for c in result.checks}["amount_in_words"] == "failed"
    assert result.needs_review


LETTER = [
    "Dear Ms Keller,",
    "thank you for your letter of last week about the delivery schedule for the spring season.",
    "We will send the invoice once the goods have arrived at your warehouse in Hamburg.",
    "Our team has planned the route so that the trucks avoid the closed bridge on the A7.",
    "Kind regards, Jonas Weber",
]
PROSE = ["The river rises in the hills north of the town and runs south through farmland.",
         "In spring the meadows along its banks flood, and the birds arrive in great numbers."]


@pytest.mark.parametrize("lines", [LETTER, PROSE], ids=["letter mentioning an invoice", "prose"])
def test_a_document_that_is_no_invoice_gets_no_invented_fields(lines):
    pdf = make_pdf([{"text": lines}])
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert result.value("document_type") == "other"
    assert all(f is None for name, f in result.fields.items() if name != "document_type")
    assert result.line_items == []


def test_an_embedded_factur_x_invoice_is_read_exactly():
    spec = western_spec(6, "en")
    visible, truth = make_western(spec, "en")
    pdf = make_facturx(spec, visible)
    result = extract_invoice(text_pages(pdf), pdf=pdf, today=TODAY)
    assert wrong_fields(result, truth) == {}
    for name in KEY_FIELDS:
        assert result.fields[name].source == "embedded_xml" and result.fields[name].confidence == 1.0
    # Where the page shows the same value, the field points at it.
    assert result.fields["total_amount"].box is not None
    assert {c.name: c.status for c in result.checks}["visible_text_matches_xml"] == "passed"
    assert len(result.line_items) == len(spec.items)
    assert not result.needs_review


def test_a_page_that_disagrees_with_its_embedded_xml_is_flagged():
    spec = western_spec(2, "en")
    shown = western_spec(2, "en")
    shown.number = "INV-2024-9999"
    visible, _ = make_western(shown, "en")
    pdf = make_facturx(spec, visible)
    result = extract_invoice(text_pages(pdf), pdf=pdf, today=TODAY)
    assert result.value("invoice_number") == spec.number
    check = {c.name: c for c in result.checks}["visible_text_matches_xml"]
    assert check.status == "failed" and spec.number in check.message
    assert result.needs_review


def test_the_result_serializes_to_the_contract():
    pdf, _ = make_chinese_vat(cn_spec(2))
    out = extract_invoice(text_pages(pdf), today=TODAY).to_dict()
    assert set(out) == {"fields", "checks", "needs_review"}
    total = out["fields"]["total_amount"]
    assert set(total) == {"value", "confidence", "page", "box", "source"}
    assert isinstance(out["fields"]["line_items"], list) and out["fields"]["line_items"][0]["amount"]["value"]
