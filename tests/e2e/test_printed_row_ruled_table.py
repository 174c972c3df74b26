"""A web page's table printed to PDF by Debian's Chromium (as LibreOffice's help and other HTML manuals are): a
bottom border under each row and none between columns, no space written between two cells of a row, a header
cell in bold, a long cell wrapped, a paragraph just above; read from the PDF's text layer and vector rules. Here
because it takes the session's browser (a second Playwright session in one process fails)."""
import pymupdf
import pytest

from pipeline.tables import find_pdf_tables

ROWS = [
    ("「选项索引」", "「应用的选项」"),
    ("0", "只忽略嵌套的 SUBTOTAL 与 AGGREGATE 函数"),
    ("1", "只忽略隐藏的行、嵌套的 SUBTOTAL 与 AGGREGATE 函数"),
    ("2", "忽略隐藏的行、错误以及嵌套的 SUBTOTAL 与 AGGREGATE 函数，这一格写得很长很长，在这里折成两行才能放下"),
    ("3", "不忽略"),
    ("4", "只忽略错误"),
]
# LibreOffice's help sets each cell as a paragraph with its margins, a bottom border in light grey, the header
# in bold: rows set farther apart than a cell's wrapped lines, and the header's two cells written with no space
# between them.
HTML = """<html><head><meta charset="utf-8"><style>
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 14px; width: 560px; }
table { border-collapse: collapse; width: 560px; }
td, th { border-bottom: 1px solid #E8E8E8; padding: 0.3em; text-align: left; vertical-align: top; font-size: 1.15rem; }
p { margin: 2px 0 10px 0; } .head { font-weight: bold; } td:first-child { width: 120px; }
</style></head><body><p>选项索引或对值为 0 到 7 的单元格的引用，确定函数范围中忽略的内容。这一段不属于表格。</p>
<table><tr><td><p class="head">%s</p></td><td><p class="head">%s</p></td></tr>%s</table></body></html>""" % (
    *ROWS[0], "".join(f"<tr><td><p>{a}</p></td><td><p>{b}</p></td></tr>" for a, b in ROWS[1:]))


def _printed(browser, tmp_path_factory, html: str) -> bytes:
    """``html`` printed to A4 by the session's Chromium, as a reader prints a web page."""
    page_html = tmp_path_factory.mktemp("web") / "table.html"
    page_html.write_text(html, encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_html.as_uri())
        return page.pdf(format="A4")
    finally:
        page.close()


@pytest.fixture(scope="module")
def pdf(browser, tmp_path_factory):
    return _printed(browser, tmp_path_factory, HTML)


def test_a_table_ruled_between_rows_only_comes_out_whole_with_its_header(pdf):
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        (table,) = find_pdf_tables(doc[0], 200)
    assert (table.rows, table.cols) == (len(ROWS), 2)
    got = {(c.row, c.col): c.text for c in table.cells}
    assert got[(0, 0)] == "「选项索引」" and got[(0, 1)] == "「应用的选项」"  # the header, above the first rule
    for r, (a, b) in enumerate(ROWS[1:], start=1):
        assert got[(r, 0)] == a
        assert got[(r, 1)].replace(" ", "") == b.replace(" ", "")


# Small tables set one under another, each under a heading and with a header row that has no rule above it; a
# table of code spans shaded with rounded corners; a row whose long cell wraps over more lines than a row of a
# table ruled by paragraphs would hold, set in the cell's middle; a note boxed as wide as the table just below it.
# Chromium draws each cell's bottom border on its own, so a row's rule is pieced at the column edges.
NATNUM = [("音译转写", "本地数字字符", "DBNumX", "日期格式"), ("中文", "中文大写文字", "[DBNum2]", ""),
          ("日语", "传统长汉字", "[DBNum3]", ""), ("朝鲜语", "正式大写文字", "", "")]
NATNUM_SHORT = [NATNUM[0], ("朝鲜语", "谚文字符", "", "")]
CODES = [("CYAN", "GREEN"), ("BLACK", "BLUE"), ("MAGENTA", "RED"), ("WHITE", "YELLOW")]
FINDS = [("查找结果", "原因"),
         ('"5" 返回时间 "14:00:00"。', "时间字段在数据库中未被定义，所以必须模拟。为了在内部显示时间「14:00:00」，需要「5」。"
                                   "这一格写得很长很长很长，在这里要折成好几行才能放得下，一行又一行地写下去。"),
         ('"00:00:00" 返回一个标准日期字段的所有记录。', "数据库会在内部的日期/时间组合字段中存储一个日期值。"),
         ('"45.79" 不能返回。', "可以看到的显示内容与内部存储的内容不一致。")]


def _rows(rows, head: bool = True, code: bool = False) -> str:
    def cell(text: str, k: int) -> str:
        if k == 0 and head:
            return f'<td class="h">{text}</td>'
        return f"<td><code>{text}</code></td>" if code else f"<td>{text}</td>"
    return "".join("<tr>" + "".join(cell(t, k) for t in row) + "</tr>" for k, row in enumerate(rows))


STACKED = """<html><head><meta charset="utf-8"><style>
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 14px; width: 600px; }
table { border-collapse: collapse; margin: 4px 0; }
td { border-bottom: 1px solid #E8E8E8; padding: 0.3em 0.5em; vertical-align: middle; font-size: 1.1rem; }
td.h { color: #ABABAB; font-weight: bold; } p.hd { margin: 8px 0 2px 0; font-weight: bold; }
div.note { border: 1px solid #E8E8E8; padding: 1em; margin: 12px 0; }
code { font-family: monospace; background-color: rgba(0,0,0,0.04); border-radius: 2px; padding: 1px 3px; }
</style></head><body>
<p class="hd">[NatNum5]</p><table>%s</table><p class="hd">[NatNum9]</p><table>%s</table>
<p>要设置某个数字格式码区域的颜色，请将下列颜色名称插入方括号中：</p><table>%s</table>
<table style="width: 600px"><col style="width: 150px">%s</table>
<div class="note">如果您需要保留输入数据中的前置零，请为该列应用「文字」格式。</div></body></html>""" % (
    _rows(NATNUM), _rows(NATNUM_SHORT), _rows(CODES, head=False, code=True), _rows(FINDS))


@pytest.fixture(scope="module")
def stacked_pdf(browser, tmp_path_factory):
    return _printed(browser, tmp_path_factory, STACKED)


def _grid(table) -> list[tuple[str, ...]]:
    got = {(c.row, c.col): c.text for c in table.cells}
    return [tuple(got.get((r, c), "") for c in range(table.cols)) for r in range(table.rows)]


def test_tables_drawn_cell_by_cell_come_out_one_by_one_with_their_empty_columns(stacked_pdf):
    with pymupdf.open(stream=stacked_pdf, filetype="pdf") as doc:
        tables = find_pdf_tables(doc[0], 200)
    assert len(tables) == 4
    natnum, short, codes, finds = tables
    assert _grid(natnum) == NATNUM  # the heading above it is not a row; its empty last column is kept
    assert _grid(short) == NATNUM_SHORT  # a header and one row: two rules, pieced at the columns
    assert _grid(codes) == CODES  # the code spans' shading made no table of its own
    assert (finds.rows, finds.cols) == (len(FINDS), 2)  # the wrapped row is one row; the note below is none
    for got, want in zip(_grid(finds), FINDS):
        assert [g.replace(" ", "") for g in got] == [w.replace(" ", "") for w in want]
