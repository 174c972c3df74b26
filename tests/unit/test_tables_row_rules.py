"""A web page's table printed to PDF: a bottom border under each row and none between columns, no space written
between two cells of a row, a header cell wrapped onto two lines, a long cell wrapped. Printed by Debian's
Chromium (as LibreOffice's help and other HTML manuals are), read from the PDF's text layer and vector rules."""
import pymupdf
import pytest
from playwright.sync_api import sync_playwright

from pipeline.tables import find_pdf_tables
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

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


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    page_html = tmp_path_factory.mktemp("web") / "table.html"
    page_html.write_text(HTML, encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_html.as_uri())
        data = page.pdf(format="A4")
        browser.close()
    return data


def test_a_table_ruled_between_rows_only_comes_out_whole_with_its_header(pdf):
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        (table,) = find_pdf_tables(doc[0], 200)
    assert (table.rows, table.cols) == (len(ROWS), 2)
    got = {(c.row, c.col): c.text for c in table.cells}
    assert got[(0, 0)] == "「选项索引」" and got[(0, 1)] == "「应用的选项」"  # the header, above the first rule, wrapped
    for r, (a, b) in enumerate(ROWS[1:], start=1):
        assert got[(r, 0)] == a
        assert got[(r, 1)].replace(" ", "") == b.replace(" ", "")


COLOURS = [("「值」", "「颜色名称」"), ("0", "黑色"), ("128", "蓝色"), ("32768", "绿色"), ("32896", "青色"),
           ("8388608", "红色"), ("8388736", "洋红色"), ("8421376", "黄色"), ("8421504", "灰色"), ("12632256", "浅灰色")]


def _web_table_pdf() -> bytes:
    """The rows of COLOURS as a browser writes them: each cell's text its own run, the header's two runs on one
    line with no space between them, a light grey bar under each row, the longest number a little less than a
    line's height from the next column (LibreOffice's help's colour table)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((70, 80), "以下为 16 种基本颜色的颜色值：", fontname="china-s", fontsize=11)
    top, pitch = 110, 37
    for r, (a, b) in enumerate(COLOURS):
        y = top + r * pitch
        page.insert_text((76, y), a, fontname="helv" if a.isascii() else "china-s", fontsize=11)
        page.insert_text((132, y), b, fontname="china-s", fontsize=11)
        page.draw_rect(pymupdf.Rect(70, y + 14, 330, y + 14.75), color=None, fill=(0.91, 0.91, 0.91))
    return doc.tobytes()


def test_a_row_ruled_table_keeps_its_header_written_as_one_word():
    with pymupdf.open(stream=_web_table_pdf(), filetype="pdf") as doc:
        (table,) = find_pdf_tables(doc[0], 200)
    assert (table.rows, table.cols) == (len(COLOURS), 2)
    got = {(c.row, c.col): c.text for c in table.cells}
    assert [[got[(r, c)] for c in range(2)] for r in range(len(COLOURS))] == [list(row) for row in COLOURS]
