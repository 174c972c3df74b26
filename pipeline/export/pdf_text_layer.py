"""Invisible text (PDF render mode 3) placed on each OCR line's box.

The text is written into a scratch PDF with one page per target page, sized
like the target page as it is shown (rotation applied). Its font is subset
there, then each scratch page is laid over its target page as a form
XObject, so the original page's own content and fonts are never rewritten.

Geometry: a page's boxes are pixels of the page as rendered at ``dpi``
(``pipeline.result``), i.e. of the visible page at ``width × height``
pixels, so pixels map to points by ``page width in points / width``: this
also holds when the renderer lowered the DPI to stay within its pixel
budget. Boxes are taken to be already mapped back from any rotation or
deskew the engine applied before recognition (the result contract); a
line's ``polygon``, when given, tilts its text to the polygon's top edge.
"""
from __future__ import annotations

import math
from functools import lru_cache

import pymupdf

from pipeline.result import Line, PageResult

# MuPDF's built-in Droid Sans Fallback: Latin, Greek, Cyrillic and CJK in one
# font shipped inside the PyMuPDF wheel (no system font needed); subset on
# save, so a page costs kilobytes, not the font's 1.7 MB.
_FONT_NAME = "cjk"
_MIN_TILT_DEG = 0.5


@lru_cache(maxsize=1)
def text_font() -> pymupdf.Font:
    return pymupdf.Font(_FONT_NAME)


def _clean(text: str) -> str:
    # Control characters have no glyph and would confuse extraction.
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def _tilt_deg(line: Line, sx: float, sy: float) -> float:
    """Angle of the polygon's top edge in page points (y down), 0 if none."""
    if not line.polygon or len(line.polygon) < 2:
        return 0.0
    (ax, ay), (bx, by) = line.polygon[0][:2], line.polygon[1][:2]
    deg = math.degrees(math.atan2((by - ay) * sy, (bx - ax) * sx))
    return deg if _MIN_TILT_DEG <= abs(deg) <= 45 else 0.0


def place_line(page: pymupdf.Page, line: Line, sx: float, sy: float) -> bool:
    """Write ``line``'s text invisibly over its box; False if nothing to write."""
    text = _clean(line.text)
    x0, y0, x1, y1 = line.box[0] * sx, line.box[1] * sy, line.box[2] * sx, line.box[3] * sy
    width, height = x1 - x0, y1 - y0
    if not text or width <= 0 or height <= 0:
        return False
    font = text_font()
    tilt = _tilt_deg(line, sx, sy)
    if tilt:
        # Along a tilted line the box is taller than the text: use the
        # polygon's own edge lengths instead.
        (ax, ay), (bx, by), _, (dx, dy) = ([p[0] * sx, p[1] * sy] for p in line.polygon[:4])
        width = math.hypot(bx - ax, by - ay)
        height = math.hypot(dx - ax, dy - ay)
        origin = pymupdf.Point(dx, dy)
    else:
        origin = pymupdf.Point(x0, y1)
    # Font size so ascender-to-descender spans the box height; baseline lifted
    # by the descender so descenders stay inside the box.
    fontsize = height / (font.ascender - font.descender)
    lift = pymupdf.Point(0, font.descender * fontsize)
    baseline = origin + (lift * pymupdf.Matrix(tilt) if tilt else lift)
    natural = font.text_length(text, fontsize=fontsize)
    if natural <= 0:
        return False
    # Stretch the text to the box width so selection highlights match the line.
    matrix = pymupdf.Matrix(width / natural, 1)
    if tilt:
        # morph works in PDF space, where y points up: the turn is reversed.
        matrix = matrix * pymupdf.Matrix(-tilt)
    writer = pymupdf.TextWriter(page.rect)
    writer.append(baseline, text, font=font, fontsize=fontsize)
    writer.write_text(page, render_mode=3, morph=(baseline, matrix))
    return True


def text_layer_pdf(pages: list[tuple[pymupdf.Rect, PageResult]]) -> pymupdf.Document:
    """A scratch PDF, one page per ``(visible rect, result)``, holding only the text."""
    scratch = pymupdf.open()
    for rect, result in pages:
        page = scratch.new_page(width=rect.width, height=rect.height)
        sx, sy = rect.width / result.width, rect.height / result.height
        for line in result.lines:
            place_line(page, line, sx, sy)
    scratch.subset_fonts()
    # Reopen from bytes so the streams are compressed before they are copied.
    return pymupdf.open("pdf", scratch.tobytes(garbage=3, deflate=True))
