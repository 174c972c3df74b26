"""Checks that make an invoice's numbers trustworthy, and what a failed one costs.

Each check is ``passed``, ``failed`` or ``not_applicable`` (a value it needs
is missing). A failed check halves the confidence of the fields it names
and sends the document to review; so do missing or unsure key fields.
Tax ids are checked by their own check digits (python-stdnum), IBANs by
mod-97 (schwifty): well-kept tables rather than our own.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from pipeline.invoice.model import KEY_FIELDS, Check, InvoiceResult
from pipeline.invoice.numbers import parse_chinese_capital
from pipeline.invoice.parties import looks_like_tax_id, tax_id_scheme

REVIEW_BELOW = 0.8  # a key field read with less confidence than this goes to a person
# Rounding: each printed amount may be off by half a cent, and a sum of n of them by n halves.
TOLERANCE = Decimal("0.01")


def _dec(result: InvoiceResult, name: str) -> Decimal | None:
    value = result.value(name)
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def _totals(r: InvoiceResult) -> Check:
    net, tax, total = _dec(r, "net_amount"), _dec(r, "tax_amount"), _dec(r, "total_amount")
    fields = ("net_amount", "tax_amount", "total_amount")
    if net is None or tax is None or total is None:
        return Check("totals_add_up", "not_applicable", "net, tax and total are not all present", fields)
    if abs(net + tax - total) <= TOLERANCE:
        return Check("totals_add_up", "passed", f"{net} + {tax} = {total}", fields)
    return Check("totals_add_up", "failed", f"{net} + {tax} = {net + tax}, but the total reads {total}", fields)


def _from_xml(r: InvoiceResult) -> bool:
    return any(item.amount and item.amount.source == "embedded_xml" for item in r.line_items)


def _line_sum(r: InvoiceResult) -> Check:
    if _from_xml(r):
        # EN 16931 line amounts already include line allowances and charges, and the document
        # may add its own: the XML schema's rules, not this sum, govern them.
        return Check("line_items_sum", "not_applicable", "e-invoice lines follow EN 16931's own rules", ("line_items",))
    amounts = [item.amount for item in r.line_items if item.amount]
    net = _dec(r, "net_amount")
    target, target_name = (net, "net_amount") if net is not None else (_dec(r, "total_amount"), "total_amount")
    if not amounts or target is None:
        return Check("line_items_sum", "not_applicable", "no line amounts or no net amount", ("line_items",))
    total = sum(Decimal(a.value) for a in amounts)
    if net is None and _dec(r, "tax_amount"):
        return Check("line_items_sum", "not_applicable", "no net amount to compare the lines with", ("line_items",))
    ok = abs(total - target) <= TOLERANCE * max(1, len(amounts))
    return Check("line_items_sum", "passed" if ok else "failed",
                 f"line amounts add up to {total}; {target_name} reads {target}", ("line_items", target_name))


def _line_arithmetic(r: InvoiceResult) -> Check:
    if _from_xml(r):
        return Check("line_items_arithmetic", "not_applicable", "e-invoice lines follow EN 16931's own rules",
                     ("line_items",))
    wrong, checked = [], 0
    for i, item in enumerate(r.line_items):
        if not (item.quantity and item.unit_price and item.amount):
            continue
        checked += 1
        q, p, a = Decimal(item.quantity.value), Decimal(item.unit_price.value), Decimal(item.amount.value)
        if abs(q * p - a) > TOLERANCE + abs(q) * Decimal("0.005"):
            wrong.append(f"line {i + 1}: {q} × {p} = {q * p}, amount reads {a}")
    if not checked:
        return Check("line_items_arithmetic", "not_applicable", "no line with quantity, price and amount", ("line_items",))
    return Check("line_items_arithmetic", "failed" if wrong else "passed", "; ".join(wrong), ("line_items",))


def _in_words(r: InvoiceResult) -> Check:
    words, total = r.value("total_amount_in_words"), _dec(r, "total_amount")
    fields = ("total_amount_in_words", "total_amount")
    if words is None or total is None:
        return Check("amount_in_words", "not_applicable", "no amount in words", fields)
    spelled = parse_chinese_capital(words)
    if spelled is not None and spelled == total:
        return Check("amount_in_words", "passed", f"{words} = {total}", fields)
    return Check("amount_in_words", "failed", f"{words} reads {spelled}, the figures {total}", fields)


def _tax_id(r: InvoiceResult, name: str) -> Check:
    value = r.value(name)
    check = f"{name}_valid"
    if value is None:
        return Check(check, "not_applicable", "no tax id", (name,))
    scheme = tax_id_scheme(value)
    if scheme:
        return Check(check, "passed", f"valid {scheme}", (name,))
    if looks_like_tax_id(value):
        return Check(check, "failed", f"{value} fails its check digits", (name,))
    return Check(check, "not_applicable", "not a scheme that can be checked", (name,))


def _iban(r: InvoiceResult) -> Check:
    value = r.value("iban")
    if value is None:
        return Check("iban_valid", "not_applicable", "no IBAN", ("iban",))
    try:
        IBAN(value)
    except (SchwiftyException, ValueError) as exc:
        return Check("iban_valid", "failed", str(exc), ("iban",))
    return Check("iban_valid", "passed", "", ("iban",))


def _dates(r: InvoiceResult, today: date) -> Check:
    issue, due = r.value("issue_date"), r.value("due_date")
    fields = ("issue_date", "due_date")
    if issue is None:
        return Check("dates_plausible", "not_applicable", "no issue date", fields)
    issued = date.fromisoformat(issue)
    if not date(1990, 1, 1) <= issued <= today + timedelta(days=366):
        return Check("dates_plausible", "failed", f"issue date {issue} is implausible", fields)
    if due is not None and date.fromisoformat(due) < issued:
        return Check("dates_plausible", "failed", f"due date {due} is before the issue date {issue}", fields)
    return Check("dates_plausible", "passed", "", fields)


def run_checks(result: InvoiceResult, today: date | None = None) -> InvoiceResult:
    """Add the checks to ``result``, doubt the fields of failed ones, and decide ``needs_review``."""
    today = today or date.today()
    checks = [_totals(result), _line_sum(result), _line_arithmetic(result), _in_words(result),
              _tax_id(result, "seller_tax_id"), _tax_id(result, "buyer_tax_id"), _iban(result), _dates(result, today)]
    for check in checks:
        if check.status != "failed":
            continue
        for name in check.fields:
            f = result.fields.get(name)
            if f is not None and f.source != "embedded_xml":
                result.fields[name] = f.doubted()
    result.checks = [*result.checks, *checks]
    unsure = [n for n in KEY_FIELDS if result.fields.get(n) is None or result.fields[n].confidence < REVIEW_BELOW]
    result.needs_review = any(c.status == "failed" for c in result.checks) or bool(unsure)
    return result
