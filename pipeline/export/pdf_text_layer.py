"""Invisible text (PDF render mode 3) placed on each OCR line's box.

The text is written into a scratch PDF with one page per target page, sized
like the target page as it is shown (rotation applied). Its font is subset
there, then each scratch page is laid over its target page as a form
XObject, so the original page's own content and fonts are never rewritten.

Each line is one ``Tj`` in the font's glyph ids (one per word when the
engine gave word boxes), sized so ascender to descender spans the box
height and stretched (``Tz``) to the box width, so selection and search
highlights cover the text as printed. The operators are written
directly, not through one PyMuPDF TextWriter per line, so a page keeps one
content stream and one font resource, which is much faster on full pages.

Geometry: a page's boxes are pixels of the page as rendered at ``dpi``,
before any rotation or deskew the engine applied internally (the contract
in ``pipeline/__init__.py``), i.e. pixels of the visible page; they map to
points by ``page width in points / width``, which also holds when the
renderer lowered the DPI to stay within its pixel budget. Text runs along
a line's ``polygon`` (its points in reading order, as the engine gives
them), so tilted scans and pages the engine read turned by 90/180/270°
get text that reads along their lines; a line without a polygon runs in
the direction of the page's ``preprocessing["rotation"]``.
"""
from __future__ import annotations

import math
from functools import lru_cache

import pymupdf

from pipeline.export.geometry import LEVEL_TOLERANCE_DEG, reading_quad
from pipeline.result import Line, PageResult

# MuPDF's built-in Droid Sans Fallback: Latin, Greek, Cyrillic and CJK in one
# font shipped inside the PyMuPDF wheel (no system font needed); subset on
# save, so a page costs kilobytes, not the font's 1.7 MB.
_FONT_NAME = "cjk"
_FONT_RESOURCE = "DpOcr"


@lru_cache(maxsize=1)
def text_font() -> pymupdf.Font:
    return pymupdf.Font(_FONT_NAME)


@lru_cache(maxsize=65536)
def _glyph(ch: str) -> tuple[int, float]:
    """Glyph id (0 if the font lacks it) and advance at font size 1."""
    font = text_font()
    return font.has_glyph(ord(ch)), font.glyph_advance(ord(ch))


def _glyphs(text: str) -> list[tuple[int, float]]:
    # Glyphs the font lacks would extract as nothing; leave them out.
    return [(gid, adv) for gid, adv in (_glyph(ch) for ch in text if ch.isprintable()) if gid]


def _hex(glyphs: list[tuple[int, float]]) -> str:
    return "<" + "".join(f"{gid:04x}" for gid, _ in glyphs) + ">"


def _fontsize(height: float) -> float:
    # Ascender to descender spans the box height.
    font = text_font()
    return height / (font.ascender - font.descender)


def _baseline(left_bottom: tuple[float, float], fontsize: float, angle: float) -> tuple[float, float]:
    """The baseline's start: the descender's depth above the text's
    bottom-left corner, measured across the (possibly turned) text."""
    rad = math.radians(angle)
    depth = -text_font().descender * fontsize
    return left_bottom[0] + depth * math.sin(rad), left_bottom[1] - depth * math.cos(rad)


def _run(text: str, left_bottom: tuple[float, float], width: float, height: float,
         angle: float, page_height: float) -> str | None:
    """Operators writing ``text`` stretched over ``width`` × ``height`` from
    ``left_bottom`` (y down) at ``angle`` degrees (clockwise as seen)."""
    glyphs = _glyphs(text)
    natural = sum(adv for _, adv in glyphs)
    if not glyphs or natural <= 0 or width <= 0 or height <= 0:
        return None
    fontsize = _fontsize(height)
    base_x, base_y = _baseline(left_bottom, fontsize, angle)
    cos, sin = math.cos(math.radians(-angle)), math.sin(math.radians(-angle))  # PDF space: y up
    return (
        f"/{_FONT_RESOURCE} {fontsize:.4f} Tf {100.0 * width / (natural * fontsize):.4f} Tz "
        f"{cos:.6f} {sin:.6f} {-sin:.6f} {cos:.6f} {base_x:.3f} {page_height - base_y:.3f} Tm {_hex(glyphs)} Tj"
    )


