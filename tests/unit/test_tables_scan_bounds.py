"""Where an unruled table ends on a scan: generated tables rendered, degraded like an office scan, read
by the real engine, with a numbered heading under them whose words fall into the table's columns."""
from __future__ import annotations
import dataclasses
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables import find_pdf_tables
from tests.factories import encode_png
from tests.table_factories import column_edges, draw_table, random_table, render_pages


def _page(spec, gap: float) -> bytes:
    """The table, then a heading set like a manual's ("3.2", a quad, its title: the title starts
    where the table's second column does) and a paragraph."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    bottom = draw_table(page, spec, 56, 80)
    xs = column_edges(spec, 56)
    page.insert_text((56, bottom + gap), "3.2", fontname="hebo", fontsize=13)
    page.insert_text((xs[1] + 10, bottom + gap), "Notes", fontname="hebo", fontsize=13)
    page.insert_text((56, bottom + gap + 22), "The figures above are unaudited and may change after the review.",
                     fontname="helv", fontsize=10)
    return doc.tobytes()


def _matches(table, spec) -> float:
    truth = {(c["row"], c["col"]): "".join(c["text"].split()) for c in spec.truth()["cells"]}
    got = {(c.row, c.col): "".join(c.text.split()) for c in table.cells}
    return sum(got.get(k) == v for k, v in truth.items()) / len(truth)


@pytest.mark.parametrize("seed,row_gap,gap", [(1, 0.4, 24), (4, 0.4, 24), (3, 0.8, 30)])
def test_heading_under_an_unruled_scanned_table_is_not_a_row(engine, seed, row_gap, gap):
    # OCR line boxes are padded: the table's rows overlap and the heading's lead looks like theirs;
    # only the pitch shows the heading set apart. Rows as tight as texinfo's, and as the bench's.
    spec = dataclasses.replace(random_table(seed, rules="none"), row_gap=row_gap)
    pdf = _page(spec, gap)
    img, _ = scan_like(render_pages(pdf)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == spec.cols]
    assert [(t.rows, t.cols) for t in found] == [(spec.rows, spec.cols)]
    assert _matches(found[0], spec) >= 0.8
    assert not any("Notes" in c.text for c in found[0].cells)
    # the text layer of the same page reads the same table
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        [table] = [t for t in find_pdf_tables(doc[0], 200) if t.cols == spec.cols]
    assert (table.rows, _matches(table, spec)) == (spec.rows, 1.0)


PROSE = ("The interpreter property can take three values and determines the manner in which special control "
         "sequences in the text are rendered. Besides special glyphs, the formatting of the text can be changed "
         "within the string by using the codes listed below, which may be used in conjunction with braces to "
         "limit the change to a part of the string, for example a single word or the label of an axis.")


def _between_prose(spec) -> bytes:
    """A justified paragraph in a narrow measure (wide word spaces), the table right under it, another after."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(56, 40, 330, 300), PROSE + " " + PROSE, fontname="tiro", fontsize=10,
                        align=pymupdf.TEXT_ALIGN_JUSTIFY)
    bottom = draw_table(page, spec, 80, 211)
    page.insert_textbox(pymupdf.Rect(56, bottom + 6, 330, bottom + 260), PROSE + " " + PROSE, fontname="tiro",
                        fontsize=10, align=pymupdf.TEXT_ALIGN_JUSTIFY)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [11, 13])
def test_unruled_scanned_table_between_justified_paragraphs(engine, seed):
    # OCR word boxes are narrower than the ink: a justified line's word spaces look as wide as a
    # gutter, the paragraph's lines split into pieces like rows, and the table was lost among them.
    spec = dataclasses.replace(random_table(seed, rules="none", cols=2), row_gap=0.4)
    pdf = _between_prose(spec)
    img, _ = scan_like(render_pages(pdf)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(spec.rows, spec.cols)]
    assert _matches(page.tables[0], spec) >= 0.8
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert [(t.rows, t.cols, _matches(t, spec)) for t in find_pdf_tables(doc[0], 200)] == \
               [(spec.rows, spec.cols, 1.0)]
