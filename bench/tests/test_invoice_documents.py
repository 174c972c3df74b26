"""bench.invoice_fields' whole-document figures on generated invoices read from their text layer."""
import dataclasses

from bench.invoice_fields import _documents, _documents_report, _invoice, _text_pages
from pipeline.invoice import extract_invoice


def test_a_correct_invoice_has_its_items_and_is_not_sent_to_review():
    layout, pdf, _, spec = _invoice(1)
    doc = _documents(extract_invoice(_text_pages(pdf)), spec, "text_layer", layout, 1)
    assert doc["items_printed"] == len(spec.items) == doc["items_read"]
    assert doc["items_ok"] and not doc["needs_review"] and doc["failed"] == [] and not doc["broken"]


def test_a_lost_item_and_a_broken_total_are_counted():
    layout, pdf, _, spec = _invoice(6)  # every seventh invoice's total does not add up
    result = extract_invoice(_text_pages(pdf))
    result.line_items = result.line_items[1:]
    doc = _documents(result, spec, "text_layer", layout, 6)
    assert doc["broken"] and doc["needs_review"] and doc["failed"]
    assert doc["items_read"] == len(spec.items) - 1 and not doc["items_ok"]
    row = next(line for line in _documents_report([doc]) if line.startswith("| text_layer"))
    assert row.startswith("| text_layer | 0 of 1 | 0 of 0 | 1 of 1 |")


def test_a_wrong_amount_is_not_a_right_item():
    layout, pdf, _, spec = _invoice(2)
    result = extract_invoice(_text_pages(pdf))
    first = result.line_items[0]
    wrong = dataclasses.replace(first.amount, value="1" + first.amount.value)
    result.line_items[0] = dataclasses.replace(first, amount=wrong)
    assert not _documents(result, spec, "text_layer", layout, 2)["items_ok"]
