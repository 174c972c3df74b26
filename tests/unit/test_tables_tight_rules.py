"""Ruled tables on tilted scans whose row rules run tight under the text, as typeset manuals draw them
(Debian's Chinese reference manual): thin grey rules between all rows, one rule between the columns,
Chinese descriptions. Under a line of text the local mean is dark, so a faint rule below it falls under
the mean threshold word by word (seeds 2, 10 fail on that alone); on a page tilted by a degree a thin rule
steps down a pixel every few dozen and breaks into pieces (seeds 1, 8 fail on that alone). Either way the
rows' rules go missing and the descriptions of several rows merge into one cell."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import draw_row_rules, render_pages

ROWS = [("配置文件", "功能"), ("/etc/nologin", "通过（可选）模块限制用户登录"),
        ("/etc/securetty", "通过模块限制根用户访问终端"), ("/etc/security/access.conf", "通过（访问）模块设置访问限制"),
        ("/etc/security/group.conf", "通过模块设置基于组的限制"), ("/etc/security/pam_env.conf", "通过（环境）模块设置环境变量"),
        ("/etc/environment", "通过带有参数的模块设置额外的环境变量"), ("/etc/security/limits.conf", "通过模块设置资源限制（可选）"),
        ("/etc/security/time.conf", "通过模块设置时间限制")]


def _page(grey: float) -> bytes:
    """Rows 13 pt apart for 10 pt type: the text sits a point or two above the rule under it."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    x0, xm, x1, top, h = 60.0, 230.0, 540.0, 300.0, 13.0
    draw_row_rules(page, x0, xm, x1, top, h, len(ROWS), width=0.4, grey=grey)
    for r, (a, b) in enumerate(ROWS):
        y = top + r * h + 11.2
        page.insert_text((x0 + 3, y), a, fontname="china-s" if r == 0 else "cour", fontsize=10)
        page.insert_text((xm + 3, y), b, fontname="china-s", fontsize=10)
    return doc.tobytes()


@pytest.mark.parametrize("grey,seed", [(0.3, 1), (0.3, 2), (0.3, 8), (0.3, 10)])
def test_tight_row_rules_on_a_tilted_scan_keep_every_row(engine, grey, seed):
    img, params = scan_like(render_pages(_page(grey))[0], seed, angle_range=(1.0, 1.3))
    page = next(engine.process(encode_png(img), Options(tables=True)))
    found = [t for t in page.tables if t.cols == 2 and t.rows > 2]
    assert [(t.rows, t.cols) for t in found] == [(len(ROWS), 2)], params
    got = [[c.text if c else "" for c in row] for row in found[0].grid()]
    # each description in its own row's cell, not merged with the rows below (OCR may misread a character)
    own = sum(w[1][:2] in g[1] and len(g[1]) < 1.5 * len(w[1]) for g, w in zip(got, ROWS))
    assert own >= len(ROWS) - 1, got
