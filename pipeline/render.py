"""Page → 8-bit grey pixels, within the pixel budget.

PDF pages are rasterized by PyMuPDF at the requested DPI, lowered when the
page would exceed ``max_pixels`` (a poster-sized page is read at a lower
resolution rather than running out of memory). Raster inputs are used at
their own resolution (ingest already refused oversized ones).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pymupdf

from pipeline.errors import CorruptFileError, PageTooLargeError
from pipeline.ingest import Document

# Below this the text of a normal page is unreadable; refuse instead.
MIN_DPI = 36


@dataclass(frozen=True)
class RenderedPage:
    image: np.ndarray  # (H, W) uint8 grey
    dpi: int


def fitting_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> int:
    """The highest DPI ≤ ``dpi`` at which the page stays within ``max_pixels``."""
    area_in2 = max(1e-6, (width_pt / 72.0) * (height_pt / 72.0))
    best = int(math.floor(math.sqrt(max_pixels / area_in2)))
    # Rounding of the pixmap size can add a row and a column; stay safely under.
    while best > 1 and math.ceil(width_pt / 72.0 * best) * math.ceil(height_pt / 72.0 * best) > max_pixels:
        best -= 1
    return min(dpi, best)


# MuPDF draws what it can of a damaged page and only warns: these warnings mean part of the
# page's content was never drawn (a truncated file, a missing object), so the page must not
# pass for a blank or complete one.
_CONTENT_LOST = ("cannot load content stream", "object is not a stream", "premature end of data",
                 "cannot find object", "unexpected end of", "read error", "zlib error", "jpeg error",
                 # The page object itself (nested beyond MuPDF's stack, say): MuPDF falls back to a
                 # blank default-size page in its place.
                 "cannot load object", "page tree load failed")


def _check_content_read(page_no: int, warnings: str) -> None:
    lost = [w for w in warnings.splitlines() if any(k in w.lower() for k in _CONTENT_LOST)]
    if lost:
        raise CorruptFileError(f"page {page_no} is damaged: part of its content cannot be read ({lost[0]})",
                               details={"mupdf": lost[:5]})


def render_page(doc: Document, page_no: int, dpi: int) -> RenderedPage:
    if doc.kind != "pdf":
        image = doc.raster_page(page_no)
        return RenderedPage(image=image, dpi=int(round(doc.image_dpi.get(page_no, dpi))))
    pymupdf.TOOLS.reset_mupdf_warnings()  # loading the page object can already lose it
    page = doc.pdf_page(page_no)
    rect = page.rect
    use_dpi = fitting_dpi(rect.width, rect.height, dpi, doc.limits.max_pixels)
    if use_dpi < MIN_DPI:
        raise PageTooLargeError(
            f"page {page_no} is {rect.width / 72:.0f}x{rect.height / 72:.0f} inches; even at {MIN_DPI} DPI "
            f"it exceeds the {doc.limits.max_pixels / 1e6:.0f} MP limit",
            details={"width_pt": rect.width, "height_pt": rect.height},
        )
    try:
        pix = page.get_pixmap(dpi=use_dpi, colorspace=pymupdf.csGRAY, alpha=False)
        _check_content_read(page_no, pymupdf.TOOLS.mupdf_warnings())
    except CorruptFileError:
        raise
    except Exception as exc:
        raise CorruptFileError(f"page {page_no} cannot be rendered: {exc}") from exc
    finally:
        # MuPDF keeps decoded fonts and images in a process-wide store (up to 256 MB);
        # a worker reads one page per task, so that cache only grew its memory
        # (measured by the bench: 176 -> 711 MB over 48 PDF pages; flat when emptied).
        pymupdf.TOOLS.store_shrink(100)
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
    return RenderedPage(image=image, dpi=use_dpi)
