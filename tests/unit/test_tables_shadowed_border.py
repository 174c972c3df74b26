"""A web page's table printed and scanned: light grey rules between the rows and, under the last row, the
table's border with a blurred shadow below it (a CSS box-shadow, as LibreOffice's help draws its tables).
Scanned, that border is a dip a few grey levels deep and a dozen pixels wide: the rows just beside it lie in
the shadow, so the faint-rule finder, which wants paper three pixels off, missed it and the last row was
left out of the table (``pipeline/tables/raster._faint_rules`` looks twice as far off too)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

HEADER = ("音译转写", "本地数字字符", "DBNumX")
ROWS = [("中文", "中文大写文字", "[DBNum2]"), ("日语", "传统长汉字", "[DBNum3]"),
        ("朝鲜语", "正式大写文字", "[DBNum4]"), ("蒙古语", "蒙古语字符", "[DBNum5]")]
XS = (70, 170, 300)
PITCH = 30.0


def _page() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    put_mixed(page, 60, 150, "下表列出了每种语言的本地数字字符及其对应的格式代码：", latin="helv", size=11)
    y = 170.0
    for row in [HEADER, *ROWS]:
        for x, text in zip(XS, row):
            put_mixed(page, x, y + PITCH / 2 + 4, text, latin="helv", size=11)
        y += PITCH
        if row is not ROWS[-1]:
            page.draw_rect(pymupdf.Rect(60, y, 420, y + 0.75), color=None, fill=(0.91, 0.91, 0.91))
    # the border under the last row, its shadow fading below it over about three points
    for k, grey in enumerate((0.91, 0.94, 0.955, 0.97, 0.985)):
        page.draw_rect(pymupdf.Rect(60, y + 0.75 * k, 420, y + 0.75 * (k + 1)), color=None, fill=(grey,) * 3)
    put_mixed(page, 60, y + 40, "这些代码也可以用在日期格式中。", latin="helv", size=11)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_the_last_row_over_a_shadowed_border_is_in_the_table(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(len(ROWS) + 1, 3)], params
    texts = page.tables[0].texts()
    assert [r[0] for r in texts] == [HEADER[0], *(r[0] for r in ROWS)], params
    assert texts[-1][1] == ROWS[-1][1], params
