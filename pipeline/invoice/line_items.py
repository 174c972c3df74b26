"""Line items from the invoice's table: its header row names the columns, rows follow until the totals.

Words are put into columns by where their header stands (left, centre or
right edge, whichever is nearest, since numbers are often right-aligned
under a short header). A row with text but no numbers continues the
description above it (multi-line descriptions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.invoice.labels import pattern
from pipeline.invoice.locate import Span, label_hits, same_row, squeeze_digits
from pipeline.invoice.model import Field, LineItem
from pipeline.invoice.numbers import find_amounts, format_amount

COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "description": ("货物或应税劳务、服务名称", "货物或应税劳务名称", "项目名称", "商品名称", "description", "item", "product",
                    "service", "beschreibung", "bezeichnung", "artikel", "leistung", "désignation", "description",
                    "libellé", "omschrijving", "artikel"),
    "quantity": ("数量", "quantity", "qty", "menge", "anzahl", "quantité", "qté", "aantal"),
    "unit": ("单位", "unit", "einheit", "unité", "eenheid"),
    "unit_price": ("单价", "unit price", "price", "rate", "einzelpreis", "preis", "prix unitaire", "p.u. ht", "p.u.", "prix", "prijs",
                   "stuksprijs"),
    "tax_rate": ("税率", "vat %", "vat rate", "tax %", "mwst %", "mwst.", "ust %", "tva %", "taux", "btw %", "btw"),
    "amount": ("金额", "amount", "line total", "total", "betrag", "gesamt", "montant", "total ht", "bedrag", "totaal"),
    "tax": ("税额",),
}
NUMERIC = ("quantity", "unit_price", "tax_rate", "amount", "tax")


@dataclass(frozen=True)
class Column:
    name: str
    box: list[float]


def _header_columns(row: list[Span]) -> list[Column]:
    """The columns a row names; where labels overlap the longest wins ("Unit Price" over "Unit")."""
    found = []
    for s in row:
        for name, labels in COLUMN_LABELS.items():
            for label in labels:
                for m in pattern(label).finditer(s.text):
                    found.append((m.end() - m.start(), name, s.sub_box(m.start(), m.end())))
    cols: list[Column] = []
    for _, name, box in sorted(found, key=lambda f: -f[0]):
        if all(c.name != name and (box[2] <= c.box[0] or box[0] >= c.box[2]) for c in cols):
            cols.append(Column(name, box))
    return sorted(cols, key=lambda c: c.box[0])


def find_header(spans: list[Span]) -> tuple[list[Column], list[Span]] | None:
    """The row that names at least three columns, a description or amount among them."""
    for span in sorted(spans, key=lambda s: (s.page, s.box[1])):
        row = [s for s in spans if same_row(span, s)]
        cols = _header_columns(row)
        names = {c.name for c in cols}
        if len(names) >= 3 and names & {"description", "amount"} and names & {"quantity", "unit_price", "amount"}:
            return cols, row
    return None


def _nearest(cols: list[Column], box: list[float]) -> Column:
    def distance(c: Column) -> float:
        return min(abs(box[0] - c.box[0]), abs(box[2] - c.box[2]),
                   abs((box[0] + box[2]) / 2 - (c.box[0] + c.box[2]) / 2))
    return min(cols, key=distance)


def _pieces(span: Span) -> list[tuple[str, list[float]]]:
    """A line's runs of text separated by wide gaps (text-layer lines can hold several cells)."""
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", span.text):
        out.append((m.group(0), span.sub_box(m.start(), m.end())))
    return out


def read_line_items(spans: list[Span]) -> list[LineItem]:
    found = find_header(spans)
    if found is None:
        return []
    cols, header_row = found
    header_ids = {id(s) for s in header_row}
    page = header_row[0].page
    # Below the header: a line whose middle is under its lowest edge (on a scan the first row's boxes may start above
    # that edge, a header label's box being a little taller than the row's gap).
    top = max(s.box[3] for s in header_row)
    body = sorted((s for s in spans if s.page == page and (s.box[1] + s.box[3]) / 2 > top and id(s) not in header_ids),
                  key=lambda s: (s.box[1], s.box[0]))
    rows: list[list[Span]] = []
    for s in body:
        if _starts_totals(s):
            # The totals block ends the table. Its first row's figures, right of the label, may sort in before it
            # (their boxes start a hair higher): they are no item.
            if rows:
                rows[-1] = [x for x in rows[-1] if not (same_row(x, s) and x.box[0] > s.box[0])]
                rows = [r for r in rows if r]
            break
        if rows and same_row(rows[-1][0], s):
            rows[-1].append(s)
        else:
            if rows and s.box[1] - max(x.box[3] for x in rows[-1]) > 3 * s.height:
                break  # a wide gap: the table is over
            rows.append([s])
    items: list[dict[str, Field]] = []
    for row in rows:
        cells: dict[str, list[tuple[str, list[float], Span]]] = {}
        for s in row:
            for text, box in _pieces(s):
                cells.setdefault(_nearest(cols, box).name, []).append((text, box, s))
        numbers = {k for k in cells if k in NUMERIC and any(find_amounts(t) for t, _, _ in cells[k])}
        if not numbers:
            if items and "description" in cells and items[-1].get("description"):
                prev = items[-1]["description"]
                extra = " ".join(t for t, _, _ in cells["description"])
                first = cells["description"][0][2]
                more = first.page_box(_union(*[b for _, b, _ in cells["description"]]))
                items[-1]["description"] = Field(f"{prev.value} {extra}", prev.confidence, prev.page,
                                                 _union(prev.box, more), prev.source)
                continue
            if any(_starts_totals(s) for s in row):
                break
            continue
        item: dict[str, Field] = {}
        for name, parts in cells.items():
            if name == "tax":
                continue
            text = " ".join(t for t, _, _ in parts)
            value = _cell_value(name, text)
            if value is None:
                continue
            span = parts[0][2]
            item[name] = Field(value, span.confidence, span.page, span.page_box(_union(*[b for _, b, _ in parts])),
                               span.source)
        if "amount" in item or "description" in item:
            items.append(item)
    return [LineItem(**item) for item in items]


_TOTALS = ("net_amount", "total_amount", "tax_amount", "total_amount_in_words", "iban", "payment_terms")


def _starts_totals(span: Span) -> bool:
    """A line that begins with a totals or payment label (a description may merely mention "tax")."""
    hits = label_hits(span.text.lstrip(), _TOTALS)
    return bool(hits) and hits[0][1] == 0


def _cell_value(name: str, text: str) -> str | None:
    if name in ("description", "unit"):
        return text.strip() or None
    if name == "tax_rate":
        m = re.search(r"(\d+(?:[.,]\d+)?)\s*%", text) or re.search(r"(\d+(?:[.,]\d+)?)", text)
        return m.group(1).replace(",", ".") if m else None
    amounts = find_amounts(squeeze_digits(text))
    if not amounts:
        return None
    if name == "quantity":
        q = amounts[0]
        return format(q.normalize(), "f")
    return format_amount(amounts[-1])


def _union(*boxes: list[float] | None) -> list[float]:
    real = [b for b in boxes if b]
    return [min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real)]
