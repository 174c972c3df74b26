"""Invoice fields from the layouts real e-invoices use (tests/invoice_factories_forms.py): a key/value
form with its values in a far column, party blocks under headings, totals as label rows or as a grid,
dates told apart by their labels."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.invoice import extract_invoice
from tests.invoice_factories import western_spec
from tests.invoice_factories_forms import make_form, make_grid
from tests.unit.test_invoice_fields import text_pages, wrong_fields

TODAY = date(2024, 12, 31)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_key_value_form_with_headed_party_blocks_and_a_totals_column(seed):
    pdf, truth = make_form(western_spec(seed, "de"))
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert wrong_fields(result, truth) == {}
    assert result.value("document_type") == "invoice"
    assert not result.needs_review


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_grid_far_date_label_and_delivery_date(seed):
    pdf, truth = make_grid(western_spec(seed, "fr"))
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert wrong_fields(result, truth) == {}
    # The item table's "P.U. HT" header is the unit price: without it the unit price and the line's
    # amount fell into one cell, the items did not add up to the net and the invoice went to review.
    assert next(c for c in result.checks if c.name == "line_items_sum").status == "passed"
    assert all(item.unit_price is not None for item in result.line_items)
    assert not result.needs_review


def test_a_correction_invoice_keeps_its_minus_signs():
    spec = western_spec(4, "de")
    for item in spec.items:
        item.unit_price = -item.unit_price
    pdf, truth = make_form(spec)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert truth["total_amount"].startswith("-")
    assert {k: result.value(k) for k in ("net_amount", "tax_amount", "total_amount")} == \
        {k: truth[k] for k in ("net_amount", "tax_amount", "total_amount")}


def test_a_correction_invoice_keeps_its_minus_signs_read_as_dots():
    spec = western_spec(9, "de")
    for item in spec.items:
        item.unit_price = -item.unit_price
    pdf, truth = make_form(spec, minus_as_dot=True)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert truth["total_amount"].startswith("-")
    assert {k: result.value(k) for k in ("net_amount", "tax_amount", "total_amount")} == \
        {k: truth[k] for k in ("net_amount", "tax_amount", "total_amount")}


def test_a_total_label_printed_with_several_values_goes_to_review():
    spec = western_spec(10, "de")
    assert len({item.amount for item in spec.items}) > 1
    pdf, truth = make_form(spec, item_totals=True)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    # Which "Gesamtbetrag:" is the invoice's is a guess: a person confirms it.
    assert result.value("invoice_number") == truth["invoice_number"]
    assert result.needs_review


def test_a_uk_seller_vat_number_is_read_and_checked():
    spec = western_spec(5, "de")
    spec.seller_tax_id = "GB980780684"  # valid by its check digits
    pdf, truth = make_form(spec)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert result.value("seller_tax_id") == "GB980780684"
    assert next(c for c in result.checks if c.name == "seller_tax_id_valid").status == "passed"


def test_labels_read_without_their_umlauts_as_ocr_gives_them():
    # "Falligkeit", "Gesamtbetrag der Zuschlage", "Kãufer/Leistungsempfänger": what OCR made of a scan.
    pdf, truth = make_form(western_spec(6, "de"), as_ocr_reads=True)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert wrong_fields(result, truth) == {}


@pytest.mark.parametrize("seed", [7, 8])
def test_the_title_line_states_the_number_and_date_over_other_references(seed):
    # "Handelsrechnung Nr. X vom D" against a preceding invoice's "Rechnungsnummer", a note's
    # "Belegnummer" without the number's prefix and a "Datum:" of something else.
    pdf, truth = make_form(western_spec(seed, "de"), other_refs=True)
    result = extract_invoice(text_pages(pdf), today=TODAY)
    assert not truth["invoice_number"].isdigit()
    assert {k: result.value(k) for k in ("invoice_number", "issue_date")} == \
        {k: truth[k] for k in ("invoice_number", "issue_date")}
