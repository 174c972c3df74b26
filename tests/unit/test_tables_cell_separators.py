"""A table whose cells end in an ASCII comma after Chinese (`升级操作是否备份,`), on a page that types its
separators ASCII, scanned: at a cell's end no blank follows the mark for the page's reading to measure, and
the recognizer's `，` stood. pipeline/tables/cell_separators.py follows the page's own separators within its
lines. A page that sets them full-width keeps its cells' `，`."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

ROWS = [("autobackup", "升级操作是否备份,"), ("backupdir", "备份文件的位置,"), ("repository", "默认的软件包仓库,"),
        ("docfiles", "安装文档文件,"), ("srcfiles", "安装源文件,"), ("sys_bin", "可执行文件的目录")]
# the page's prose as tlmgr's manual sets it: ASCII commas, a word space (a third of an em) after them
PROSE = ["(1) 第一种形式列出当前的全局 TeX Live 设置, 带有一个简短的介绍, 每一种设置里括号中的词就是修改这",
         "个设置需要的 key, 比如要修改备份文件的路径可以使用 tlmgr option backupdir [dir].",
         "(2) 第二种形式与第一种很像, 它会在 tlmgr option 的基础上列出可以被设置但是当前没有值的选项,"]
SEEDS = (0, 1, 2)


def _pdf(comma: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 120.0
    for line in PROSE:
        x = 70.0
        for part in line.replace(",", comma).split(" "):
            x += put_mixed(page, x, y, part, latin="tiro", size=10.5) + 3.5
        y += 16
    y += 20
    for first, second in ROWS:
        put_mixed(page, 150, y, first, latin="cour", size=10.5)
        put_mixed(page, 300, y, second.replace(",", comma), latin="tiro", size=10.5)
        y += 16
    return doc.tobytes()


def _second_column(engine, comma: str, seed: int) -> list[str]:
    img, _ = scan_like(render_pages(_pdf(comma), 200)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert page.tables, page.text
    table = max(page.tables, key=lambda t: t.rows)
    return [c.text for c in sorted(table.cells, key=lambda c: c.row) if c.col == table.cols - 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_cells_end_in_the_ascii_comma_the_page_types(engine, seed):
    ends = [t[-1] for t in _second_column(engine, ",", seed) if t.startswith(("升", "备", "默", "安"))]
    assert len(ends) == 5 and set(ends) == {","}, ends


@pytest.mark.parametrize("seed", SEEDS)
def test_a_page_of_full_width_commas_keeps_them_in_its_cells(engine, seed):
    ends = [t[-1] for t in _second_column(engine, "，", seed) if t.startswith(("升", "备", "默", "安"))]
    assert "," not in ends and ends.count("，") >= 4, ends
