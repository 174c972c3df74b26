"""Tables as cells from born-digital pages (vector rules, text layer) and scans (image rules, OCR words)."""
from __future__ import annotations

import pymupdf

from pipeline.tables.find import tables_from
from pipeline.tables.model import Cell, Table, Token
from pipeline.tables.vector import page_rules, page_words

__all__ = ["Cell", "Table", "Token", "find_pdf_tables"]


def find_pdf_tables(page: pymupdf.Page, dpi: int) -> list[Table]:
    """The tables of a born-digital page, boxes in pixels at ``dpi``."""
    h, v = page_rules(page, dpi)
    return tables_from(page_words(page, dpi), h, v, dpi)
