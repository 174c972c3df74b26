"""Tables with known cells, drawn into born-digital PDF pages or rendered and degraded as scans.

A ``TableSpec`` lists its cells (a spanning cell once, at its top-left);
``table_pdf`` lays it out with PyMuPDF (text layer, vector rules),
``table_scan`` renders that page and makes it look scanned. Random specs
come from ``random_table`` with a seed, so tests and the bench share
their ground truth exactly.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

import numpy as np
import pymupdf

RULES = ("grid", "none", "columns", "header")  # every cell edge; no rules; column rules + frame; booktabs-like


@dataclass
class SpecCell:
    row: int
    col: int
    text: str  # "\n" marks where the cell wraps onto its next line
    row_span: int = 1
    col_span: int = 1

    @property
    def truth(self) -> str:
        out = ""
        for part in self.text.split("\n"):
            if out and not (_cjk(out[-1]) and _cjk(part[:1])):
                out += " "
            out += part
        return out


@dataclass
class TableSpec:
    rows: int
    cols: int
    cells: list[SpecCell]
    header_rows: int = 1
    rules: str = "grid"
    fontsize: float = 10.0
    title: str = ""
    after: list[str] = field(default_factory=list)  # paragraph lines under the table
    row_gap: float = 0.8  # room added to a row's lines, in font sizes (texinfo's tables set rows at ~0.2)

    def truth(self) -> dict:
        """The expected table in the page contract's shape, without boxes."""
        return {"rows": self.rows, "cols": self.cols, "header_rows": self.header_rows,
                "cells": [{"row": c.row, "col": c.col, "row_span": c.row_span, "col_span": c.col_span,
                           "text": c.truth} for c in sorted(self.cells, key=lambda c: (c.row, c.col))]}


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _font(text: str) -> str:
    return "china-s" if any(_cjk(ch) for ch in text) else "helv"


_FONTS: dict[str, pymupdf.Font] = {}


def _width(text: str, size: float) -> float:
    name = _font(text)
    if name not in _FONTS:
        _FONTS[name] = pymupdf.Font(name)
    return _FONTS[name].text_length(text, size)


def put_mixed(page: pymupdf.Page | None, x: float, y: float, text: str, latin: str = "cour", size: float = 10) -> float:
    """Write ``text`` at (x, y), its Chinese runs in PyMuPDF's china-s and the rest in ``latin`` (a base-14 name);
    the width it takes. With ``page`` None, only the width."""
    x0 = x
    for cjk, run in itertools.groupby(text, key=_cjk):
        run, name = "".join(run), "china-s" if cjk else latin
        if page is not None:
            page.insert_text((x, y), run, fontname=name, fontsize=size)
        if name not in _FONTS:
            _FONTS[name] = pymupdf.Font(name)
        x += _FONTS[name].text_length(run, size)
    return x - x0


def _layout(spec: TableSpec, x0: float, y0: float):
    """Column edges and row edges in points."""
    fs = spec.fontsize
    pad = fs * (1.0 if spec.rules == "none" else 0.6)
    lead = fs * 1.25
    widths = [0.0] * spec.cols
    heights = [0.0] * spec.rows
    for c in spec.cells:
        lines = c.text.split("\n")
        w = max(_width(s, fs) for s in lines) + 2 * pad
        h = len(lines) * lead + fs * spec.row_gap
        if c.col_span == 1:
            widths[c.col] = max(widths[c.col], w)
        if c.row_span == 1:
            heights[c.row] = max(heights[c.row], h)
    for c in spec.cells:  # spanning cells get room by widening their last column / row
        lines = c.text.split("\n")
        w = max(_width(s, fs) for s in lines) + 2 * pad
        have = sum(widths[c.col:c.col + c.col_span])
        if w > have:
            widths[c.col + c.col_span - 1] += w - have
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y0]
    for h in heights:
        ys.append(ys[-1] + (h or fs * 2))
    return xs, ys, pad, lead


def column_edges(spec: TableSpec, x0: float) -> list[float]:
    """Where ``draw_table`` puts the column edges, in points, for a table drawn at ``x0``."""
    return _layout(spec, x0, 0.0)[0]


