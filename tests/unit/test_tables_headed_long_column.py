"""A two-column table without rules whose second column holds long text under short headings
(Octave's table of quadrature functions: "Function  Characteristics", then "quad  Low accuracy with
nonsmooth integrands" …). Two columns, one of long text, were taken for prose (a definition list,
numbered clauses, a two-column page) and dropped; such text begins with an item, a table with its
headings, so short headings over the long column now keep it a table. The definition list above it
on the page stays no table."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables import find_pdf_tables
from tests.factories import encode_png
from tests.table_factories import render_pages

TERMS = [("quad", "Numerical integration based on Gaussian quadrature."),
         ("quadv", "Numerical integration using an adaptive vectorized Simpson's rule."),
         ("quadl", "Numerical integration using an adaptive Lobatto rule."),
         ("quadgk", "Numerical integration using an adaptive Gauss-Konrod rule.")]
ROWS = [("Function", "Characteristics"), ("quad", "Low accuracy with nonsmooth integrands"),
        ("quadv", "Medium accuracy with smooth integrands"),
        ("quadl", "Medium accuracy with smooth integrands. Slower than quadgk."),
        ("quadgk", "Medium accuracy (1e-6 to 1e-9) with smooth integrands."),
        ("quadcc", "Low to High accuracy with nonsmooth/smooth integrands")]


def _page() -> bytes:
    """A definition list (items set apart by half a line more than lines), a paragraph, the table (rows
    13 pt apart, headings in bold) and a sentence after it."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 100.0
    for term, text in TERMS:
        page.insert_text((72, y), term, fontname="cour", fontsize=10)
        page.insert_text((130, y), text, fontname="tiro", fontsize=10)
        y += 19
    page.insert_text((72, y + 6), "The best quadrature algorithm to use depends on the integrand.", fontname="tiro",
                     fontsize=10)
    y += 40
    for k, (name, what) in enumerate(ROWS):
        font = "tibo" if k == 0 else "tiro"
        page.insert_text((100, y), name, fontname=font, fontsize=10)
        page.insert_text((170, y), what, fontname=font, fontsize=10)
        y += 13
    page.insert_text((90, y + 6), "Here is an example of using quad to integrate the function.", fontname="tiro",
                     fontsize=10)
    return doc.tobytes()


def _texts(table) -> list[list[str]]:
    return [[c.text if c else "" for c in row] for row in table.grid()]


def test_the_text_layer_reads_the_table_and_not_the_list():
    with pymupdf.open(stream=_page(), filetype="pdf") as doc:
        tables = find_pdf_tables(doc[0], 200)
    assert [_texts(t) for t in tables] == [[list(r) for r in ROWS]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_scan_reads_the_table_and_not_the_list(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(len(ROWS), 2)], (params, [t.texts() for t in page.tables])
    got = _texts(page.tables[0])
    assert [r[0] for r in got] == [r[0] for r in ROWS], got
    assert sum(g[1] == w[1] for g, w in zip(got, ROWS)) >= len(ROWS) - 1, got  # a misread word at most
