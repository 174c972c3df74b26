"""A listing, a line `结果:` (or `Result:`), then the table the listing makes (TeX for the Impatient, \\settabs):
the listing's lines are in pieces too (wide gaps beside Chinese in a typewriter face), the one-piece line
between did not break the run, and listing and table came out as one table, its rows the code lines.
A short line of one piece ending in a colon introduces what follows it (pipeline/tables/aligned.py,
``_lead_in``): the run breaks there and the table is the rows under it."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

CODE = ["{\\hsize = 3in \\settabs 3 \\columns", "\\+$1$&  甲  &  第一  \\cr", "\\+$2$&  乙  &  第二  \\cr",
        "\\+$3$&  丙  &  第三  \\cr}"]
ROWS = [("1", "甲", "第一"), ("2", "乙", "第二"), ("3", "丙", "第三")]
SEEDS = (0, 1, 2)


def _pdf(label: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 120.0
    put_mixed(page, 90, y, "例子:", size=10.5)
    for line in CODE:
        y += 15
        put_mixed(page, 100, y, line, latin="cour", size=10.5)
    y += 18
    put_mixed(page, 90, y, label, size=10.5)
    for row in ROWS:
        y += 15
        for x, text in zip((100, 160, 220), row):
            put_mixed(page, x, y, text, latin="tiro", size=10.5)
    y += 30
    put_mixed(page, 90, y, "这个命令的第二种形式是利用样例行中的 & 指示的位置来定义制表符停止位置。", size=10.5)
    return doc.tobytes()


@pytest.mark.parametrize("label", ["结果:", "Result:"])
@pytest.mark.parametrize("seed", SEEDS)
def test_the_table_under_a_lead_in_line_is_its_own(engine, label, seed):
    img, _ = scan_like(render_pages(_pdf(label), 200)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    firsts = [[c.text for c in sorted(t.cells, key=lambda c: c.row) if c.col == 0] for t in page.tables]
    assert ["1", "2", "3"] in firsts, [t.texts() for t in page.tables]
