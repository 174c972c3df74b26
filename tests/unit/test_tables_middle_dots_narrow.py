"""Middle-dot ellipses (`· · ·`) in narrow ruled cells, scanned (pipeline/tables/middle_dots.py): the column
rule beside a narrow cell falls inside the crop the dots are measured in, broken by the scan into bits one
pixel across, and main took its bits for marks too large or too low to be dots, leaving `...`, `-..` or `..`
as read. Hairlines are left out of the ink now. Ditto marks (`"`) in such cells, which the detector may miss
(the empty-cell reader then measures them as dots), are no dots: their ticks are taller than wide, or two
pieces a dot's width apart; main wrote some as `··`."""
from __future__ import annotations
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages
from tests.unit.test_tables_middle_dots import _pdf as ruled_grid

MID = "· · ·"
ROWS = [("命令", "记录号", "采集人", "科名", "学名", MID), ("\\Collect", "1", MID, MID, MID, MID),
        ("\\Collect", "2", MID, MID, MID, MID), ("\\Collect", "3", MID, MID, MID, MID)]
# main read seeds 2 and 5 wrong (three cells each); the others are guards
SEEDS = (0, 1, 2, 4, 5)


def _pdf(rows) -> bytes:
    """A full grid of thin rules, each cell's text centred with 4 pt of paper each side."""
    return ruled_grid(rows, pad=8, pitch=17.0, baseline=12.5, size=10.5, rule=0.4)


@pytest.mark.parametrize("seed", SEEDS)
def test_middle_dots_in_narrow_ruled_cells(engine, seed):
    img, params = scan_like(render_pages(_pdf(ROWS))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert len(page.tables) == 1, params
    got = page.tables[0].texts()
    assert len(got) == len(ROWS) and all(len(r) == len(ROWS[0]) for r in got), (got, params)
    # every ellipsis of the body's rows as set (the header's, beside Chinese words alone, is not measured)
    assert [r[2:] for r in got[1:]] == [list(r[2:]) for r in ROWS[1:]], (got, params)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_ditto_marks_stay(engine, seed):
    rows = [r[:2] + tuple('"' if x == MID else x for x in r[2:]) for r in ROWS]
    img, params = scan_like(render_pages(_pdf(rows))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    got = [x for t in page.tables for r in t.texts() for x in r]
    assert not any("·" in x for x in got), (got, params)
