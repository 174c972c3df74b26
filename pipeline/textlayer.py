"""Use a PDF page's own text when it has a usable one.

Born-digital pages carry exact text; reading it costs milliseconds and
has no recognition errors. A layer counts as usable when it has real
characters (not mostly unmapped glyphs) and the page is not an image with
a few words stamped on it. Boxes are converted from PDF points to the
page's pixels at the rendering DPI, after the page's own /Rotate.
"""
from __future__ import annotations

import time

import pymupdf

from pipeline.blocks import LineStyle, page_blocks
from pipeline.ingest import Document
from pipeline.options import Options
from pipeline.page_text import page_text
from pipeline.page_work import idle_timings
from pipeline.render import fitting_dpi
from pipeline.result import NO_TEXT_LAYER, Line, PageResult, Word
from pipeline.tables import find_pdf_tables
from pipeline.tables.reading import text_with_tables
from pipeline.text_accents import attach_accents, has_accents

MIN_CHARS = 8
MAX_BAD_SHARE = 0.1
# A page mostly covered by images with less text than this is a scan with
# a stamp or header added digitally: OCR it.
SCAN_COVER = 0.5
SCAN_MAX_CHARS = 200


def read_text_layer(doc: Document, page_no: int, options: Options = Options()) -> PageResult | None:
    """The page read from its own text layer when ``options`` would use it, else None (it needs OCR).

    Needs no models, so the service can read the text-layer pages of a
    born-digital file where it splits the file, without an OCR engine.
    """
    t0 = time.perf_counter()
    if doc.kind != "pdf" or options.mode not in ("auto", "text"):
        return None
    page = doc.pdf_page(page_no)
    if options.mode != "text" and not is_usable(page):
        return None
    rect = page.rect  # already the displayed (rotated) size
    dpi = fitting_dpi(rect.width, rect.height, options.dpi, doc.limits.max_pixels)
    lines, styles = extract_styled_lines(page, dpi)
    size = pixel_size(page, dpi)  # what rendering this page at ``dpi`` would give
    t_tables = time.perf_counter()
    tables = find_pdf_tables(page, dpi) if options.tables else []
    extra = {"tables": time.perf_counter() - t_tables} if options.tables else {}
    result = PageResult(
        page_no=page_no,
        width=size[0],
        height=size[1],
        dpi=dpi,
        source="text_layer",
        text=text_with_tables(lines, tables, page_text),
        confidence=1.0 if lines else 0.0,
        lines=lines,
        preprocessing={"rotation": 0, "deskew_angle": 0.0, "clahe": False},
        models={},
        tables=tables,
        warnings=[NO_TEXT_LAYER] if options.mode == "text" and not lines else [],
    )
    result.blocks = page_blocks(result, styles, _picture_boxes(page, dpi))
    elapsed = time.perf_counter() - t0
    result.timings = idle_timings(elapsed, text_layer=elapsed, **extra)
    return result


def _bad(ch: str) -> bool:
    return ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff"


def is_usable(page: pymupdf.Page) -> bool:
    text = "".join(page.get_text("text").split())
    if len(text) < MIN_CHARS:
        return False
    if sum(_bad(c) for c in text) > MAX_BAD_SHARE * len(text):
        return False
    if len(text) < SCAN_MAX_CHARS:
        area = abs(page.rect) or 1.0
        covered = 0.0
        for info in page.get_image_info():
            covered += abs(pymupdf.Rect(info["bbox"]) & page.rect)
        if covered / area > SCAN_COVER:
            return False
    return True


def extract_lines(page: pymupdf.Page, dpi: int) -> list[Line]:
    """The page's text lines, in the PDF's own order, boxes in pixels at ``dpi``."""
    return extract_styled_lines(page, dpi)[0]


