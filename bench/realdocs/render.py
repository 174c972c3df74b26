"""A chosen page as images: ``clean`` (the PDF rendered at 200 DPI, greyscale)
and ``scan`` (the same pixels through ``bench.scan.scan_like``), with the line
boxes carried onto both.

Glyphs and lines that are not in the truth (unmapped glyphs, math lines, see
``truth``) and raster images are whitened on the clean render before the scan
is made, so what the page shows and what the truth says agree.
"""
from __future__ import annotations

import io
import zlib

import cv2
import numpy as np
import pymupdf
from PIL import Image

from bench.realdocs.truth import Line, to_pixels
from bench.scan import rotation_matrix, scan_like

DPI = 200
SCAN_ANGLE = (0.3, 1.5)  # degrees, either way
INK = 160  # grey level below which a pixel counts as ink for the mark count


def render_clean(page: pymupdf.Page, lines: list[Line], dpi: int = DPI) -> np.ndarray:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
    # Raster images (screenshots, photos) may show text the text layer does not
    # have; an engine reading it would be charged for it, so they are whitened.
    for info in page.get_image_info():
        x0, y0, x1, y1 = to_pixels(tuple(pymupdf.Rect(info["bbox"]) & page.rect), dpi)
        img[max(0, y0): max(0, y1), max(0, x0): max(0, x1)] = 255
    for line in lines:
        for box in ([line.bbox] if not line.usable else line.masked):
            x0, y0, x1, y1 = to_pixels(box, dpi)
            img[max(0, y0 - 2): y1 + 3, max(0, x0 - 2): x1 + 3] = 255
    return img


def unlabelled_marks(img: np.ndarray, lines: list[Line], dpi: int = DPI) -> int:
    """Ink blobs the size of a glyph lying outside every truth line: symbols drawn
    as vector art, text in figures. An OCR engine may read them; the truth has
    nothing there, so pages with many are left out (``select``)."""
    usable = [l for l in lines if l.usable]
    if not usable:
        return 0
    ink = (img < INK).astype(np.uint8)
    heights = []
    for line in usable:
        x0, y0, x1, y1 = to_pixels(line.bbox, dpi)
        pad = max(2, round(0.25 * line.size * dpi / 72))
        ink[max(0, y0 - pad): y1 + pad, max(0, x0 - pad): x1 + pad] = 0
        heights.append(line.size * dpi / 72)
    em = float(np.median(heights))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    glyphlike = (h >= 0.3 * em) & (h <= 1.6 * em) & (w <= 2.0 * em) & (area >= 12)
    return int(glyphlike.sum())


def scan_variant(clean: np.ndarray, page_id: str) -> tuple[np.ndarray, dict]:
    """The scan variant, seeded by the page id (crc32: stable across runs)."""
    return scan_like(clean, zlib.crc32(page_id.encode()), angle_range=SCAN_ANGLE, uneven_light=True)


def scan_quad(box: list[int], shape: tuple[int, int], angle: float) -> list[list[float]]:
    """A clean-page box's four corners (clockwise from top-left) on the scan."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64)
    moved = corners @ rotation_matrix(shape, angle).T
    return [[round(float(x), 1), round(float(y), 1)] for x, y in moved]


def encode_png(img: np.ndarray, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG", dpi=(dpi, dpi), compress_level=3)
    return buf.getvalue()
