"""A web page's table printed and scanned: light grey row borders (#E8E8E8, as LibreOffice's help draws
them) and nothing between the columns; a first column so narrow that its labels wrap a character a line,
the other cell's two lines set in the row's middle. Scanned, such a rule lies a dozen grey levels under the
paper in noise of as much: neither ink threshold sees it, and the rows came out of the words alone, each
wrapped line a row of its own. ``pipeline/tables/raster.py`` finds such rules by averaging each row of
pixels along them; the rows come from them (``row_rules.py``)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

# (label, the other cell's two lines)
ROWS = [("日期固定", ('<SDFIELD TYPE=DATETIME SDVAL="35843,4239988426"', 'SDNUM="1031;1031;DD/MM/YY">17/02/98')),
        ("日期可变", ("<SDFIELD TYPE=DATETIME", 'SDNUM="1031;1031;DD/MM/YY">17/02/98')),
        ("时间固定", ('<SDFIELD TYPE=DATETIME SDVAL="35843,4240335648"', 'SDNUM="1031;1031;HH:MM:SS">10:10:36')),
        ("时间可变", ("<SDFIELD TYPE=DATETIME", 'SDNUM="1031;1031;HH:MM:SS">10:10:36'))]
LINE = 17.0


def _page() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    put_mixed(page, 60, 150, "下表中是 LibreOffice 可以识别为字段的特殊日期与时间 HTML 标记示例：", latin="helv", size=11)
    y = 170.0
    for label, (first, second) in ROWS:
        pitch = len(label) * LINE + 20
        for k, ch in enumerate(label):
            put_mixed(page, 66, y + 10 + (k + 1) * LINE - 4, ch, latin="helv", size=11)
        put_mixed(page, 90, y + pitch / 2 - 3, first, latin="helv", size=11)
        put_mixed(page, 90, y + pitch / 2 + 14, second, latin="helv", size=11)
        y += pitch
        page.draw_rect(pymupdf.Rect(60, y, 540, y + 0.75), color=None, fill=(0.91, 0.91, 0.91))
    put_mixed(page, 60, y + 40, "文档信息字段", latin="helv", size=14)
    return doc.tobytes()


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_rows_come_from_faint_grey_rules_on_a_scan(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [(t.rows, t.cols) for t in page.tables] == [(len(ROWS), 2)], params
    texts = page.tables[0].texts()
    assert [r[0] for r in texts] == [label for label, _ in ROWS], params
    for got, (_, lines) in zip(texts, ROWS):  # a row's two lines in one cell (a straight quote may read ″)
        assert _plain(got[1]) == _plain("".join(lines)), params


def _plain(text: str) -> str:
    return text.replace(" ", "").replace("″", '"').replace("“", '"').replace("”", '"')
