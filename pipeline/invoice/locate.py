"""Where a label's value is printed: after it on the line, right of it on the row, or below it.

Works on the page's lines and their boxes, whatever read them (text layer
or OCR), so an unseen supplier's layout needs no template: invoices put a
value beside or under its label, and that is all this assumes.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pipeline.invoice.labels import LABELS, fuzzy_label, pattern
from pipeline.invoice.numbers import DOT_MINUS
from pipeline.result import PageResult

MAX_RIGHT_GAP = 15  # line heights between a label and a value right of it
_SEPARATORS = " \t:：#/|-–—.()（）"


@dataclass(frozen=True)
class Span:
    """One line of text on one page; ``box`` is upright (a scan's skew turned out of it),
    so that rows and columns line up; ``page_box`` gives a box back in the page's pixels."""

    text: str
    box: list[float]
    confidence: float
    page: int
    source: str
    turn: tuple[float, float, float] = (0.0, 0.0, 0.0)  # skew in degrees, and the page centre

    def page_box(self, box: list[float]) -> list[float]:
        angle, cx, cy = self.turn
        return [round(v, 1) for v in _turned(box, -angle, cx, cy)]

    @property
    def height(self) -> float:
        return max(1.0, self.box[3] - self.box[1])

    def sub_box(self, start: int, end: int) -> list[float]:
        """The box of characters start..end, assuming even spacing along the line."""
        n = max(1, len(self.text))
        x0, y0, x1, y1 = self.box
        w = x1 - x0
        return [x0 + w * start / n, y0, x0 + w * end / n, y1]


@dataclass(frozen=True)
class Candidate:
    text: str
    span: Span
    box: list[float]
    trust: float  # how sure the placement is: same line > right on the row > below


@dataclass(frozen=True)
class LabelHit:
    field: str
    span: Span
    start: int
    end: int


def _turned(box: list[float], angle: float, cx: float, cy: float) -> list[float]:
    """``box`` moved as its centre turns by ``angle`` degrees about (cx, cy); its size is kept."""
    if not angle:
        return list(box)
    t = math.radians(angle)
    x, y = (box[0] + box[2]) / 2 - cx, (box[1] + box[3]) / 2 - cy
    nx, ny = cx + x * math.cos(t) - y * math.sin(t), cy + y * math.cos(t) + x * math.sin(t)
    hw, hh = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    return [nx - hw, ny - hh, nx + hw, ny + hh]


def spans_of(pages: list[PageResult]) -> list[Span]:
    spans = []
    for page in pages:
        # OCR reports boxes on the page as scanned; a tilt of 1-2° moves a row by tens of
        # pixels across a page, more than a line's height, so rows are judged upright.
        turn = (float(page.preprocessing.get("deskew_angle", 0.0) or 0.0), page.width / 2, page.height / 2)
        spans += [Span(line.text, _turned(list(line.box), turn[0], turn[1], turn[2]), float(line.confidence),
                       page.page_no, page.source, turn) for line in page.lines if line.text.strip()]
    return _join_spaced_labels(spans)


def _join_spaced_labels(spans: list[Span]) -> list[Span]:
    """Forms space a label's characters apart (``名        称``), and OCR then reads the pieces as
    separate lines: join a line with its right neighbour on the row when a label runs across the join."""
    out = list(spans)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(out):
            right = [b for b in out if b is not a and same_row(a, b) and b.box[0] >= a.box[2] - 0.5 * a.height]
            b = min(right, key=lambda b: b.box[0], default=None)
            if b is None or not any(start < len(a.text) < end for _, start, end in label_hits(a.text + b.text)):
                continue
            out[i] = Span(a.text + b.text, [a.box[0], min(a.box[1], b.box[1]), b.box[2], max(a.box[3], b.box[3])],
                          min(a.confidence, b.confidence), a.page, a.source, a.turn)
            out.remove(b)
            merged = True
            break
    return out


def squeeze_digits(text: str) -> str:
    """OCR spaces digits apart in Chinese lines (``1 2 3 4``); within one value they are one number."""
    # Not after a comma: "February 2, 2024" is two numbers.
    return re.sub(r"(?<=\d) (?=\d)|(?<=\d\.) (?=\d)|(?<=\d) (?=[.,]\d)", "", text)


def label_hits(text: str, fields: tuple[str, ...] | None = None) -> list[tuple[str, int, int]]:
    """Non-overlapping label matches in ``text``: the longest label wins an overlap
    ("价税合计" over "合计", "Total excl. VAT" over "Total")."""
    hits = _all_label_hits(text)
    return [h for h in hits if h[0] in fields] if fields else list(hits)


@lru_cache(maxsize=4096)
def _all_label_hits(text: str) -> tuple[tuple[str, int, int], ...]:
    found = []
    for name in LABELS:
        for label in LABELS[name]:
            for m in pattern(label).finditer(text):
                found.append((name, m.start(), m.end()))
    found.sort(key=lambda f: (-(f[2] - f[1]), f[1]))
    chosen: list[tuple[str, int, int]] = []
    for f in found:
        if all(f[2] <= c[1] or f[1] >= c[2] for c in chosen):
            chosen.append(f)
    covered = sum(c[2] - c[1] for c in chosen)
    if covered < len(text.strip()) - 3 and (fuzzy := fuzzy_label(text)):
        # Most of the line is no label: it may be one that OCR garbled.
        return ((fuzzy[0], len(text) - len(text.lstrip()), fuzzy[1]),)
    return tuple(sorted(chosen, key=lambda f: f[1]))


def find_hits(spans: list[Span], field: str) -> list[LabelHit]:
    hits = []
    for span in spans:
        for name, start, end in label_hits(span.text):
            if name == field:
                hits.append(LabelHit(field, span, start, end))
    return hits


def same_row(a: Span, b: Span) -> bool:
    if a.page != b.page:
        return False
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    return overlap > 0.5 * min(a.height, b.height)


def _value_text(text: str) -> tuple[str, int]:
    """``text`` up to the next label, without leading separators; and where it starts."""
    lead = len(text) - len(text.lstrip(_SEPARATORS))
    if lead and text[lead - 1] in "-–" and text[lead:lead + 1].isdigit():
        lead -= 1  # a minus sign, not a dash: "-8,79" on a correction invoice
    elif lead and DOT_MINUS.match(text, lead - 1) and text[: lead - 1].strip(_SEPARATORS) == "":
        lead -= 1  # a scan's minus read as a dot: ".8,79"
    rest = text[lead:]
    hits = label_hits(rest)
    if hits and hits[0][1] == 0 and hits[0][0] in ("seller", "buyer") and re.match(r" +[^\W\d]", rest[hits[0][2]:]):
        # A party word that runs on into a name ("Lieferant GmbH", "Client Services Ltd") is the name.
        hits = hits[1:]
    if hits:
        rest = rest[: hits[0][1]]
    return rest.strip(" \t:：|"), lead


def candidates(hit: LabelHit, spans: list[Span], below_first: bool = False) -> Iterator[Candidate]:
    """Places the value of ``hit`` may be, nearest first (a party's name: below before right)."""
    span = hit.span
    tail, lead = _value_text(span.text[hit.end:])
    if tail:
        start = hit.end + lead
        yield Candidate(tail, span, span.sub_box(start, start + len(tail)), 1.0)
    if below_first:
        yield from _below(hit, spans)
    yield from _right(hit, spans)
    if not below_first:
        yield from _below(hit, spans)


def label_only(hit: LabelHit) -> bool:
    """The line is the label and nothing else (``Bruttosumme``, ``Date :``)."""
    text = hit.span.text
    # "Steuerbetrag in EUR", "Total (EUR)": the currency said in the label is part of it; so is a
    # qualifier in brackets ("Rechnungssumme Netto (excl. USt.)").
    tail = re.sub(r"^\s*(?:in\s+)?\(?[A-Z]{3}\)?\s*:?\s*$|^\s*\([^)\d]*\)?\s*:?\s*$", "", _value_text(text[hit.end:])[0])
    return not text[: hit.start].strip(_SEPARATORS) and not tail


def _right(hit: LabelHit, spans: list[Span]) -> Iterator[Candidate]:
    span = hit.span
    h = span.height
    # Right-aligned values stand far from their label; another block's text stands farther. A line
    # that is a label alone is a form's label column: its value is the next thing on the row,
    # however far (a two-column key/value form, a totals block with amounts flush right).
    reach = float("inf") if label_only(hit) else MAX_RIGHT_GAP * h
    right = sorted((s for s in spans if s is not span and same_row(span, s)
                    and span.box[2] - 0.5 * h <= s.box[0] <= span.box[2] + reach),
                   key=lambda s: s.box[0])
    for s in right[:2]:
        text, lead = _value_text(s.text)
        if text:
            yield Candidate(text, s, s.sub_box(lead, lead + len(text)), 0.95)


def _below(hit: LabelHit, spans: list[Span]) -> Iterator[Candidate]:
    span = hit.span
    h = span.height
    label_box = span.sub_box(hit.start, hit.end)
    below = [s for s in spans if s.page == span.page and s is not span
             and 0 <= s.box[1] - span.box[3] + 0.3 * h < 2.5 * h
             and min(s.box[2], span.box[2]) - max(s.box[0], label_box[0] - h) > 0]
    for s in sorted(below, key=lambda s: (s.box[1], abs(s.box[0] - label_box[0])))[:2]:
        text, lead = _value_text(s.text)
        if text:
            yield Candidate(text, s, s.sub_box(lead, lead + len(text)), 0.85)


def label_rank(hit: LabelHit) -> int:
    """Where the label matched stands in its field's list: specific labels ("Bruttosumme") come
    before generic ones ("Summe"), and a specific label's value is the surer one."""
    found = hit.span.text[hit.start:hit.end]
    return next((k for k, label in enumerate(LABELS[hit.field]) if pattern(label).fullmatch(found)), len(LABELS[hit.field]))


def first_value(hits: list[LabelHit], spans: list[Span], parse: Callable[[str], str | None]) -> tuple[str, Candidate] | None:
    """The first candidate that ``parse`` accepts, trying the most specific label first (then in
    reading order), with its parsed value."""
    for hit in sorted(hits, key=label_rank):
        for cand in candidates(hit, spans):
            value = parse(cand.text)
            if value:
                return value, cand
    return None


def compact(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text).upper()
