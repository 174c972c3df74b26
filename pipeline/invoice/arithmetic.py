"""Net, tax and total found by their arithmetic when their labels were not read right.

OCR garbles or drops the small labels of a totals block (``Rechnungssu nme``,
``etrag in EUR``), and a label row may stand above a row of figures that holds
several sums. The figures themselves are printed whole, and they obey a rule
no layout changes: net + tax = total, at a tax rate a tax can have. So when
the labelled reading is incomplete or does not add up, the page's amounts are
searched for such a triple, set out as totals are (on one row, or stacked in
one column, in the order net, tax, total). A triple that agrees with more of
the labelled values wins; then the larger total (a sum row after the rows of
each rate).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.invoice.locate import Span, same_row
from pipeline.invoice.model import Field, InvoiceResult
from pipeline.invoice.numbers import amount_matches, format_amount

ROLES = ("net_amount", "tax_amount", "total_amount")
MAX_RATE = Decimal("0.30")  # no VAT or sales tax is higher
STACK_LINES = 12  # line heights a totals column may span
FILLED, REPLACED = 0.9, 0.7  # trust in a value the arithmetic found, where none or another was read
TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    span: Span
    box: list[float]

    @property
    def order(self) -> tuple[int, float, float]:
        return self.span.page, self.box[1], self.box[0]


def page_amounts(spans: list[Span]) -> list[Amount]:
    """The amounts printed with cents (totals always are), each with its box."""
    out = []
    for s in spans:
        for value, start, end in amount_matches(s.text):
            token, after = s.text[start:end], s.text[end:end + 2]
            # Cents, and not a percentage or the day and month of a date (06.08.2013).
            if re.search(r"[.,]\d{2}\)?$", token) and not re.match(r"\s?%|[.,]\d", after):
                out.append(Amount(value, s, s.sub_box(start, end)))
    return out


def _aligned(a: Amount, b: Amount) -> bool:
    """``b`` follows ``a`` as totals follow each other: further on the same row, or under it in
    the same column (right edges flush: figures are right-aligned)."""
    if a.span is b.span:
        return a.box[0] < b.box[0]
    if same_row(a.span, b.span):
        return a.box[0] < b.box[0]
    h = max(a.span.height, b.span.height)
    return (a.span.page == b.span.page and 0 < b.box[1] - a.box[1] < STACK_LINES * h
            and abs(a.box[2] - b.box[2]) < 1.5 * h)


def _plausible(net: Decimal, tax: Decimal) -> bool:
    if net == 0 or tax == 0 or (net > 0) != (tax > 0):
        return False
    return tax / net <= MAX_RATE


def find_triple(amounts: list[Amount], labelled: dict[str, str | None]) -> tuple[Amount, Amount, Amount] | None:
    """The likeliest (net, tax, total) among ``amounts``: agreeing with the most labelled values,
    then set out as totals are, then with the largest total."""
    by_value: dict[Decimal, list[Amount]] = {}
    for a in amounts:
        by_value.setdefault(a.value, []).append(a)
    # A value read for two roles (one figure taken as net, tax and total) tells nothing of either.
    values = [v for v in labelled.values() if v is not None]
    clear = {role: v for role, v in labelled.items() if v is not None and values.count(v) == 1}
    best, best_key = None, None

    def consider(triple: tuple[Amount, Amount, Amount], aligned: bool) -> None:
        nonlocal best, best_key
        agree = sum(clear.get(role) == format_amount(a.value) for role, a in zip(ROLES, triple))
        key = (agree, aligned, abs(triple[2].value), [-v for v in triple[2].order])
        if best_key is None or key > best_key:
            best, best_key = triple, key

    pages: dict[int, list[Amount]] = {}
    for a in sorted(amounts, key=lambda a: a.order):
        pages.setdefault(a.span.page, []).append(a)
    # Totals stand on one page: only pairs of one page (either way round: a row's boxes are uneven).
    pairs = [(x, y) for page in pages.values() for x in page for y in page if x is not y]
    where = {id(a): i for page in pages.values() for i, a in enumerate(page)}
    for net, tax in pairs:
        if not _plausible(net.value, tax.value) or not _aligned(net, tax):
            continue
        for total in by_value.get(net.value + tax.value, ()):
            if _aligned(tax, total):
                consider((net, tax, total), True)
    # The tax of several rates, printed per rate but not summed: net and total stacked in one column
    # with the rates' taxes between them that make up the difference.
    for net, total in pairs:
        if not (_plausible(net.value, total.value - net.value) and _aligned(net, total)
                and not same_row(net.span, total.span)):
            continue
        page = pages[net.span.page]
        between = [a for a in page[where[id(net)] + 1:where[id(total)]]
                   if abs(a.box[2] - total.box[2]) < 1.5 * total.span.height and a.value]
        if len(between) >= 2 and sum(a.value for a in between) == total.value - net.value:
            last = between[-1]
            tax = Amount(total.value - net.value, last.span, [min(a.box[0] for a in between), between[0].box[1],
                                                              max(a.box[2] for a in between), last.box[3]])
            consider((net, tax, total), True)
    # Two labelled values that the page prints the third of: their labels were read right, the
    # third's was not (a sub-total taken for the net), wherever the third stands.
    first = {Decimal(v): by_value[Decimal(v)][0] for v in clear.values() if Decimal(v) in by_value}
    n, t, g = (first.get(Decimal(clear[r])) if r in clear else None for r in ROLES)
    for net, tax, total in ((n, t, None), (n, None, g), (None, t, g)):
        have = [x for x in (net, tax, total) if x is not None]
        if len(have) < 2:
            continue
        if total is None:
            missing = by_value.get(net.value + tax.value, [])
            triple = (net, tax, missing[0]) if missing else None
        elif tax is None:
            missing = by_value.get(total.value - net.value, [])
            triple = (net, missing[0], total) if missing else None
        else:
            missing = by_value.get(total.value - tax.value, [])
            triple = (missing[0], tax, total) if missing else None
        if triple is not None and _plausible(triple[0].value, triple[1].value):
            consider(triple, False)
    if len(clear) == 3 and best_key is not None and best_key[0] == 0:
        # Three distinct values were read and do not add up; a triple that shares none of them is
        # more likely a coincidence among the line items than the totals: the page stays in review.
        return None
    return best


def _adds_up(values: list[str | None]) -> bool:
    if any(v is None for v in values):
        return False
    net, tax, total = (Decimal(v) for v in values)
    return abs(net + tax - total) <= TOLERANCE


def apply(spans: list[Span], result: InvoiceResult) -> None:
    """Fill or correct net, tax and total from the page's arithmetic, when the labels did not give
    three that add up. A value put in place of another that was read is trusted less than the
    review threshold: the page's labels and its figures disagreed, and a person should see it."""
    labelled = {role: result.value(role) for role in ROLES}
    amounts = page_amounts(spans)
    if _adds_up(list(labelled.values())):
        triple = _sum_row_below(amounts, result)
        if triple is not None:
            for role, a in zip(ROLES, triple):
                result.fields[role] = Field(format_amount(a.value), round(a.span.confidence * FILLED, 4), a.span.page,
                                            a.span.page_box(a.box), a.span.source)
        return
    triple = find_triple(amounts, labelled)
    if triple is None:
        return
    for role, a in zip(ROLES, triple):
        value = format_amount(a.value)
        if labelled[role] == value:
            continue
        trust = REPLACED if labelled[role] is not None else FILLED
        result.fields[role] = Field(value, round(a.span.confidence * trust, 4), a.span.page, a.span.page_box(a.box),
                                    a.span.source)


