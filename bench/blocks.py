"""The pieces a generated document is made of, before layout.

Document generators (``documents_en``, ``documents_zh``) produce these; the
corpus lays them out on a page and derives the ground truth from what it
actually drew, so text and truth cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 = document title, 1 = section heading


@dataclass(frozen=True)
class Paragraph:
    text: str  # wrapped to the column width by the layout


@dataclass(frozen=True)
class Lines:
    """Short lines kept as written (address blocks, dates, signatures)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-align these columns, like real invoices


Block = Heading | Paragraph | Lines | Table
