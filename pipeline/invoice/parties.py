"""Seller and buyer: name, tax id and address, each read from its own block.

A party's block starts at its marker (``销售方``, ``Bill to``, ``Lieferant``)
and runs down a few lines, to the right of the marker, until the other
party's marker. Inside it, the labelled rows (名称, 纳税人识别号, VAT ID)
are read first; otherwise the first line is the name and a valid tax id
anywhere in the block is the party's. A letterhead seller with no marker
is the first line of the first page that is neither a label nor the
buyer's, and is trusted less.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.cn import uscc
from stdnum.eu import vat
from stdnum.gb import vat as gb_vat

from pipeline.invoice.labels import document_type
from pipeline.invoice.locate import Candidate, LabelHit, Span, candidates, compact, find_hits, label_hits, label_only
from pipeline.invoice.numbers import find_amounts, find_date

BLOCK_LINES = 6  # line heights a party block runs down from its marker
HEADING_LINES = 20  # lines a block under a heading may run to, while they follow each other
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
# EU VAT numbers (and the UK's, which EU invoices still print) are mostly digits after the country
# prefix (letters only here and there).
_EU_VAT = re.compile(r"(?<![A-Z0-9])(?:ATU|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)"
                     r"(?=(?:[A-Z]?\d){7})[0-9A-Z]{8,12}(?![0-9A-Z])")


@dataclass(frozen=True)
class PartyReading:
    name: Candidate | None = None
    tax_id: tuple[str, Candidate] | None = None
    address: Candidate | None = None


def tax_id_scheme(value: str) -> str | None:
    """Which scheme ``value`` is valid in (``cn_uscc``, ``eu_vat``, ``gb_vat``), or None."""
    v = compact(value)
    if len(v) == 18 and uscc.is_valid(v):
        return "cn_uscc"
    if vat.is_valid(v):
        return "eu_vat"
    if v.startswith("GB") and gb_vat.is_valid(v):
        return "gb_vat"
    return None


def looks_like_tax_id(value: str) -> bool:
    """Shaped like a scheme's id, valid or not (a failed check digit is then a finding)."""
    v = compact(value)
    return bool(_USCC.fullmatch(v) or _EU_VAT.fullmatch(v))


def find_tax_id(text: str) -> str | None:
    """A tax id in ``text``: a valid one first, else one shaped like one."""
    squeezed = re.sub(r"(?<=[0-9A-Z])[ .](?=[0-9A-Z])", "", text.upper())
    shaped = [m.group(0) for rx in (_USCC, _EU_VAT) for m in rx.finditer(squeezed)]
    for value in shaped:
        if tax_id_scheme(value):
            return value
    return shaped[0] if shaped else None


def block_of(marker: LabelHit, spans: list[Span], others: list[LabelHit]) -> list[Span]:
    m = marker.span
    h = m.height
    # A word joined to the marker ("Käufer/Leistungsempfänger", read "Kãufer/…" by OCR) is part of the
    # heading: the block is as wide as the line then.
    joined = " " not in m.text[: marker.start].strip()
    x_left = (m.box[0] if joined else m.sub_box(marker.start, marker.end)[0]) - h
    stop = min((o.span.box[1] for o in others if o.span.page == m.page and o.span.box[1] > m.box[1] + 0.5 * h
                and o.span.box[0] < m.box[2] + 20 * h and o.span.box[2] > x_left), default=float("inf"))
    # Side by side (seller left, buyer right): the block ends where the other one starts.
    right_edge = min((o.span.box[0] for o in others if o.span.page == m.page and o.span is not m
                      and abs(o.span.box[1] - m.box[1]) < 1.5 * h and o.span.box[0] > m.box[0]), default=float("inf"))
    end = m.box[3] + BLOCK_LINES * h
    if label_only(marker) or " " not in m.text.strip():
        # A heading ("Verkäufer", "Bill to") over rows of its own: the block runs on while its lines
        # follow each other, however many labelled rows (name, address, tax id) the form prints.
        column = sorted((s for s in spans if s.page == m.page and x_left <= s.box[0] < right_edge
                         and s.box[1] > m.box[1] + 0.5 * h), key=lambda s: s.box[1])
        last = m.box[3]
        for s in column[:HEADING_LINES]:
            if s.box[1] >= stop or s.box[1] - last > 1.5 * h:
                break
            last = max(last, s.box[3])
        end = max(end, last + 0.5 * h)
    return [s for s in spans if s.page == m.page and x_left <= s.box[0] < right_edge
            and m.box[1] - 0.5 * h <= s.box[1] < min(stop, end)]