def draw_table(page: pymupdf.Page, spec: TableSpec, x0: float, y0: float, rows: range | None = None) -> float:
    """Draw ``spec`` (only ``rows`` of it, when given) with its top-left at (x0, y0); returns the bottom y."""
    rows = rows if rows is not None else range(spec.rows)
    keep = [c for c in spec.cells if c.row in rows]
    sub = TableSpec(rows=len(rows), cols=spec.cols, rules=spec.rules, fontsize=spec.fontsize, row_gap=spec.row_gap,
                    cells=[SpecCell(c.row - rows.start, c.col, c.text, c.row_span, c.col_span) for c in keep])
    full_xs, _, _, _ = _layout(spec, x0, y0)
    _, ys, pad, lead = _layout(sub, x0, y0)
    xs = full_xs  # the same columns on every page the table runs over
    fs = spec.fontsize
    shape = page.new_shape()
    for c in sub.cells:
        cx0, cx1 = xs[c.col], xs[c.col + c.col_span]
        cy0, cy1 = ys[c.row], ys[c.row + c.row_span]
        for k, line in enumerate(c.text.split("\n")):
            # a heading over several columns is centred over them, as documents set them
            left = cx0 + pad if c.col_span == 1 else (cx0 + cx1 - _width(line, fs)) / 2
            page.insert_text((left, cy0 + fs * spec.row_gap / 2 + fs + k * lead), line, fontname=_font(line), fontsize=fs)
        if spec.rules == "grid":
            shape.draw_rect(pymupdf.Rect(cx0, cy0, cx1, cy1))
        if spec.rules == "columns":  # column rules stop at a heading that spans columns
            shape.draw_line((cx0, cy0), (cx0, cy1))
            shape.draw_line((cx1, cy0), (cx1, cy1))
    if spec.rules == "columns":
        shape.draw_rect(pymupdf.Rect(xs[0], ys[0], xs[-1], ys[-1]))
        shape.draw_line((xs[0], ys[spec.header_rows]), (xs[-1], ys[spec.header_rows]))
    if spec.rules == "header":
        for y in (ys[0], ys[min(spec.header_rows, len(ys) - 1)], ys[-1]):
            shape.draw_line((xs[0], y), (xs[-1], y))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return ys[-1]


def _text_lines(page: pymupdf.Page, lines: list[str], x: float, y: float, fs: float = 10.0) -> float:
    for line in lines:
        y += fs * 1.5
        page.insert_text((x, y), line, fontname=_font(line), fontsize=fs)
    return y


def table_pdf(spec: TableSpec, *, split_after: int | None = None) -> bytes:
    """An A4 PDF with a title, the table and a paragraph; with ``split_after`` the rows after that one
    continue on a second page under a repeated header."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = _text_lines(page, [spec.title] if spec.title else [], 56, 50)
    if split_after is None:
        y = draw_table(page, spec, 56, y + 16)
        _text_lines(page, spec.after, 56, y + 10)
    else:
        draw_table(page, spec, 56, y + 16, range(0, split_after + 1))
        page2 = doc.new_page(width=595, height=842)
        draw_table(page2, _header_then(spec, split_after + 1), 56, 60)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _header_then(spec: TableSpec, start: int) -> TableSpec:
    """The header rows followed by rows ``start``.. (what the continuation page shows)."""
    h = spec.header_rows
    cells = [c for c in spec.cells if c.row < h] + [
        SpecCell(c.row - start + h, c.col, c.text, c.row_span, c.col_span) for c in spec.cells if c.row >= start]
    return TableSpec(rows=h + spec.rows - start, cols=spec.cols, cells=cells, header_rows=h,
                     rules=spec.rules, fontsize=spec.fontsize)


def render_pages(pdf: bytes, dpi: int = 200) -> list[np.ndarray]:
    """Each page of ``pdf`` as a grey image at ``dpi``."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        out = []
        for page in doc:
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            out.append(np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy())
        return out


def draw_row_rules(page: pymupdf.Page, x0: float, xm: float, x1: float, top: float, pitch: float, rows: int,
                   *, width: float, grey: float = 0.0) -> None:
    """A rule from ``x0`` to ``x1`` above, between and under ``rows`` rows ``pitch`` points apart, one column
    rule at ``xm``, no frame at the sides."""
    shape = page.new_shape()
    for r in range(rows + 1):
        shape.draw_line((x0, top + r * pitch), (x1, top + r * pitch))
    shape.draw_line((xm, top), (xm, top + rows * pitch))
    shape.finish(color=(grey, grey, grey), width=width)
    shape.commit()


