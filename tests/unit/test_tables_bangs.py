"""An operator table scanned: marks alone in a typewriter face (`||`, `|`, `!`), their meaning beside them.
The recognizer reads a lone `!` as `1` at times; pipeline/tables/bangs.py tells it by its ink (a stroke over
a dot). 1s in Courier, Helvetica and Times stay 1s."""
from __future__ import annotations
import re
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

ROWS = [("Operator", "Meaning"), ("==", "equals"), ("||", "or (the right side only if needed)"), ("|", "or"),
        ("&&", "and"), ("!", "not"), ("^", "exclusive or")]
ONES = [("Value", "Meaning"), ("0", "off"), ("1", "on"), ("11", "both"), ("111", "all three"), ("2", "half")]
SEEDS = (0, 1, 2, 3)


def _pdf(rows, font: str = "cour") -> bytes:
    """Two columns, rules above, below the header and below the last row (booktabs' way)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    pitch, x0, x1, top = 16.0, 90.0, 200.0, 150.0
    for k, (mark, meaning) in enumerate(rows):
        put_mixed(page, x0, top + k * pitch + 12, mark, latin=font, size=11)
        put_mixed(page, x1, top + k * pitch + 12, meaning, latin="tiro", size=11)
    shape = page.new_shape()
    for y in (top, top + pitch + 1, top + len(rows) * pitch + 4):
        shape.draw_line((x0 - 6, y), (460, y))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


def _cells(engine, rows, seed, font="cour"):
    img, params = scan_like(render_pages(_pdf(rows, font))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert len(page.tables) == 1, params
    return [r[0] for r in page.tables[0].texts()], params


@pytest.mark.parametrize("seed", SEEDS)
def test_bang_not_read_as_one(engine, seed):
    got, params = _cells(engine, ROWS, seed)
    assert len(got) == len(ROWS) and got[ROWS.index(("!", "not"))] == "!", (got, params)


@pytest.mark.parametrize("seed,font", [(0, "cour"), (1, "cour"), (0, "helv"), (0, "tiro")])
def test_ones_stay_ones(engine, seed, font):
    got, params = _cells(engine, ONES, seed, font)
    assert not any("!" in g for g in got) and any(re.fullmatch("1+", g) for g in got), (got, params)