def _printed(field: Field, amounts: list[Amount]) -> Amount | None:
    """The amount on the page that ``field`` was read from."""
    value = Decimal(field.value)
    same = [a for a in amounts if a.value == value and a.span.page == field.page]
    if not same or field.box is None:
        return None
    cx, cy = (field.box[0] + field.box[2]) / 2, (field.box[1] + field.box[3]) / 2

    def distance(a: Amount) -> float:
        b = a.span.page_box(a.box)
        return abs((b[0] + b[2]) / 2 - cx) + abs((b[1] + b[3]) / 2 - cy)
    return min(same, key=distance)


def _under(top: Amount, a: Amount) -> bool:
    h = top.span.height
    return a.span.page == top.span.page and a.box[1] > top.box[3] - 0.3 * h and abs(a.box[2] - top.box[2]) < 2 * h


def _sum_row_below(amounts: list[Amount], result: InvoiceResult) -> tuple[Amount, Amount, Amount] | None:
    """A row of labels over rows of figures (one per VAT rate, then their sum): the labels' values read
    as the first row add up, but the totals are the last row in the same columns that adds up too."""
    first = [_printed(result.fields[role], amounts) for role in ROLES]
    if any(a is None for a in first) or not all(same_row(first[0].span, a.span) for a in first[1:]):
        return None
    net0, tax0, total0 = first
    best = None
    for total in (a for a in amounts if _under(total0, a) and a is not total0 and abs(a.value) > abs(total0.value)):
        for net in (a for a in amounts if _under(net0, a) and same_row(a.span, total.span)):
            tax = next((a for a in amounts if _under(tax0, a) and same_row(a.span, total.span)
                        and abs(net.value + a.value - total.value) <= TOLERANCE), None)
            if tax is not None and (best is None or total.box[1] > best[2].box[1]):
                best = (net, tax, total)
    return best
