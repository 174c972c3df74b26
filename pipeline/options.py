"""Per-call options and per-document limits: frozen, validated on creation."""
from __future__ import annotations

from dataclasses import dataclass

MODES = ("auto", "ocr", "text")


@dataclass(frozen=True)
class Limits:
    max_pages: int = 2000
    max_pixels: int = 50_000_000  # per image or rendered page

    def __post_init__(self):
        if not isinstance(self.max_pages, int) or self.max_pages < 1:
            raise ValueError(f"max_pages must be a positive integer, got {self.max_pages!r}")
        if not isinstance(self.max_pixels, int) or self.max_pixels < 10_000:
            raise ValueError(f"max_pixels must be an integer >= 10000, got {self.max_pixels!r}")


@dataclass(frozen=True)
class Options:
    mode: str = "auto"  # auto: a PDF page's own text when usable, else OCR; ocr: always OCR; text: only extract
    dpi: int = 200  # rendering resolution for PDF pages (lowered to fit the pixel budget)
    pages: str | None = None  # e.g. "1-3,5"; None = all
    tables: bool = False  # find tables on every page (PageResult.tables)

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if not isinstance(self.dpi, int) or isinstance(self.dpi, bool) or not 50 <= self.dpi <= 600:
            raise ValueError(f"dpi must be an integer between 50 and 600, got {self.dpi!r}")
        if not isinstance(self.tables, bool):
            raise ValueError(f"tables must be true or false, got {self.tables!r}")
        if self.pages is not None:
            from pipeline.pages import parse_page_spec

            parse_page_spec(self.pages, None)  # syntax only; the range is checked per document
