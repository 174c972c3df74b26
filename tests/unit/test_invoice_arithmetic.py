"""Fields where the labels are unreadable, misleading or of a rarer form: net, tax and total found by
their arithmetic, garbled amount labels, voucher and correction-invoice titles, the Steuernummer, and
ZUGFeRD 1.0's XML (the real e-invoices these come from are in bench/invoice_real.py).

Each invoice is drawn here with its lines at known places (a PDF text layer,
and the same page scanned and read by OCR): the truth is what was printed.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pymupdf
import pytest

from pipeline import Engine, EngineConfig, Limits, Options, open_document, read_text_layer
from pipeline.invoice import extract_invoice
from tests.factories import encode_png

TODAY = date(2024, 12, 31)
HEAD = [(60, 70, "ACME Bürobedarf GmbH"), (60, 110, "Rechnung Nr. 2024-0815"), (60, 130, "Datum: 04.03.2024"),
        (60, 180, "Pos  Artikel"), (430, 180, "Menge"), (500, 180, "Betrag")]


def pdf_of(lines: list[tuple[float, float, str]], size: float = 10) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text in lines:
        page.insert_text((x, y), text, fontname="helv", fontsize=size)
    return doc.tobytes()


def right(x_end: float, y: float, text: str, size: float = 10) -> tuple[float, float, str]:
    """``text`` right-aligned at ``x_end``, as totals are printed."""
    return x_end - pymupdf.get_text_length(text, "helv", size), y, text


def read(pdf: bytes):
    with open_document(pdf, Limits()) as doc:
        pages = [read_text_layer(doc, n, Options()) for n in doc.select(None)]
    return extract_invoice(pages, today=TODAY)


def items(*rows: tuple[str, str]) -> list:
    return [line for k, (name, amount) in enumerate(rows)
            for line in ((60, 200 + 18 * k, f"{k + 1}    {name}"), (440, 200 + 18 * k, "1"), right(540, 200 + 18 * k, amount))]


def garbled_totals() -> bytes:
    # The labels as a poor scan reads them: split, clipped, letters lost; the figures are whole.
    return pdf_of([*HEAD, *items(("Papier A4", "1.000,00"), ("Toner", "234,50")),
                   (330, 300, "Rechnungssu nme"), right(540, 300, "1.234,50"),
                   (330, 318, "etrag in EUR"), right(540, 318, "234,56"),
                   (330, 336, "Brttosmme"), right(540, 336, "1.469,06")])


def test_totals_with_unreadable_labels_are_found_by_their_sum():
    result = read(garbled_totals())
    assert (result.value("net_amount"), result.value("tax_amount"), result.value("total_amount")) == \
        ("1234.50", "234.56", "1469.06")
    assert next(c for c in result.checks if c.name == "totals_add_up").status == "passed"


def test_a_row_of_sums_per_rate_gives_the_grand_total_not_the_first_rate():
    # One text line holds many cells: a header row of labels, then a row per VAT rate, then the sum row.
    cells = lambda *v: "     ".join(v)  # noqa: E731
    pdf = pdf_of([*HEAD, *items(("Papier A4", "326,50"), ("Joghurt", "130,70")),
                  (60, 300, cells("Warenwert", "Nettobetrag", "MwSt-Betrag", "MwSt-%", "Endbetrag")),
                  (60, 318, cells("326,50   ", "321,40     ", "61,07     ", "19,0  ", "382,47")),
                  (60, 336, cells("130,70   ", "127,59     ", "8,93      ", "7,0   ", "136,52")),
                  (60, 360, cells("457,20   ", "448,99     ", "70,00     ", "EUR   ", "518,99"))], size=9)
    result = read(pdf)
    assert (result.value("net_amount"), result.value("tax_amount"), result.value("total_amount")) == \
        ("448.99", "70.00", "518.99")


def test_a_subtotal_read_as_the_net_is_corrected_by_the_tax_and_total():
    pdf = pdf_of([*HEAD, *items(("Papier A4", "1.000,00"), ("Toner", "500,00")),
                  (330, 300, "Zwischensumme Seite 1"), right(540, 300, "1.000,00"),
                  (60, 340, "Umsatzsteuer 19 % auf 1.500,00"), right(540, 340, "285,00"),
                  (330, 380, "Gesamtbetrag"), right(540, 380, "1.785,00")])
    result = read(pdf)
    assert (result.value("net_amount"), result.value("tax_amount"), result.value("total_amount")) == \
        ("1500.00", "285.00", "1785.00")


def test_a_total_that_does_not_add_up_is_not_hidden_by_the_arithmetic():
    pdf = pdf_of([*HEAD, *items(("Papier A4", "1.000,00"), ("Toner", "200,00")),
                  (330, 300, "Nettobetrag"), right(540, 300, "1.200,00"),
                  (330, 318, "MwSt 19 %"), right(540, 318, "228,00"),
                  (330, 336, "Gesamtbetrag"), right(540, 336, "1.482,00")])
    result = read(pdf)
    assert result.value("total_amount") == "1482.00"
    assert next(c for c in result.checks if c.name == "totals_add_up").status == "failed"
    assert result.needs_review


def test_a_scan_with_garbled_total_labels_keeps_its_amounts():
    page = pymupdf.open(stream=garbled_totals())[0]
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w)
    pages = list(Engine(EngineConfig(threads=1)).process(encode_png(img), Options()))
    result = extract_invoice(pages, today=TODAY)
    assert (result.value("net_amount"), result.value("tax_amount"), result.value("total_amount")) == \
        ("1234.50", "234.56", "1469.06")


@pytest.mark.parametrize("rate_text", ["350,00"])
def test_no_triple_is_made_of_a_tax_above_any_vat_rate(rate_text):
    # 1.000 + 350 = 1.350 is a sum, but 35 % is no VAT rate: the page's totals stay unread.
    pdf = pdf_of([*HEAD, *items(("Papier A4", "1.000,00"), ("Toner", rate_text)),
                  (330, 300, "????"), right(540, 300, "1.350,00")])
    result = read(pdf)
    assert result.value("tax_amount") is None


def test_a_zugferd_1_invoice_is_read_from_its_xml():
    # ZUGFeRD 1.0's own namespace and element names, which the factur-x library does not read.
    ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0" xmlns:ram="{ram}"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:HeaderExchangedDocument><ram:ID>2024-0815</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240304</udt:DateTimeString></ram:IssueDateTime>
 </rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:ApplicableSupplyChainTradeAgreement>
   <ram:SellerTradeParty><ram:Name>ACME Bürobedarf GmbH</ram:Name>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Kunde AG</ram:Name></ram:BuyerTradeParty>
  </ram:ApplicableSupplyChainTradeAgreement>
  <ram:ApplicableSupplyChainTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementMonetarySummation>
    <ram:TaxBasisTotalAmount>1234.50</ram:TaxBasisTotalAmount><ram:TaxTotalAmount>234.56</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>1469.06</ram:GrandTotalAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation>
  </ram:ApplicableSupplyChainTradeSettlement>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>""".encode()
    doc = pymupdf.open(stream=garbled_totals())
    doc.embfile_add("ZUGFeRD-invoice.xml", xml)
    pdf = doc.tobytes()
    with open_document(pdf, Limits()) as d:
        pages = [read_text_layer(d, n, Options()) for n in d.select(None)]
    result = extract_invoice(pages, pdf=pdf, today=TODAY)
    got = {k: result.value(k) for k in ("invoice_number", "issue_date", "currency", "seller_tax_id", "seller_name",
                                        "buyer_name", "net_amount", "tax_amount", "total_amount")}
    assert got == {"invoice_number": "2024-0815", "issue_date": "2024-03-04", "currency": "EUR",
                   "seller_tax_id": "DE123456789", "seller_name": "ACME Bürobedarf GmbH", "buyer_name": "Kunde AG",
                   "net_amount": "1234.50", "tax_amount": "234.56", "total_amount": "1469.06"}
    assert result.fields["total_amount"].source == "embedded_xml"


