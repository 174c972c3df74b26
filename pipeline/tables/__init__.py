"""Tables as cells from born-digital pages (vector rules, text layer) and scans (image rules, OCR words)."""
from __future__ import annotations

import pymupdf

from pipeline.tables.find import tables_from
from pipeline.tables.model import Cell, Table, Token
from pipeline.tables.vector import cell_words, page_rules

__all__ = ["Cell", "Table", "Token", "find_pdf_tables"]


def find_pdf_tables(page: pymupdf.Page, dpi: int) -> list[Table]:
    """The tables of a born-digital page, boxes in pixels at ``dpi``."""
    h, v = page_rules(page, dpi)
    return tables_from(cell_words(page, dpi), h, v, dpi)