def unruled_rows_pdf(rows: list[tuple[str, ...]], xs: tuple[float, ...], pitch: float, top: float = 300) -> bytes:
    """One A4 page with ``rows`` set at 10 pt in Times, cell k of each row at x = ``xs[k]``, rows ``pitch``
    points apart, no rules (a texinfo @multitable, say)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for r, row in enumerate(rows):
        for x, text in zip(xs, row):
            page.insert_text((x, top + r * pitch), text, fontname="tiro", fontsize=10)
    return doc.tobytes()


EN_WORDS = ("North", "South", "Budget", "Actual", "Revenue", "Cost", "Units", "Price", "Total", "Region",
            "Office", "Paper", "Toner", "Laptop", "Desk", "Chair", "Cable", "Monitor", "Service", "Support")
ZH_WORDS = ("北京", "上海", "广州", "深圳", "收入", "成本", "数量", "单价", "合计", "地区", "办公用品",
            "打印纸", "硒鼓", "笔记本电脑", "办公桌", "服务费", "技术支持", "显示器", "预算", "实际")
EN_HEAD = ("Item", "Region", "Quantity", "Unit price", "Amount", "Status", "Date", "Code")
ZH_HEAD = ("项目", "地区", "数量", "单价", "金额", "状态", "日期", "编号")


def _value(rng: random.Random, lang: str, col: int) -> str:
    kind = col % 3
    if kind == 0:
        words = EN_WORDS if lang == "en" else ZH_WORDS
        n = rng.randint(1, 2)
        return (" " if lang == "en" else "").join(rng.choice(words) for _ in range(n))
    if kind == 1:
        return f"{rng.randint(1, 9999):,}"
    return f"{rng.uniform(0, 5000):.2f}"


def random_table(seed: int, *, lang: str = "en", rules: str = "grid", spans: bool = False,
                 wraps: bool = False, rows: int | None = None, cols: int | None = None) -> TableSpec:
    """A table of 3–5 columns and 4–12 body rows; ``spans`` adds a two-row header with grouped columns,
    ``wraps`` puts two-line text in some cells of the first column."""
    rng = random.Random(seed)
    ncols = cols or rng.randint(3, 5)
    nbody = rows or rng.randint(4, 12)
    heads = list(EN_HEAD if lang == "en" else ZH_HEAD)
    rng.shuffle(heads)
    cells: list[SpecCell] = []
    if spans:
        # row 0: first heading spans both header rows; the others are grouped in pairs over row 1
        cells.append(SpecCell(0, 0, heads[0], row_span=2))
        c = 1
        g = 1
        while c < ncols:
            span = min(2, ncols - c)
            cells.append(SpecCell(0, c, f"{'Group' if lang == 'en' else '分组'} {g}", col_span=span))
            for k in range(span):
                cells.append(SpecCell(1, c + k, heads[(c + k) % len(heads)]))
            c += span
            g += 1
        header = 2
    else:
        cells.extend(SpecCell(0, c, heads[c % len(heads)]) for c in range(ncols))
        header = 1
    for r in range(header, header + nbody):
        for c in range(ncols):
            text = _value(rng, lang, c)
            if wraps and c == 0 and rng.random() < 0.4:
                more = rng.choice(EN_WORDS if lang == "en" else ZH_WORDS)
                text = f"{text}\n{more}"
            cells.append(SpecCell(r, c, text))
    title = "Table 3: quarterly figures by region" if lang == "en" else "表3：各地区季度数据"
    after = (["The figures above are unaudited and may change after the year-end review of all accounts."]
             if lang == "en" else ["以上数据未经审计，年度复核后可能调整，请以正式报告为准。"])
    return TableSpec(rows=header + nbody, cols=ncols, cells=cells, header_rows=header, rules=rules,
                     title=title, after=after)


COLUMN_PROSE = (
    ("The committee met twice in the spring to review the survey results and agreed that the sampling "
     "method should be kept for the next round of the study, with two changes to the forms sent out "
     "to the regional offices before the summer break."),
    ("Each office returned its forms within three weeks and the figures were checked against the "
     "registers held at the central archive before they were entered, so that no sample was counted "
     "twice and none was left out of the totals shown in the table."),
    ("Later chapters describe how the samples were drawn from the registers, how the forms were "
     "designed and tested with a small group of offices, and how the answers were coded for the "
     "analysis. The methods follow the guidance published by the statistical office and the choices "
     "made where that guidance left room are explained in full, with the reasons for each, so that "
     "another team could repeat the study and compare its results with ours without having to guess "
     "at any step of the work described here."),
)


def wrap_to(text: str, width: float, fontsize: float = 10.0, font: str = "tiro") -> list[str]:
    """``text`` broken into lines at most ``width`` points wide in ``font``."""
    lines, cur = [], ""
    for word in text.split():
        joined = f"{cur} {word}".strip()
        if cur and pymupdf.get_text_length(joined, fontname=font, fontsize=fontsize) > width:
            lines.append(cur)
            cur = word
        else:
            cur = joined
    return [*lines, cur] if cur else lines


def column_table_pdf(head: tuple[str, ...] | None, rows: list[tuple[str, ...]], *, full_width: bool = False,
                     pitch: float = 12.0) -> bytes:
    """An A4 page set in two columns of prose (10 pt Times, 13 pt leading), with a small table inside the
    left one between two paragraphs: a header row ruled off, body rows ``pitch`` points apart (12: as
    close as text lines), column rules and a frame; an empty string leaves a cell empty. ``head`` None:
    no table (a plain two-column page). ``full_width``: the table and both paragraphs span the page."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    left, right, width, fs, lead = 56, 313, 226, 10.0, 13.0
    span = 483 if full_width else width
    y = 80.0
    for line in wrap_to(COLUMN_PROSE[0], span):
        page.insert_text((left, y), line, fontname="tiro", fontsize=fs)
        y += lead
    if head is not None:
        y += 14
        ncols = len(head)
        first = 70 if not full_width else 150
        xs = [left, left + first] + [left + first + (span - first) * (k + 1) / (ncols - 1) for k in range(ncols - 1)]
        top = y - fs - 3
        for k, text in enumerate(head):
            page.insert_text((xs[k] + 6, y), text, fontname="tiro", fontsize=fs)
        y += 6
        shape = page.new_shape()
        shape.draw_line((xs[0], y), (xs[-1], y))
        y += lead
        for row in rows:
            for k, text in enumerate(row):
                if text:
                    page.insert_text((xs[k] + 6, y), text, fontname="tiro", fontsize=fs)
            y += pitch
        bottom = y - pitch + 5
        shape.draw_rect(pymupdf.Rect(xs[0], top, xs[-1], bottom))
        for x in xs[1:-1]:
            shape.draw_line((x, top), (x, bottom))
        shape.finish(color=(0, 0, 0), width=0.6)
        shape.commit()
        y = bottom + 20
    for line in wrap_to(COLUMN_PROSE[1], span):
        page.insert_text((left, y), line, fontname="tiro", fontsize=fs)
        y += lead
    if not full_width:
        y = 80.0
        for line in wrap_to(COLUMN_PROSE[2], width):
            page.insert_text((right, y), line, fontname="tiro", fontsize=fs)
            y += lead
    data = doc.tobytes()
    doc.close()
    return data


