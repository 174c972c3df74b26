"""Small tables one under the other, as LibreOffice's help prints them: each in a box drawn as faint as its
row rules, a bold heading above the box, the header in grey, its cells set closer than the rows' gutters
(a web page's column is as wide as its longest cell), the last column filled in the header only. Scanned,
the rules of all three tables are of one length and evenly set, so they made one stack: a heading lay
between two rules like a row, and the tables came out as one. The boxes' sides give them apart
(``row_rules._boxed``), and the header word the OCR read across the first gutter is cut where its ink parts
(``cjk_gutters.cut_at``). Where the scan finds the faint top of a box, the heading above it is no header
(``row_rules._lid``), and a rule found short keeps to its own table's stack (``row_rules._stacks``)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

HEADER = ("音译转写", "本地数字字符", "DBNumX", "日期格式")
TABLES = [("[NatNum5]", [("中文", "中文大写文字", "[DBNum2]"), ("日语", "传统长汉字", "[DBNum3]"), ("朝鲜语", "正式大写文字", "")]),
          ("[NatNum6]", [("中文", "全角文字", "[DBNum3]"), ("日语", "全角文字", ""), ("朝鲜语", "全角文字", "")]),
          ("[NatNum7]", [("中文", "短小写文字", ""), ("日语", "现代短汉字", "[DBNum4]"), ("朝鲜语", "小写文字", "")])]
XS = (70, 120, 200, 262)  # the header's first two cells half a character apart, the rows' a gutter
LEFT, RIGHT, PITCH, SIZE = 62.0, 318.0, 30.0, 11.0
FAINT = (0.91, 0.91, 0.91)


def _rule(page: pymupdf.Page, x0: float, y0: float, x1: float, y1: float) -> None:
    page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=None, fill=FAINT)


def _page(tables: list = TABLES) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    put_mixed(page, 60, 90, "数字格式代码中的本地数字字符：", latin="helv", size=SIZE)
    y = 110.0
    for heading, rows in tables:
        page.insert_text((LEFT, y + 20), heading, fontname="hebo", fontsize=12)
        top = y + 32
        # the box's top edge as faint as the scans show it (a third of the rules' contrast: the header's ground)
        page.draw_rect(pymupdf.Rect(LEFT, top, RIGHT, top + 0.75), color=None, fill=(0.97, 0.97, 0.97))
        for x, text in zip(XS, HEADER):
            page.insert_text((x, top + PITCH / 2 + 4), text, fontname="china-s" if text[0] > "~" else "hebo",
                             fontsize=SIZE, color=(0.55, 0.55, 0.55))
        row_top = top + PITCH
        for k, row in enumerate(rows):
            _rule(page, LEFT, row_top, RIGHT, row_top + 0.75)
            for x, text in zip(XS, row):
                put_mixed(page, x, row_top + PITCH / 2 + 4, text, latin="helv", size=SIZE)
            row_top += PITCH
        _rule(page, LEFT, row_top, RIGHT, row_top + 0.75)
        _rule(page, LEFT, top, LEFT + 0.75, row_top)
        _rule(page, RIGHT - 0.75, top, RIGHT, row_top)
        y = row_top + 12
    return doc.tobytes()


@pytest.mark.parametrize("seed", [2, 3, 4, 5, 6])
def test_boxed_tables_one_under_another_come_out_one_each(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(4, 4)] * 3, params
    for table, (_, rows) in zip(page.tables, TABLES):
        texts = table.texts()
        assert texts[0] == list(HEADER), params
        assert [r[0] for r in texts[1:]] == [r[0] for r in rows], params
        assert [r[1] for r in texts[1:]] == [r[1] for r in rows], params


@pytest.mark.parametrize("seed", [3, 4, 6])
@pytest.mark.parametrize("n", [1, 2])
def test_a_boxed_table_of_one_or_two_rows_is_read(engine, seed, n):
    """Two or three rules (under the header, between the rows, the box's bottom) are too few for a stack
    alone (``row_rules.MIN_RULES``), but every band between them lies inside the box."""
    short = [("[NatNum9]", TABLES[0][1][:n])]
    img, params = scan_like(render_pages(_page(short))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(n + 1, 4)], params
    texts = page.tables[0].texts()
    assert texts[0] == list(HEADER), params
    assert [r[:2] for r in texts[1:]] == [list(r[:2]) for r in short[0][1]], params
