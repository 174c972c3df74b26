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


@pytest.fixture(scope="module")
def pdf(browser, tmp_path_factory):
    page_html = tmp_path_factory.mktemp("web") / "table.html"
    page_html.write_text(HTML, encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_html.as_uri())
        return page.pdf(format="A4")
    finally:
        page.close()


def test_a_table_ruled_between_rows_only_comes_out_whole_with_its_header(pdf):
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        (table,) = find_pdf_tables(doc[0], 200)
    assert (table.rows, table.cols) == (len(ROWS), 2)
    got = {(c.row, c.col): c.text for c in table.cells}
    assert got[(0, 0)] == "「选项索引」" and got[(0, 1)] == "「应用的选项」"  # the header, above the first rule
    for r, (a, b) in enumerate(ROWS[1:], start=1):
        assert got[(r, 0)] == a
        assert got[(r, 1)].replace(" ", "") == b.replace(" ", "")