def wrapped_header_pdf() -> bytes:
    """A page in two columns whose left one holds a small table with a two-row header: two groups
    (``Spring survey``, ``Autumn survey``) over a row of ``low high low high``, and a last column's heading
    wrapped over three lines (``Forms`` / ``sent to`` / ``offices``) centred on both rows."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    left, fs = 56, 10.0

    def put(x0: float, x1: float, y: float, text: str) -> None:  # centred between x0 and x1
        w = pymupdf.get_text_length(text, fontname="tiro", fontsize=fs)
        page.insert_text(((x0 + x1 - w) / 2, y), text, fontname="tiro", fontsize=fs)

    y = 80.0
    for line in wrap_to(COLUMN_PROSE[0], 226):
        page.insert_text((left, y), line, fontname="tiro", fontsize=fs)
        y += 13
    right = 80.0
    for line in wrap_to(COLUMN_PROSE[2], 226):
        page.insert_text((313, right), line, fontname="tiro", fontsize=fs)
        right += 13
    t = y + 16
    xs = [left, left + 50, left + 84, left + 118, left + 152, left + 186, left + 226]
    put(xs[1], xs[3], t, "Spring")
    put(xs[1], xs[3], t + 11, "survey")
    put(xs[3], xs[5], t, "Autumn")
    put(xs[3], xs[5], t + 11, "survey")
    for k, text in enumerate(("Forms", "sent to", "offices")):
        put(xs[5], xs[6], t + 5 + 11 * k, text)
    for k, text in enumerate(("low", "high", "low", "high")):
        put(xs[1 + k], xs[2 + k], t + 33, text)
    y = t + 52
    for row in WRAPPED_HEADER_ROWS:
        for k, text in enumerate(row):
            put(xs[k], xs[k + 1], y, text)
        y += 13
    y += 12
    for line in wrap_to(COLUMN_PROSE[1], 226):
        page.insert_text((left, y), line, fontname="tiro", fontsize=fs)
        y += 13
    data = doc.tobytes()
    doc.close()
    return data


WRAPPED_HEADER_ROWS = [("0.2-0.4", "2", "1", "1", "4", "20"), ("0.5-0.7", "6", "3", "9", "7", "22")]
