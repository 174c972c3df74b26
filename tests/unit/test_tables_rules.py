"""Ruled tables whose rules are broken (a scan's faded or noisy stretches; rules drawn in pieces)."""
from __future__ import annotations

import pymupdf

from pipeline.tables import find_pdf_tables

ROWS = [("Directory", "Description"), ("man1", "User programs (optional)"), ("man2", "System calls (optional)"),
        ("man3", "Library calls (optional)"), ("man4", "Special files (optional)")]


def test_rule_pieces_that_touch_no_column_rule_still_separate_rows():
    # Rules between rows and one column rule, as the FHS sets its tables; every rule between rows has
    # a gap in the second column, so its right-hand piece touches no other rule.
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    x0, xm, x1, top, h = 100.0, 250.0, 480.0, 100.0, 18.0
    shape = page.new_shape()
    for r in range(len(ROWS) + 1):
        y = top + r * h
        shape.draw_line((x0, y), (xm + 40, y))
        shape.draw_line((xm + 52, y), (x1, y))
    shape.draw_line((xm, top), (xm, top + len(ROWS) * h))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    for r, (a, b) in enumerate(ROWS):
        page.insert_text((x0 + 4, top + r * h + 13), a, fontname="cour", fontsize=10)
        page.insert_text((xm + 4, top + r * h + 13), b, fontname="tiro", fontsize=10)
    (table,) = find_pdf_tables(page, 200)
    assert [[c.text if c else "" for c in row] for row in table.grid()] == [list(r) for r in ROWS]