def extract_styled_lines(page: pymupdf.Page, dpi: int) -> tuple[list[Line], list[LineStyle]]:
    """The page's text lines and each line's font size (pixels) and weight, for typed blocks.

    Geometry is done on plain floats: PyMuPDF's Python-level Rect and Point
    operations made this the slowest part of reading a born-digital page.
    """
    m = page.rotation_matrix * pymupdf.Matrix(dpi / 72.0, dpi / 72.0)
    to_px = (m.a, m.b, m.c, m.d, m.e, m.f)
    flags = pymupdf.TEXTFLAGS_TEXT
    raw_lines = []
    styles = []
    blocks = page.get_text("dict", flags=flags)["blocks"]
    accented = any(has_accents(span["text"]) for b in blocks for line in b.get("lines", []) for span in line["spans"])
    if accented:  # rare (TeX's \accent); the same extraction with each glyph's box tells which letter an accent is on
        blocks = page.get_text("rawdict", flags=flags)["blocks"]
        for span in (span for b in blocks for line in b.get("lines", []) for span in line["spans"]):
            span["text"] = "".join(c["c"] for c in span["chars"])
    for block_no, block in enumerate(blocks):
        for line in block.get("lines", []):
            text = (_accented_text(line) if accented else "".join(span["text"] for span in line["spans"])).strip()
            if text:
                raw_lines.append((block_no, text, tuple(line["bbox"])))
                styles.append(_style(line["spans"], dpi))
    # Words are attached to the line whose box holds their centre (block
    # numbers of the two extraction modes need not agree). Words come in line
    # order, so the line that took the last word is tried first.
    words: list[list[Word]] = [[] for _ in raw_lines]
    order = list(range(len(raw_lines)))
    last = 0
    for x0, y0, x1, y1, text, *_ in page.get_text("words", flags=flags):
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if accented and has_accents(text):
            text = "".join(attach_accents([(ch, x0, x1) for ch, x0, x1 in _glyphs_in(blocks, (x0, y0, x1, y1))]))
        for k in ([last] + order) if raw_lines else ():
            lx0, ly0, lx1, ly1 = raw_lines[k][2]
            if lx0 <= cx < lx1 and ly0 <= cy < ly1:  # MuPDF's point-in-rect rule
                words[k].append(Word(text=text, confidence=1.0, box=_box((x0, y0, x1, y1), to_px)))
                last = k
                break
    lines = [
        Line(text=text, confidence=1.0, box=_box(rect, to_px), words=words[k], block=block_no)
        for k, (block_no, text, rect) in enumerate(raw_lines)
    ]
    return lines, styles


def _accented_text(line: dict) -> str:
    """A rawdict line's text with its spacing accents on the letters they are drawn over."""
    chars = [(c["c"], c["bbox"][0], c["bbox"][2]) for span in line["spans"] for c in span["chars"]]
    return "".join(attach_accents(chars))


def _glyphs_in(blocks: list[dict], box: tuple[float, float, float, float]) -> list[tuple[str, float, float]]:
    """(char, x0, x1) of the rawdict glyphs whose centre lies in ``box`` (one word), in text order."""
    x0, y0, x1, y1 = box
    return [(c["c"], c["bbox"][0], c["bbox"][2]) for b in blocks for line in b.get("lines", []) for span in line["spans"]
            for c in span["chars"] if x0 <= (c["bbox"][0] + c["bbox"][2]) / 2 <= x1
            and y0 <= (c["bbox"][1] + c["bbox"][3]) / 2 <= y1 and not c["c"].isspace()]


_BOLD_FLAG = 16  # PyMuPDF span flag


def _style(spans: list[dict], dpi: int) -> LineStyle:
    """The size and weight most of the line's characters are set in."""
    inked = [s for s in spans if s["text"].strip()] or spans
    chars = sum(len(s["text"]) for s in inked) or 1
    size = max(inked, key=lambda s: len(s["text"]))["size"]
    bold = sum(len(s["text"]) for s in inked
               if s["flags"] & _BOLD_FLAG or "bold" in s["font"].lower()) > 0.5 * chars
    return LineStyle(size=size * dpi / 72.0, bold=bold)


def _picture_boxes(page: pymupdf.Page, dpi: int) -> list[list[float]]:
    """Boxes (pixels at ``dpi``) of the page's pictures big enough to be figures, not rules or logos."""
    if not page.get_images():  # the resource list is cheap; placing images means interpreting the page
        return []
    m = page.rotation_matrix * pymupdf.Matrix(dpi / 72.0, dpi / 72.0)
    to_px = (m.a, m.b, m.c, m.d, m.e, m.f)
    area = abs(page.rect) or 1.0
    out = []
    for info in page.get_image_info():
        rect = pymupdf.Rect(info["bbox"]) & page.rect
        if abs(rect) >= 0.01 * area and rect.width > 36 and rect.height > 36:
            out.append(_box(tuple(rect), to_px))
    return out


def _box(rect: tuple[float, float, float, float], m: tuple[float, ...]) -> list[float]:
    """The rectangle mapped by the affine matrix ``m``: the box around its four corners, rounded."""
    a, b, c, d, e, f = m
    x0, y0, x1, y1 = rect
    xs = (a * x0 + c * y0 + e, a * x1 + c * y0 + e, a * x0 + c * y1 + e, a * x1 + c * y1 + e)
    ys = (b * x0 + d * y0 + f, b * x1 + d * y0 + f, b * x0 + d * y1 + f, b * x1 + d * y1 + f)
    return [round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)]


def pixel_size(page: pymupdf.Page, dpi: int) -> tuple[int, int]:
    """(width, height) of the page rendered at ``dpi``, as PyMuPDF rounds it."""
    r = (page.rect * pymupdf.Matrix(dpi / 72.0, dpi / 72.0)).irect
    return r.width, r.height