def test_the_tax_of_several_rates_is_their_sum_between_net_and_total():
    # Net and gross are printed; the tax only per rate, never summed.
    pdf = pdf_of([*HEAD, *items(("Papier A4", "198,00"), ("Kaffee", "275,00")),
                  (60, 300, "Rechnungssumme Netto (excl. USt.)"), right(540, 300, "473,00"),
                  (60, 318, "Steuerbasisbetrag USt. 7%"), right(450, 318, "275,00"), right(540, 318, "19,25"),
                  (60, 336, "Steuerbasisbetrag USt. 19%"), right(450, 336, "198,00"), right(540, 336, "37,62"),
                  (60, 354, "Rechnungssumme Brutto (inkl. USt.)"), right(540, 354, "529,87")])
    result = read(pdf)
    assert (result.value("net_amount"), result.value("tax_amount"), result.value("total_amount")) == \
        ("473.00", "56.87", "529.87")


def test_a_voucher_form_names_its_number_and_date_beleg():
    cells = "{:<19}: {}".format
    pdf = pdf_of([(60, 70, "WARENRECHNUNG"),
                  (330, 100, cells("Beleg-Nr", "R87654321012345")), (330, 115, cells("Beleg-Datum", "06.08.2013")),
                  (330, 130, cells("Leistungs-Datum", "05.08.2013")), (330, 145, cells("Bestell-Nr", "B123456789")),
                  (330, 160, cells("Bestell-Datum", "01.08.2013")),
                  (330, 300, "Gesamtbetrag"), right(540, 300, "518,99")], size=8)
    result = read(pdf)
    assert (result.value("invoice_number"), result.value("issue_date"), result.value("purchase_order")) == \
        ("R87654321012345", "2013-08-06", "B123456789")


@pytest.mark.parametrize("title", ["Rechnungskorrektur (384)   Nr. RK21012345   vom   01.10.2025",
                                   "RECHNUNGS-KORREKTUR   Nr. RK21012345   vom   01.10.2025"])
