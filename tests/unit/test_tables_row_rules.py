"""A web page's table in a PDF: a bottom border under each row and none between the columns, no space written
between two cells of a row (LibreOffice's help printed), read from the PDF's text layer and vector rules."""
import pymupdf

from pipeline.tables import find_pdf_tables


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
