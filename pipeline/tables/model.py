"""Tables as cells: the per-page contract, plus the word boxes tables are built from.

A table is ``rows`` × ``cols`` with 0-based positions; a cell spanning rows
or columns appears once, at its top-left position. Boxes are
``[x0, y0, x1, y1]`` in the page's pixel grid, like every other box in a
``PageResult``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Box = list[float]


@dataclass(frozen=True)
class Token:
    """A word (or an OCR line piece) with its box; what cells are filled from."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float = 1.0

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


@dataclass
class Cell:
    row: int
    col: int
    text: str
    box: Box
    confidence: float = 1.0
    row_span: int = 1
    col_span: int = 1

    def to_dict(self) -> dict:
        return {"row": self.row, "col": self.col, "row_span": self.row_span, "col_span": self.col_span,
                "text": self.text, "box": [round(v, 2) for v in self.box], "confidence": round(self.confidence, 4)}

    @classmethod
    def from_dict(cls, d: dict) -> "Cell":
        return cls(row=int(d["row"]), col=int(d["col"]), text=d["text"], box=list(d["box"]),
                   confidence=float(d.get("confidence", 1.0)),
                   row_span=int(d.get("row_span", 1)), col_span=int(d.get("col_span", 1)))


@dataclass
class Table:
    rows: int
    cols: int
    box: Box
    cells: list[Cell] = field(default_factory=list)
    header_rows: int = 0

    def to_dict(self) -> dict:
        return {"rows": self.rows, "cols": self.cols, "box": [round(v, 2) for v in self.box],
                "header_rows": self.header_rows, "cells": [c.to_dict() for c in self.cells]}

    @classmethod
    def from_dict(cls, d: dict) -> "Table":
        return cls(rows=int(d["rows"]), cols=int(d["cols"]), box=list(d["box"]),
                   header_rows=int(d.get("header_rows", 0)), cells=[Cell.from_dict(c) for c in d.get("cells", [])])

    def grid(self) -> list[list[Cell | None]]:
        """rows × cols; every position a spanning cell covers holds that cell, empty positions None."""
        out: list[list[Cell | None]] = [[None] * self.cols for _ in range(self.rows)]
        for cell in self.cells:
            for r in range(cell.row, min(self.rows, cell.row + cell.row_span)):
                for c in range(cell.col, min(self.cols, cell.col + cell.col_span)):
                    out[r][c] = cell
        return out

    def texts(self) -> list[list[str]]:
        """The cell texts as a plain rows × cols matrix, a spanning cell's text at its top-left only."""
        out = [[""] * self.cols for _ in range(self.rows)]
        for cell in self.cells:
            out[cell.row][cell.col] = cell.text
        return out
