"""A package name broken at one of its hyphens by a narrow column (``fonts-crosextra-`` over ``caladea``) is
one name: its wrapped lines join without a space. A cell wrapped at a space keeps the space. Rendered as a
ruled table, scanned and read by the engine; the text layer of the same page goes through the same cell
assembly."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables import find_pdf_tables
from tests.factories import encode_png
from tests.table_factories import SpecCell, TableSpec, render_pages, table_pdf

ROWS = [("Package", "Popularity", "Description"),
        ("fonts-crosextra-\ncaladea", "V:12, I:55", "Metric-compatible serif font"),
        ("ttf-mscorefonts-\ninstaller", "V:30, I:98", "Installer for the core fonts"),
        ("plasma-widgets-\naddons", "V:7, I:40", "Additional widgets"),
        ("GNU\nEmacs", "V:51, I:70", "The extensible editor")]
WANT = ["fonts-crosextra-caladea", "ttf-mscorefonts-installer", "plasma-widgets-addons", "GNU Emacs"]


def _pdf() -> bytes:
    cells = [SpecCell(r, c, text) for r, row in enumerate(ROWS) for c, text in enumerate(row)]
    return table_pdf(TableSpec(rows=len(ROWS), cols=3, cells=cells, title="Table 9.1: fonts", fontsize=10))


def _first_column(table) -> list[str]:
    return [row[0].text if row[0] else "" for row in table.grid()][1:]


def test_text_layer_names_broken_at_a_hyphen_are_whole():
    with pymupdf.open(stream=_pdf(), filetype="pdf") as doc:
        tables = find_pdf_tables(doc[0], 200)
    assert [(t.rows, t.cols) for t in tables] == [(len(ROWS), 3)]
    assert _first_column(tables[0]) == WANT


@pytest.mark.parametrize("seed", [1, 3])
def test_scan_names_broken_at_a_hyphen_are_whole(engine, seed):
    img, params = scan_like(render_pages(_pdf())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == 3]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), 3)], (params, [t.texts() for t in page.tables])
    assert _first_column(found[0]) == WANT, params
