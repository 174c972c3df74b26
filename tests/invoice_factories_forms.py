"""Generated invoices in the layouts real e-invoices use and the first reader missed.

- ``make_form``: a two-column key/value form (label column left, values in a
  column far right), as e-invoice viewers print them: a title line "Rechnung
  Nr. X vom D", a delivery date before anything else dated, party blocks under
  headings ("Verkäufer", "Käufer/Leistungsempfänger") whose tax id sits many
  rows down, totals as label rows with amounts flush right (an allowance sum
  among them), the due date under a "Fälligkeit" column heading.
- ``make_grid``: a French layout with "Date :" far from its value, a
  delivery date printed first, party blocks with e-mail addresses, and the
  totals as a grid: a row of labels (TOTAL HT, TOTAL TVA, TOTAL TTC) with
  each amount under its label.

Both return ``(pdf_bytes, truth)`` like tests/invoice_factories.py.
"""
from __future__ import annotations

from datetime import timedelta

import pymupdf

from tests.factories import font_path
from tests.invoice_factories import InvoiceSpec


def _de(d) -> str:
    return f"{d:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _fr(d) -> str:
    return f"{d:,.2f}".replace(",", " ").replace(".", ",")


class _Page:
    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.page = self.doc.new_page(width=595, height=842)
        font_file = str(font_path("sans"))
        self.page.insert_font(fontname="dejavu", fontfile=font_file)
        self.font = pymupdf.Font(fontfile=font_file)

    def put(self, x: float, y: float, text: str, size: float = 9, right: bool = False) -> None:
        if right:
            x -= self.font.text_length(text, fontsize=size)
        self.page.insert_text((x, y), text, fontname="dejavu", fontsize=size)

    def bytes(self) -> bytes:
        data = self.doc.tobytes(garbage=3, deflate=True)
        self.doc.close()
        return data


def make_form(spec: InvoiceSpec, as_ocr_reads: bool = False, other_refs: bool = False,
              minus_as_dot: bool = False, item_totals: bool = False) -> tuple[bytes, dict]:
    """``as_ocr_reads``: labels printed as OCR reads them off a scan, umlauts lost or misread.
    ``other_refs``: other numbers and dates under labels of their own, as real e-invoices print them: a
    preceding invoice's "Rechnungsnummer", a note asking for the "Belegnummer" without its prefix, a
    "Datum:" over a rental period's start.
    ``minus_as_dot``: the totals' minus signs printed as OCR reads them off a scan, as dots (".8,79").
    ``item_totals``: each item with a "Gesamtbetrag:" of its own, and the document's sums left out (as
    when they stand on a page past those read)."""
    p = _Page()
    ocr = (lambda t: t.replace("ä", "a").replace("Kau", "Kãu")) if as_ocr_reads else (lambda t: t)
    date = lambda d: d.strftime("%d.%m.%Y")  # noqa: E731
    p.put(50, 50, "Darstellung der Rechnungsdaten", 12)
    p.put(50, 90, f"Handelsrechnung (380)   Nr. {spec.number}   vom   {date(spec.issue)}", 11)
    value_x = 300  # the value column, far from the labels
    rows = [("Währung:", spec.currency), ("Liefer- und Leistungsdatum:", date(spec.issue - timedelta(days=3)))]
    if spec.po:
        rows.append(("Bestellung Nr. Kunde:", spec.po))
    y = 112
    for label, value in rows:
        p.put(60, y, label)
        p.put(value_x, y, value)
        y += 14
    if other_refs:
        p.put(60, y, "Kundennummer:. 8888855555 Rechnungsnummer:. 6069999999")
        y += 14
    for heading, name, address, tax_id in ((ocr("Verkäufer"), spec.seller, spec.seller_address, spec.seller_tax_id),
                                           (ocr("Käufer/Leistungsempfänger"), spec.buyer, spec.buyer_address,
                                            spec.buyer_tax_id)):
        y += 20
        p.put(50, y, heading, 10)
        street, city = (address.split(", ") + [""])[:2]
        for label, value in (("Nummer:", "K-4711"), ("Globale Nummer:", "4000001123452 (GLN)"), ("Name:", name),
                             ("Anschrift:", street), ("", city), ("Steuernummer:", "201/113/40209"),
                             ("USt.-Id.-Nr.:", tax_id)):
            if value is None:
                continue
            y += 14
            if label:
                p.put(60, y, label)
            p.put(value_x, y, value)
    if other_refs:
        y += 24
        p.put(50, y, "Bemerkungen", 10)
        digits = "".join(ch for ch in spec.number if ch.isdigit())
        p.put(60, y + 14, f"Bei Schriftwechsel bitte Ihre Kundennummer 35040727 und Belegnummer {digits}")
        p.put(60, y + 28, "angeben")
        p.put(60, y + 42, f"Datum: {date(spec.issue - timedelta(days=200))}")
        y += 42
    y += 34
    p.put(50, y, "Positionsdaten", 10)
    y += 16
    for x, head in ((60, "Pos"), (90, "Beschreibung"), (330, "Menge"), (420, "Nettopreis"), (545, "Nettobetrag")):
        p.put(x, y, head, right=x == 545)
    for k, item in enumerate(spec.items):
        y += 14
        p.put(60, y, str(k + 1))
        p.put(90, y, item.description)
        p.put(330, y, f"{item.quantity} Stk")
        p.put(420, y, _de(item.unit_price))
        p.put(545, y, _de(item.amount), right=True)
        if item_totals:
            y += 14
            p.put(90, y, f"Gesamtbetrag:{_de(item.amount)} €")
    y += 34
    p.put(50, y, "Belegsummen", 10)
    for label, value in () if item_totals else (("Positionssumme", _de(spec.net)), ("Gesamtbetrag der Zuschläge", "0,00"),
                         ("Gesamtbetrag der Abschläge", "-0,00"), ("Rechnungssumme ohne USt.", _de(spec.net)),
                         (f"Steuerbetrag in {spec.currency}", _de(spec.tax)), ("Bruttosumme", _de(spec.total)),
                         ("Zahlbetrag", _de(spec.total))):
        y += 16
        p.put(200, y, ocr(label))
        p.put(545, y, "." + value[1:] if minus_as_dot and value.startswith("-") else value, right=True)
    if spec.due:
        y += 34
        p.put(50, y, "Zahlungsbedingungen", 10)
        y += 16
        p.put(60, y, "Beschreibung")
        p.put(200, y, ocr("Fälligkeit"))
        y += 14
        p.put(60, y, "Zahlbar innerhalb 30 Tagen netto")
        p.put(200, y, date(spec.due))
    if spec.iban:
        y += 24
        p.put(60, y, "IBAN:")
        p.put(300, y, spec.iban)
    return p.bytes(), spec.truth()