def _word_runs(line: Line, sx: float, sy: float, page_height: float) -> str | None:
    """The words of a straight line, each stretched over its own box, with a
    space stretched over each gap: search hits highlight the word as printed,
    and readers still see one unbroken line with real spaces."""
    words = [w for w in line.words if w.text.strip()]
    if not words or " ".join(w.text.strip() for w in words) != " ".join(line.text.split()):
        return None
    space = _glyphs(" ")
    top, bottom = line.box[1] * sy, line.box[3] * sy
    if bottom <= top or not space:
        return None
    fontsize = _fontsize(bottom - top)
    ops = [f"/{_FONT_RESOURCE} {fontsize:.4f} Tf"]
    for i, word in enumerate(words):
        glyphs = _glyphs(word.text.strip())
        natural = sum(adv for _, adv in glyphs) * fontsize
        x0, x1 = word.box[0] * sx, word.box[2] * sx
        # The line's own ends come from detection, tighter than word ends
        # estimated from character positions: the words fill the line.
        if i == 0:
            x0 = line.box[0] * sx
        if i == len(words) - 1:
            x1 = line.box[2] * sx
        if not glyphs or natural <= 0 or x1 <= x0:
            return None
        base_x, base_y = _baseline((x0, bottom), fontsize, 0.0)
        ops.append(f"{100.0 * (x1 - x0) / natural:.4f} Tz 1 0 0 1 {base_x:.3f} {page_height - base_y:.3f} Tm "
                   f"{_hex(glyphs)} Tj")
        if i < len(words) - 1:
            # The space continues where the word ended and reaches the next word.
            gap = max(words[i + 1].box[0] * sx - x1, 0.05 * fontsize)
            ops.append(f"{100.0 * gap / (space[0][1] * fontsize):.4f} Tz {_hex(space)} Tj")
    return " ".join(ops)


def line_operators(line: Line, sx: float, sy: float, page_height: float, rotation: int = 0) -> list[str]:
    """PDF text operators writing ``line`` over its box (none if it has no text).

    ``sx``/``sy`` turn the result's pixels into points (y down, as PyMuPDF
    measures); ``page_height`` flips y into PDF space (y up). Text runs along
    the line's polygon (or along ``rotation`` when it has none); a line off
    the horizontal by less than half a degree is set straight into its box,
    word by word when it has word boxes.
    """
    if not line.text.strip():
        return []
    (ax, ay), (bx, by), _, (dx, dy) = ((x * sx, y * sy) for x, y in reading_quad(line, rotation))
    angle = math.degrees(math.atan2(by - ay, bx - ax))
    width, height = math.hypot(bx - ax, by - ay), math.hypot(dx - ax, dy - ay)
    if abs(angle) < LEVEL_TOLERANCE_DEG or width <= 0 or height <= 0:
        words = _word_runs(line, sx, sy, page_height)
        if words:
            return [words]
        x0, y0, x1, y1 = line.box[0] * sx, line.box[1] * sy, line.box[2] * sx, line.box[3] * sy
        angle, width, height, (dx, dy) = 0.0, x1 - x0, y1 - y0, (x0, y1)
    run = _run(line.text.strip(), (dx, dy), width, height, angle, page_height)
    return [run] if run else []


def text_layer_pdf(pages: list[tuple[pymupdf.Rect, PageResult]]) -> pymupdf.Document:
    """A scratch PDF, one page per ``(visible rect, result)``, holding only the text."""
    scratch = pymupdf.open()
    font_xref = 0
    for rect, result in pages:
        page = scratch.new_page(width=rect.width, height=rect.height)
        if not font_xref:
            font_xref = page.insert_font(fontname=_FONT_RESOURCE, fontbuffer=text_font().buffer)
        # Every page points at the one font object.
        scratch.xref_set_key(page.xref, "Resources", f"<</Font <</{_FONT_RESOURCE} {font_xref} 0 R>> >>")
        sx, sy = rect.width / result.width, rect.height / result.height
        rotation = int(result.preprocessing.get("rotation", 0) or 0)
        ops = [op for line in result.lines for op in line_operators(line, sx, sy, rect.height, rotation)]
        if ops:
            xref = scratch.get_new_xref()
            scratch.update_object(xref, "<<>>")
            scratch.update_stream(xref, ("BT 3 Tr\n" + "\n".join(ops) + "\nET").encode("ascii"))
            page.set_contents(xref)
    scratch.subset_fonts()
    # Reopen from bytes so the streams are compressed before they are copied.
    return pymupdf.open("pdf", scratch.tobytes(garbage=3, deflate=True))
