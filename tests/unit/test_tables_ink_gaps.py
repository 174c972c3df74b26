"""A table of Chinese cells with Latin names set one word space apart (LibreOffice's help, printed by a
browser: ``只忽略嵌套的 SUBTOTAL 与 AGGREGATE 函数``). On a scan the OCR's word boxes end inside the
glyphs' ink, a lone Chinese character's by a third of its width each side, so such a word space looked
as wide as a gutter: the cell fell into pieces like a row of columns, and a line of prose above the
table into pieces like a row too (pipeline/tables/ink_gaps.py measures those gaps on the ink)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

ROWS = [("选项索引", "应用的选项"), ("0", "只忽略嵌套的 SUBTOTAL 与 AGGREGATE 函数"),
        ("1", "只忽略隐藏的行、嵌套的 SUBTOTAL 与 AGGREGATE 函数"), ("2", "只忽略错误、嵌套的 SUBTOTAL 与 AGGREGATE 函数"),
        ("3", "不忽略"), ("4", "只忽略隐藏的行与错误")]
PROSE = ["必填参数。选项索引或对值为 0 到 7 的单元格的引用，确定函数范围内要忽略的值。",
         "如果 Function 为 1 到 13，选项索引按下表处理，其余值不会被计入。"]


def _page() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 200.0
    for line in PROSE:
        put_mixed(page, 80, y, line, latin="helv", size=10.5)
        y += 20
    y += 16
    for row in ROWS:
        put_mixed(page, 80, y, row[0], latin="helv", size=10.5)
        put_mixed(page, 160, y, row[1], latin="helv", size=10.5)
        y += 22
    y += 16
    for line in PROSE:
        put_mixed(page, 80, y, line, latin="helv", size=10.5)
        y += 20
    return doc.tobytes()


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_word_spaces_in_chinese_cells_are_not_gutters(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(len(ROWS), 2)], params
    texts = page.tables[0].texts()
    assert texts[0] == list(ROWS[0]) and all("SUBTOTAL 与 AGGREGATE" in r[1] for r in texts[1:4]), params
