"""Tables from born-digital PDF pages: structure and every cell's text against the generated truth."""
from __future__ import annotations

import pymupdf
import pytest

from pipeline.tables import find_pdf_tables
from pipeline.tables.join import join_pages
from tests.factories import EN_TEXT, ZH_TEXT, make_pdf
from tests.table_factories import SpecCell, TableSpec, random_table, table_pdf


def _tables(pdf: bytes, dpi: int = 200):
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return [find_pdf_tables(page, dpi) for page in doc]


def _cells(table) -> list[tuple]:
    return sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in table.cells if c.text)


def _truth_cells(spec: TableSpec) -> list[tuple]:
    return sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in spec.truth()["cells"])


@pytest.mark.parametrize("rules", ["grid", "none", "columns", "header"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("shape", ["plain", "spans", "wraps"])
@pytest.mark.parametrize("seed", [0, 2])
def test_generated_table_is_read_cell_by_cell(rules, lang, shape, seed):
    spec = random_table(seed, lang=lang, rules=rules, spans=shape == "spans", wraps=shape == "wraps")
    [tables] = _tables(table_pdf(spec))
    assert len(tables) == 1, [(t.rows, t.cols) for t in tables]
    table = tables[0]
    assert (table.rows, table.cols, table.header_rows) == (spec.rows, spec.cols, spec.header_rows)
    assert _cells(table) == _truth_cells(spec)


def test_cell_boxes_hold_their_words_and_tile_the_table():
    spec = random_table(1, rules="grid", spans=True)
    [[table]] = _tables(table_pdf(spec))
    x0, y0, x1, y1 = table.box
    area = sum((c.box[2] - c.box[0]) * (c.box[3] - c.box[1]) for c in table.cells)
    assert area == pytest.approx((x1 - x0) * (y1 - y0), rel=0.01)
    for c in table.cells:
        assert x0 - 1 <= c.box[0] < c.box[2] <= x1 + 1 and y0 - 1 <= c.box[1] < c.box[3] <= y1 + 1
        assert c.confidence == 1.0


def test_boxes_follow_the_dpi():
    spec = random_table(1, rules="none")
    [[a]] = _tables(table_pdf(spec), 100)
    [[b]] = _tables(table_pdf(spec), 300)
    assert [round(v * 3) for v in a.box] == pytest.approx([round(v) for v in b.box], abs=4)


def test_multi_line_cells_stay_in_one_row():
    cells = [SpecCell(0, 0, "Item"), SpecCell(0, 1, "Description"), SpecCell(0, 2, "Amount"),
             SpecCell(1, 0, "A-1"), SpecCell(1, 1, "Label printer\nwith stand\nand cable"), SpecCell(1, 2, "1,249.00"),
             SpecCell(2, 0, "A-2"), SpecCell(2, 1, "Thermal ribbons"), SpecCell(2, 2, "86.50"),
             SpecCell(3, 0, "A-3"), SpecCell(3, 1, "Installation,\nsix hours"), SpecCell(3, 2, "570.00")]
    for rules in ("grid", "none", "columns"):
        spec = TableSpec(rows=4, cols=3, cells=cells, rules=rules)
        [[table]] = _tables(table_pdf(spec))
        assert table.texts() == [["Item", "Description", "Amount"],
                                 ["A-1", "Label printer with stand and cable", "1,249.00"],
                                 ["A-2", "Thermal ribbons", "86.50"],
                                 ["A-3", "Installation, six hours", "570.00"]], rules


@pytest.mark.parametrize("rules", ["grid", "none"])
def test_table_across_two_pages_is_joined(rules):
    spec = random_table(4, rules=rules, rows=12)
    pages = _tables(table_pdf(spec, split_after=6))
    assert [len(p) for p in pages] == [1, 1]
    [joined] = join_pages(pages)
    assert (joined.rows, joined.cols) == (spec.rows, spec.cols)
    assert _cells(joined) == _truth_cells(spec)


def test_tables_with_other_columns_are_not_joined():
    first, second = random_table(4, rules="grid", cols=3), random_table(5, rules="grid", cols=4)
    pages = _tables(table_pdf(first)) + _tables(table_pdf(second))
    assert len(join_pages(pages)) == 2


@pytest.mark.parametrize("lines", [EN_TEXT, ZH_TEXT])
def test_prose_has_no_tables(lines):
    [tables] = _tables(make_pdf([{"text": lines}]))
    assert tables == []


def test_two_column_prose_is_not_a_table():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for k, (left, right) in enumerate(zip(EN_TEXT[:12], EN_TEXT[10:22])):
        page.insert_textbox(pymupdf.Rect(56, 60 + 30 * k, 290, 90 + 30 * k), left, fontsize=9)
        page.insert_textbox(pymupdf.Rect(310, 60 + 30 * k, 540, 90 + 30 * k), right, fontsize=9)
    [tables] = _tables(doc.tobytes())
    assert tables == []