def test_a_correction_invoice_is_an_invoice_with_its_number_and_date_in_the_title(title):
    pdf = pdf_of([(60, 70, "Lieferant GmbH"), (60, 110, title),
                  (330, 300, "Nettobetrag"), right(540, 300, "-7,67"), (330, 318, "MwSt 19 %"), right(540, 318, "-1,12"),
                  (330, 336, "Gesamtbetrag"), right(540, 336, "-8,79")])
    result = read(pdf)
    assert result.value("document_type") == "invoice"
    assert (result.value("invoice_number"), result.value("issue_date"), result.value("total_amount")) == \
        ("RK21012345", "2025-10-01", "-8.79")


def test_garbled_total_labels_are_matched_near_enough():
    # Tax-free: no arithmetic to fall back on. The OCR dropped letters of both labels; the allowance
    # sum must not be taken for the total, and the gross must be.
    pdf = pdf_of([*HEAD, *items(("Papier A4", "1.469,06"), ("Toner", "11,21")),
                  (330, 300, "Gesamtbetrag der abschlae"), right(540, 300, "-11,21"),
                  (330, 318, "Bruttosumm"), right(540, 318, "1.469,06")])
    assert read(pdf).value("total_amount") == "1469.06"


@pytest.mark.parametrize("text, field", [("Bruttosun", "total_amount"), ("5teverbetrag in EUR", "tax_amount"),
                                         ("Rechnungssu nme ohne USt.", "net_amount"), ("Rechnungsnummer", None),
                                         ("Nettopreis", None), ("Steuersatz", None), ("Musterhausen", None)])
def test_fuzzy_labels_are_amount_labels_only(text, field):
    from pipeline.invoice.labels import fuzzy_label
    found = fuzzy_label(text)
    assert (found[0] if found else None) == field


def test_a_bare_title_names_the_number_and_a_letter_date_on_its_row_the_issue_date():
    numbered = pdf_of([(60, 70, "Au bon moulin SARL"), (60, 110, "Facture FA-2017-0010"),
                       (330, 300, "Total TTC"), right(540, 300, "671,15")])
    assert read(numbered).value("invoice_number") == "FA-2017-0010"
    dated = pdf_of([(60, 70, "MVM Versicherungsverein"), (60, 150, "Beitragsrechnung"), (420, 150, "24. Januar 2014"),
                    (330, 300, "Rechnungsbetrag"), right(540, 300, "59,50")])
    assert read(dated).value("issue_date") == "2014-01-24"


def test_a_title_with_a_date_for_a_number_gives_no_number():
    pdf = pdf_of([(60, 70, "Lieferant GmbH"), (60, 110, "Rechnung 05.03.2024"),
                  (330, 300, "Gesamtbetrag"), right(540, 300, "119,00")])
    assert read(pdf).value("invoice_number") is None


def ocr(pdf: bytes):
    page = pymupdf.open(stream=pdf)[0]
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w)
    return extract_invoice(list(Engine(EngineConfig(threads=1)).process(encode_png(img), Options())), today=TODAY)


def test_labels_over_rows_per_rate_give_the_sum_row():
    # The first row under the labels adds up too (one VAT rate); the totals are the sum row under it.
    rows = [("321,40", "61,07", "382,47"), ("127,59", "8,93", "136,52"), ("448,99", "70,00", "518,99")]
    lines = [*HEAD, *items(("Papier A4", "326,50"), ("Joghurt", "130,70")),
             (240, 300, "Nettobetrag"), (350, 300, "MwSt-Betrag"), (470, 300, "Endbetrag")]
    for k, (net, tax, total) in enumerate(rows):
        y = 320 + 18 * k + (8 if k == 2 else 0)
        lines += [right(300, y, net), right(410, y, tax), right(520, y, total)]
    result = ocr(pdf_of(lines))
    assert (result.value("net_amount"), result.value("tax_amount"), result.value("total_amount")) == \
        ("448.99", "70.00", "518.99")


@pytest.mark.parametrize("printed, value", [("201/113/40209", "201/113/40209"), ("22 00 0 001 00001", "2200000100001")])
def test_a_seller_without_a_vat_id_gives_its_steuernummer(printed, value):
    pdf = pdf_of([(60, 70, "Rechnung Nr. 2024-0815"), (60, 90, "Datum: 04.03.2024"),
                  (60, 130, "Verkäufer"), (60, 148, "Kleinbetrieb Muster"), (60, 166, "Musterweg 1, 12345 Musterstadt"),
                  (60, 184, "Steuernummer:"), (250, 184, printed),
                  (60, 230, "Käufer"), (60, 248, "Kunde AG"), (60, 266, "USt-IdNr: DE136695976"),
                  (330, 300, "Gesamtbetrag"), right(540, 300, "100,00")])
    result = read(pdf)
    assert result.value("seller_tax_id") == value
    assert next(c for c in result.checks if c.name == "seller_tax_id_valid").status == "not_applicable"
