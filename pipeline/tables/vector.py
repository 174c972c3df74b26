"""Born-digital pages: rules from the page's vector drawing, words from its text layer."""
from __future__ import annotations

import pymupdf

from pipeline.tables.model import Token
from pipeline.tables.ruled import Segment

THIN = 3.0  # points: a filled rectangle thinner than this is drawn as a rule


def _mapper(page: pymupdf.Page, dpi: int):
    m = page.rotation_matrix * pymupdf.Matrix(dpi / 72.0, dpi / 72.0)
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f

    def to_px(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        xs = (a * x0 + c * y0 + e, a * x1 + c * y1 + e)
        ys = (b * x0 + d * y0 + f, b * x1 + d * y1 + f)
        return min(xs), min(ys), max(xs), max(ys)

    return to_px


THIN_GAP = 0.5  # ems: a blank this wide between two characters of one word is a cell's edge


def page_words(page: pymupdf.Page, dpi: int) -> list[Token]:
    to_px = _mapper(page, dpi)
    return [Token(text, to_px(x0, y0, x1, y1)) for x0, y0, x1, y1, text, *_ in
            page.get_text("words", flags=pymupdf.TEXTFLAGS_TEXT) if text.strip()]


def cell_words(page: pymupdf.Page, dpi: int) -> list[Token]:
    """The page's words as ``page_words`` gives them, but split where a blank of more than THIN_GAP ems lies
    between two characters: a browser writes no space between two cells of a row, so two Chinese cells
    (「颜色值」「颜色名称」) came out one word across the column gutter."""
    to_px = _mapper(page, dpi)
    out: list[Token] = []
    for block in page.get_text("rawdict", flags=pymupdf.TEXTFLAGS_TEXT)["blocks"]:
        for line in block.get("lines", []):
            word: list[dict] = []
            for span in line["spans"]:
                for ch in span["chars"]:
                    if ch["c"].isspace() or word and ch["bbox"][0] - word[-1]["bbox"][2] > THIN_GAP * span["size"]:
                        _flush(word, out, to_px)
                    if not ch["c"].isspace():
                        word.append(ch)
            _flush(word, out, to_px)
    return out


def _flush(word: list[dict], out: list[Token], to_px) -> None:
    if word:
        out.append(Token("".join(ch["c"] for ch in word), to_px(min(ch["bbox"][0] for ch in word),
                                                                 min(ch["bbox"][1] for ch in word),
                                                                 max(ch["bbox"][2] for ch in word),
                                                                 max(ch["bbox"][3] for ch in word))))
        word.clear()


def page_rules(page: pymupdf.Page, dpi: int) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical rules in pixels: stroked lines, rectangle edges, hairline fills."""
    to_px = _mapper(page, dpi)
    h: list[Segment] = []
    v: list[Segment] = []

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        px0, py0, px1, py1 = to_px(x0, y0, x1, y1)
        if py1 - py0 <= THIN * dpi / 72 and px1 - px0 > py1 - py0:
            h.append(Segment(px0, px1, (py0 + py1) / 2))
        elif px1 - px0 <= THIN * dpi / 72 and py1 - py0 > px1 - px0:
            v.append(Segment(py0, py1, (px0 + px1) / 2))

    for path in page.get_drawings():
        stroked = path.get("color") is not None and "s" in (path.get("type") or "")
        if not stroked and not any(item[0] == "re" for item in path["items"]):
            # a filled outline: a rule when thin; else a shape, whose edges are no rules (a code span's shading
            # drawn with rounded corners lined up with the next one's into a table)
            add(*path["rect"])
            continue
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                p, q = item[1], item[2]
                add(min(p.x, q.x), min(p.y, q.y), max(p.x, q.x), max(p.y, q.y))
            elif kind == "re":
                r = item[1]
                if stroked and r.width > THIN and r.height > THIN:
                    for edge in ((r.x0, r.y0, r.x1, r.y0), (r.x0, r.y1, r.x1, r.y1),
                                 (r.x0, r.y0, r.x0, r.y1), (r.x1, r.y0, r.x1, r.y1)):
                        add(*edge)
                else:
                    add(r.x0, r.y0, r.x1, r.y1)
            elif kind == "qu":
                r = item[1].rect
                add(r.x0, r.y0, r.x1, r.y1)
    return h, v
