"""Borderless tables whose rows are set at the text's line pitch (texinfo's @multitable), with a row's
cells broken by hand: ``"NaN", "Infinity",`` / ``"-Infinity"`` beside ``NaN, Inf`` / ``when converted``.
The second line's first word would have fitted on the line above, so nothing in the geometry says wrap
and it came out a row of its own. A cell's line ending in a comma goes on below
(pipeline/tables/aligned.py, ``_goes_on``), unless the column's lines all end so (the commas are then
the cells' own text, as in tlmgr's option list): those stay rows."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

BROKEN = [("Type", "Written as"), ("logical scalar", "Boolean"), ("numeric scalar", "Number"),
          ("NaN, Inf", '"NaN", "Infinity",'), ("when converted", '"-Infinity"'), ("character vector", "String"),
          ("cell array", "Array"), ("struct scalar", "Object")]
TRAILING = [("autobackup", "backups kept,"), ("backupdir", "where backups go,"), ("repository", "the default source,"),
            ("docfiles", "install the manuals,"), ("srcfiles", "install the sources,"), ("sys_bin", "the binaries")]
SEEDS = (0, 1, 2)


def _pdf(rows) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    put_mixed(page, 90, 120, "The values are written as follows when the file is saved:", latin="tiro", size=10)
    y = 150.0
    for left, right in rows:
        put_mixed(page, 110, y, left, latin="tiro", size=10)
        put_mixed(page, 280, y, right, latin="cour", size=10)
        y += 12.5  # the line pitch: rows and a cell's second line alike
    put_mixed(page, 90, y + 20, "Other types are not written and raise an error instead.", latin="tiro", size=10)
    return doc.tobytes()


def _tables(engine, rows, seed):
    img, _ = scan_like(render_pages(_pdf(rows), 200)[0], seed)
    return next(engine.process(encode_png(img), Options(tables=True))).tables


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cell_ending_in_a_comma_goes_on_below(engine, seed):
    tables = _tables(engine, BROKEN, seed)
    assert any(t.rows == 7 and t.cols == 2 for t in tables), [(t.rows, t.cols, t.texts()) for t in tables]
    firsts = [c.text for t in tables for c in t.cells if c.col == 0]
    assert "NaN, Inf when converted" in firsts, firsts


@pytest.mark.parametrize("seed", SEEDS)
def test_a_column_of_cells_ending_in_commas_keeps_its_rows(engine, seed):
    tables = _tables(engine, TRAILING, seed)
    assert any(t.rows == 6 and t.cols == 2 for t in tables), [(t.rows, t.cols, t.texts()) for t in tables]