def read_party(marker: LabelHit, spans: list[Span], others: list[LabelHit]) -> PartyReading:
    block = block_of(marker, spans, others)
    name = _labelled(block, spans, "party_name", _name_text)
    if name is None:
        name = next((c for c in candidates(marker, block, below_first=True) if _name_text(c.text)), None)
    tax = None
    for hit in find_hits(block, "party_tax_id"):
        for cand in candidates(hit, block):
            if (value := find_tax_id(cand.text)):
                tax = (value, cand)
                break
        if tax:
            break
    if tax is None:
        for s in block:
            if (value := find_tax_id(s.text)):
                tax = (value, Candidate(value, s, s.box, 0.8))
                break
    if tax is None:
        tax = _steuernummer(block)
    address = _labelled(block, spans, "party_address", lambda t: t if len(t) > 3 else None)
    if address is None and name is not None:
        address = _address_under(name, block)
    return PartyReading(name, tax, address)


def _steuernummer(block: list[Span]) -> tuple[str, Candidate] | None:
    """A German tax number by its label ("Steuernummer: 201/113/40209", 13 digits in the federal form):
    a small business without a VAT id prints it instead, and it has no check digit to find it by."""
    for hit in find_hits(block, "party_tax_id"):
        if not hit.span.text[hit.start:hit.end].lower().startswith("steuer"):
            continue
        for cand in candidates(hit, block):
            m = re.fullmatch(r"\s*(\d[\d /]{8,18}\d)\s*", cand.text)
            if m and 10 <= len(re.sub(r"\D", "", m.group(1))) <= 13:
                return m.group(1), cand
    return None


def _address_under(name: Candidate, block: list[Span]) -> Candidate | None:
    """The lines set right under the name, flush with it, up to the first labelled or tax-id line."""
    lines, last = [], name.span
    for s in sorted(block, key=lambda s: s.box[1]):
        if s.box[1] <= last.box[1] or abs(s.box[0] - name.span.box[0]) > last.height:
            continue
        if s.box[1] - last.box[3] > 0.8 * last.height or label_hits(s.text) or find_tax_id(s.text):
            break
        lines.append(s)
        last = s
        if len(lines) == 2:
            break
    if not lines:
        return None
    box = [min(s.box[0] for s in lines), lines[0].box[1], max(s.box[2] for s in lines), lines[-1].box[3]]
    return Candidate(", ".join(s.text.strip() for s in lines), lines[0], box, 0.8)


def _labelled(block: list[Span], spans: list[Span], field: str, parse) -> Candidate | None:
    for hit in find_hits(block, field):
        for cand in candidates(hit, block):
            if parse(cand.text):
                return cand
    return None


def _name_text(text: str) -> str | None:
    t = text.strip()
    if len(t) < 2 or find_date(t) or find_tax_id(t) or (find_amounts(t) and not re.search(r"[A-Za-z\u4e00-\u9fff]{3}", t)):
        return None
    return t


def letterhead(spans: list[Span], exclude: set[int]) -> Candidate | None:
    """The seller of an invoice without a seller marker: the top line of page one that names something."""
    first_page = min((s.page for s in spans), default=None)
    for s in sorted((s for s in spans if s.page == first_page), key=lambda s: (s.box[1], s.box[0])):
        if id(s) in exclude or label_hits(s.text) or document_type(s.text) or not _name_text(s.text):
            continue
        return Candidate(s.text.strip(), s, s.box, 0.7)
    return None