def make_grid(spec: InvoiceSpec) -> tuple[bytes, dict]:
    p = _Page()
    date = lambda d: d.strftime("%d/%m/%Y")  # noqa: E731
    p.put(50, 45, f"LOGO {spec.seller}", 11)
    p.put(300, 45, "FACTURE N° :", 10)
    p.put(545, 45, spec.number, 11, right=True)
    p.put(300, 62, "Date :", 10)
    p.put(545, 62, date(spec.issue), 10, right=True)
    p.put(50, 80, "FOURNISSEUR", 8)
    p.put(50, 92, spec.seller)
    p.put(50, 104, spec.seller_address)
    p.put(50, 116, "@dresse électronique : ventes@fournisseur.fr")
    p.put(50, 128, f"N° TVA intra : {spec.seller_tax_id}")
    p.put(300, 80, "CLIENT :", 8)
    p.put(300, 92, spec.buyer)
    p.put(300, 104, spec.buyer_address)
    p.put(300, 116, "Contact : compta@client.fr")
    if spec.buyer_tax_id:
        p.put(300, 128, f"N° TVA : {spec.buyer_tax_id}")
    p.put(50, 160, "Références sur la facture", 8)
    p.put(50, 172, f"DATE DE LIVRAISON : {date(spec.issue - timedelta(days=5))}")
    if spec.po:
        p.put(50, 184, f"N° BON DE COMMANDE : {spec.po}")
    p.put(300, 184, f"DEVISE : EURO ({spec.currency})")
    y = 220
    for x, head in ((50, "DÉSIGNATION"), (330, "Qté"), (420, "P.U. HT"), (545, "TOTAL HT")):
        p.put(x, y, head, right=x == 545)
    for item in spec.items:
        y += 14
        p.put(50, y, item.description)
        p.put(330, y, str(item.quantity))
        p.put(420, y, _fr(item.unit_price))
        p.put(545, y, _fr(item.amount), right=True)
    y += 40
    # The totals grid: labels in one row, each amount under its label.
    for x, label, value in ((260, "TOTAL HT", spec.net), (360, "TOTAL TVA", spec.tax), (460, "TOTAL TTC", spec.total)):
        p.put(x, y, label, 10)
        p.put(x, y + 16, _fr(value), 10)
    if spec.due:
        p.put(50, y + 50, "Date d'échéance :")
        p.put(160, y + 50, date(spec.due))
    if spec.iban:
        p.put(300, y + 80, f"IBAN : {' '.join(spec.iban[i:i + 4] for i in range(0, len(spec.iban), 4))}", 8)
    return p.bytes(), spec.truth()
