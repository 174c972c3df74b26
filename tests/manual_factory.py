"""A manual page with known structure: running header, title, headings, paragraphs, a bulleted list,
a ruled table with its caption, and a page number; as a born-digital PDF (fonts embedded) or as a scan.

``MANUAL`` is the ground truth: the page's blocks in reading order as (type, text) pairs, the table as
rows of cell texts. Shared by the blocks, Markdown and PDF/A tests.
"""
from __future__ import annotations

import numpy as np
import pymupdf

from tests.factories import degrade, font_path, make_pdf

HEADER = "Docpipe Operator Manual"
TITLE = "Installing the Scanner Service"
H_SETUP = "1 Preparing the host"
H_SETTINGS = "2 Settings"
PARA_1 = [
    "The scanner service reads documents from a watched folder and sends",
    "each page to the recognition workers. Install it on a host that can",
    "reach the database and the message broker before you continue.",
]
LIST = [
    ["Create a service account with write access to the inbox folder."],
    ["Open port 8080 for the web page and the HTTP interface, and keep the",
     "broker port closed to everything outside the private network."],
    ["Check the free disk space: at least 20 GB for the page images."],
]
PARA_2 = [
    "Every setting can also be given as an environment variable. The table",
    "below lists the ones most installations change.",
]
CAPTION = "Table 1: Common settings and their defaults"
TABLE = [
    ["Setting", "Default", "Meaning"],
    ["workers", "2", "Pages read at once"],
    ["dpi", "200", "Rendering resolution"],
    ["retention", "30 days", "How long results are kept"],
]
PARA_3 = [
    "Restart the service after changing a setting so the workers pick it up.",
]
PAGE_NUMBER = "7"

# The page's blocks in reading order: (type, text of its lines joined by spaces).
MANUAL: list[tuple[str, str]] = [
    ("header", HEADER),
    ("heading", TITLE),
    ("heading", H_SETUP),
    ("paragraph", " ".join(PARA_1)),
    *[("list_item", "• " + " ".join(item)) for item in LIST],
    ("heading", H_SETTINGS),
    ("paragraph", " ".join(PARA_2)),
    ("caption", CAPTION),
    ("table", " ".join(" ".join(row) for row in TABLE)),
    ("paragraph", " ".join(PARA_3)),
    ("page_number", PAGE_NUMBER),
]
HEADING_LEVELS = {TITLE: 1, H_SETUP: 2, H_SETTINGS: 2}

_REGULAR, _BOLD = "dvs", "dvsb"


def _fonts(page: pymupdf.Page) -> None:
    page.insert_font(fontname=_REGULAR, fontfile=str(font_path("sans")))
    page.insert_font(fontname=_BOLD, fontfile=str(font_path("sans").with_name("DejaVuSans-Bold.ttf")))


def manual_pdf() -> bytes:
    """The manual page as a born-digital A4 PDF, its fonts embedded."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    _fonts(page)
    left = 72.0
    page.insert_text((left, 40), HEADER, fontname=_REGULAR, fontsize=8)
    y = 100.0
    page.insert_text((left, y), TITLE, fontname=_BOLD, fontsize=20)
    y += 40
    page.insert_text((left, y), H_SETUP, fontname=_BOLD, fontsize=14)
    y += 26
    y = _lines(page, PARA_1, left, y)
    y += 8
    for item in LIST:
        page.insert_text((left + 6, y), "•", fontname=_REGULAR, fontsize=10.5)
        y = _lines(page, item, left + 20, y)
        y += 4
    y += 14
    page.insert_text((left, y), H_SETTINGS, fontname=_BOLD, fontsize=14)
    y += 26
    y = _lines(page, PARA_2, left, y)
    y += 8
    page.insert_text((left, y), CAPTION, fontname=_REGULAR, fontsize=10.5)
    y += 12
    y = _table(page, left, y)
    y += 24
    _lines(page, PARA_3, left, y)
    page.insert_text((297, 805), PAGE_NUMBER, fontname=_REGULAR, fontsize=10)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _lines(page: pymupdf.Page, lines: list[str], x: float, y: float, fs: float = 10.5) -> float:
    for line in lines:
        page.insert_text((x, y), line, fontname=_REGULAR, fontsize=fs)
        y += fs * 1.45
    return y


def _table(page: pymupdf.Page, x0: float, y0: float) -> float:
    widths = [110.0, 80.0, 170.0]
    row_h = 22.0
    shape = page.new_shape()
    for r, row in enumerate(TABLE):
        x = x0
        for c, text in enumerate(row):
            shape.draw_rect(pymupdf.Rect(x, y0 + r * row_h, x + widths[c], y0 + (r + 1) * row_h))
            page.insert_text((x + 6, y0 + r * row_h + 15), text, fontname=_BOLD if r == 0 else _REGULAR,
                             fontsize=10)
            x += widths[c]
    shape.finish(color=(0, 0, 0), width=0.7)
    shape.commit()
    return y0 + len(TABLE) * row_h


def manual_scan_image(dpi: int = 200) -> np.ndarray:
    """The manual page rendered and made to look scanned (grey, slightly blurred and noisy)."""
    with pymupdf.open(stream=manual_pdf(), filetype="pdf") as doc:
        pix = doc[0].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    return degrade(img, blur=0.6, noise=4.0, seed=18)


def manual_scan_pdf(dpi: int = 200) -> bytes:
    """The scanned manual page as an image-only PDF."""
    return make_pdf([{"image": manual_scan_image(dpi), "dpi": dpi}])
