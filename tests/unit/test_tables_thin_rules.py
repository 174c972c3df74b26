"""Thin rules on scans: a table ruled with 0.25-0.3 pt lines (as many typeset manuals draw them), rendered,
degraded like an office scan and read by the real engine. Such a rule is under a pixel wide at 200 DPI;
scaled down further to look for rules it fades and breaks into dashes shorter than a rule."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import draw_row_rules, render_pages

ROWS = [("Command", "Description"), ("csh", "The C shell (optional)"), ("ed", "The ed editor (optional)"),
        ("tar", "The tar archiving utility (optional)"), ("cpio", "The cpio archiving utility (optional)"),
        ("gzip", "The GNU compression utility (optional)"), ("netstat", "The network statistics utility (optional)")]


def _page(width: float) -> bytes:
    """Rules between all rows and one column rule, no frame at the sides; rows set tight (16.5 pt for 10 pt type)."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    x0, xm, x1, top, h = 120.0, 330.0, 540.0, 445.6, 16.5
    draw_row_rules(page, x0, xm, x1, top, h, len(ROWS), width=width)
    for r, (a, b) in enumerate(ROWS):
        page.insert_text((x0 + 4, top + r * h + 12), a, fontname="tibo", fontsize=10)
        page.insert_text((xm + 4, top + r * h + 12), b, fontname="tibo" if r == 0 else "tiro", fontsize=10)
    return doc.tobytes()


@pytest.mark.parametrize("width,seed", [(0.3, 4), (0.25, 1), (0.25, 4)])
def test_thin_rules_on_a_scan_still_make_the_grid(engine, width, seed):
    img, _ = scan_like(render_pages(_page(width))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == 2 and t.rows > 2]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), 2)]
    got = [[" ".join(c.text.split()) if c else "" for c in row] for row in found[0].grid()]
    right = sum(g == w for grow, wrow in zip(got, ROWS) for g, w in zip(grow, wrow))
    assert right >= 0.8 * 2 * len(ROWS), got
