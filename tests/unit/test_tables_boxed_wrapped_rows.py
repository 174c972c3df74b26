"""A web page's table of two columns of prose in a box drawn as faint as its row rules, as LibreOffice's help
prints it: the header in grey, the cells' lines wrapped, the first column's lines set lower than the second's
(its own line height), and one cell's line ending half a character before the next column. Scanned, two things
lost the table:
- the last row holds more lines than a row of rules around a paragraph may (``row_rules.MAX_LINES``), its two
  columns' lines merged into lines spaced like a heading's: the stack was cut there. A band inside the box is
  a row, whatever it holds (``row_rules._row_runs``);
- the OCR read the close cell's line and the next cell's as one word, so no column parted the rows. A row's
  word is cut at the gutter all the other rows leave (``row_rules._rows_cut``), its characters shared by their
  widths: a slash half a character, a closing mark's ink without its blank (``cjk_gutters._pieces``)."""
from __future__ import annotations

import pymupdf
import pytest

from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

HEADER = ("查找结果", "原因")
# each row: the first column's lines, the second's
ROWS = [(['"7" 返回日期', '"2024-01-01"。'], ["日期字段在这个数据库中没有定义，所以", "只能模拟。为了在内部显示日期，需要", "这个值。"]),
        (['"0.00" 返回所有的标', "准数字字段的记录。"], ["数据库会在内部的数字/货币组合字段中保存", "一个数值。"]),
        (['"12.5" 不能返回', '"12.50"，即使', "选择了选项", "「整个字段」。"],
         ["显示的内容与数据库保存的内容不一致。例", "如，在数据库中，如果数值存放在一个", "类型为「数字/双精度」的字段中，并且", "格式被设置为只显示小数点后面一位，", "那么只能找到其他的值。"])]
LEFT, RIGHT, SIZE, LEAD = 62.0, 440.0, 11.0, 16.0
# the second column starts half a character after the bridged row's first line, the longest of the first column
SPLIT = LEFT + 8 + put_mixed(None, 0, 0, ROWS[1][0][0], latin="helv", size=SIZE) + 5.5
FAINT = (0.9, 0.9, 0.9)


def _page() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    top = 110.0

    def rule(x0: float, y0: float, x1: float, y1: float) -> None:
        page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=None, fill=FAINT)
    for x, text in zip((LEFT + 8, SPLIT), HEADER):
        page.insert_text((x, top + 20), text, fontname="china-s", fontsize=SIZE, color=(0.55, 0.55, 0.55))
    y = top + 30
    for first, second in ROWS:
        rule(LEFT, y, RIGHT, y + 0.75)
        for k, line in enumerate(first):  # set lower by a third of a line: its own line height
            put_mixed(page, LEFT + 8, y + 18 + LEAD / 3 + k * LEAD * 1.05, line, latin="helv", size=SIZE)
        for k, line in enumerate(second):
            put_mixed(page, SPLIT, y + 18 + k * LEAD, line, latin="helv", size=SIZE)
        y += 12 + max(len(first) * LEAD * 1.05 + LEAD / 3, len(second) * LEAD)
    rule(LEFT, y, RIGHT, y + 0.75)
    rule(LEFT, top, LEFT + 0.75, y)
    rule(RIGHT - 0.75, top, RIGHT, y)
    rule(LEFT, top, RIGHT, top + 0.75)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_boxed_table_of_wrapped_prose_is_read_whole(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(4, 2)], params
    texts = page.tables[0].texts()
    assert texts[0] == list(HEADER), params
    assert [_plain(r[0]) for r in texts[1:]] == [_plain("".join(f)) for f, _ in ROWS], params
    assert [_plain(r[1]) for r in texts[1:]] == [_plain("".join(s)) for _, s in ROWS], params


def _plain(text: str) -> str:
    """Without spaces, quotes straight (the page's quote shapes are another step's, pipeline/quote_shapes.py)."""
    return text.replace(" ", "").translate(str.maketrans("“”", '""'))
