"""A ruled table whose cells hold only an ellipsis of middle dots (`· · ·`), a column of nothing else at its
right, scanned. The page's detector boxes no word for some of the ellipses: their cells came out empty and
the column of dots was dropped as empty, the table one column short. pipeline/tables/empty_cells.py reads
the ink of a ruled cell that holds no word; a cell left blank stays blank."""
from __future__ import annotations
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages
from tests.unit.test_tables_middle_dots import MID, ROWS, _pdf

SEEDS = (0, 1, 2, 3)


def _read(engine, rows, seed):
    img, params = scan_like(render_pages(_pdf(rows))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert len(page.tables) == 1, params
    return page.tables[0].texts(), params


@pytest.mark.parametrize("seed", SEEDS)
def test_every_ellipsis_read_and_its_column_kept(engine, seed):
    rows = [r + (MID,) for r in ROWS]
    got, params = _read(engine, rows, seed)
    assert got == [list(r) for r in rows], params


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_blank_cells_stay_blank(engine, seed):
    rows = [r[:2] + tuple("" if x == MID else x for x in r[2:]) + ("备注" if k == 0 else "",) for k, r in enumerate(ROWS)]
    got, params = _read(engine, rows, seed)
    assert got == [list(r) for r in rows], params
