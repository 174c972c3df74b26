"""A table set with narrow gutters on a page of Chinese and Latin (LaTeX Notes' table of PSTricks packages:
`multido  循环语句  pst-eucl  几何函数`). On a scan the OCR's word boxes leave gaps between a Chinese word
and a Latin one about as wide as half such a gutter, so the page's word spaces join every row's Chinese
cell with the Latin cell after it, alike in every row: the phrases then hid the gutter from the step that
cuts phrases at the other rows' cell starts (pipeline/tables/phrases.py), and two columns came out as one."""
from __future__ import annotations
import itertools
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

ROWS = [("multido", "循环语句", "pst-eucl", "几何函数"), ("pst-plot", "函数绘图", "pst-math", "弧度三角函数"),
        ("pst-plot3d", "三维绘图", "pstricks-add", "极坐标")]
PROSE = ["首先要引入 PSTricks 宏包。PSTricks 中缺省长度单位是 1cm，我们也可以用 unit 参数",
         "修改它，比如 xunit 和 yunit 分别设置横向和纵向的单位，runit 设置半径的单位。",
         "绘图命令的参数有 linewidth 和 linecolor 两种，分别设置线宽和颜色，还有 fillstyle",
         "与 fillcolor 设置填充的样式和颜色，dimen 设置线条的位置，arrows 设置箭头。"]
FONTS = {"china-s": pymupdf.Font("china-s"), "tiro": pymupdf.Font("tiro")}


def _mixed(page, x: float, y: float, text: str, size: float = 10.5) -> float:
    """Chinese in a Chinese font, Latin and spaces in Times, as xeCJK sets them; returns the width."""
    x0 = x
    for cjk, run in itertools.groupby(text, key=lambda ch: "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"):
        run, name = "".join(run), "china-s" if cjk else "tiro"
        if page is not None:
            page.insert_text((x, y), run, fontname=name, fontsize=size)
        x += FONTS[name].text_length(run, size)
    return x - x0


def _page(gutter: float = 8.0) -> bytes:
    """Prose, the table (cells left-aligned, ``gutter`` points apart), prose again."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 200.0
    for line in PROSE:
        _mixed(page, 100, y, line)
        y += 18
    y += 20
    widths = [max(_mixed(None, 0, 0, r[c]) for r in ROWS) for c in range(4)]
    for row in ROWS:
        x = 160.0
        for c, text in enumerate(row):
            _mixed(page, x, y, text)
            x += widths[c] + gutter
        y += 16
    y += 20
    for line in PROSE[::-1]:
        _mixed(page, 100, y, line)
        y += 18
    return doc.tobytes()


@pytest.mark.parametrize("seed", [2, 3, 4, 5])
def test_rows_joined_alike_across_a_narrow_gutter_keep_their_columns(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in ROWS]], params


# LaTeX Notes p61 as the table step got it on a scan: the rows' words (the last row's gaps all under twice
# the page's word space, so it was one phrase), under prose whose OCR word boxes leave gaps of about 25 px
WORDS = [("multido", (442, 880, 534, 924)), ("循环语句", (610, 880, 706, 924)), ("pst-eucl", (752, 880, 854, 924)),
         ("几何函数", (964, 880, 1063, 924)),
         ("pst-plot", (437, 930, 528, 974)), ("函数绘图", (615, 930, 712, 974)), ("pst-math", (759, 930, 870, 974)),
         ("弧度三角函数", (960, 930, 1117, 974)),
         ("pst-plot3d", (432, 978, 563, 1026)), ("三维绘图", (612, 978, 713, 1026)), ("pstricks-add", (759, 978, 910, 1026)),
         ("极坐标", (958, 978, 1027, 1026))]


def _prose(top: float, gap: float = 25) -> list:
    from pipeline.tables.model import Token
    out = []
    for k in range(6):
        x = 280.0
        for w in ("首先要引入", "PSTricks", "宏包。PSTricks", "中缺省长度单位是", "1cm，我们也"):
            out.append(Token(w, (x, top + 48 * k, x + 24 * len(w), top + 48 * k + 44), 0.99))
            x += 24 * len(w) + gap
    return out


def test_a_row_all_one_phrase_is_cut_where_the_other_rows_cells_start():
    from pipeline.tables.aligned import aligned_tables
    from pipeline.tables.model import Token
    tokens = [Token(t, b, 0.99) for t, b in WORDS] + _prose(1100)
    assert [t.texts() for t, _ in aligned_tables(tokens, set())] == [[list(r) for r in ROWS]]


# CTeX's manual p26 as the table step got it on a scan: a caption centred over the table covers its gutters,
# and the last row's first two cells, 35 px apart, were one phrase (the page's OCR word gaps about 19 px)
CAPTIONED = [("该选项的默认设置见表", (435, 738, 701, 782)), ("24。", (723, 744, 764, 780)),
             ("表", (694, 810, 702, 852)), ("24", (722, 810, 743, 852)), ("appendix/number", (783, 807, 1005, 855)),
             ("选项的默认设置", (1031, 808, 1211, 855)),
             ("文档类", (717, 879, 776, 929)), ("影响命令", (884, 882, 968, 923)), ("默认值", (1022, 884, 1075, 924)),
             ("article", (708, 936, 770, 974)), ("\\section", (879, 938, 973, 972)), ("\\Alph{section}", (1016, 933, 1195, 975)),
             ("book,", (710, 968, 768, 1013)), ("report", (779, 971, 844, 1017)), ("\\chapter", (879, 979, 974, 1006)),
             ("\\Alph{chapter}", (1015, 972, 1190, 1011))]


def test_a_caption_over_the_table_does_not_hide_its_gutters():
    from pipeline.tables.aligned import aligned_tables
    from pipeline.tables.model import Token
    tokens = [Token(t, b, 0.99) for t, b in CAPTIONED] + _prose(1100, gap=19)
    found = [t.texts() for t, _ in aligned_tables(tokens, set())]
    assert [["文档类", "影响命令", "默认值"], ["article", "\\section", "\\Alph{section}"],
            ["book, report", "\\chapter", "\\Alph{chapter}"]] in found, found
