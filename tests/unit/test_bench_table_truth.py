"""The tables bench's truth from a manual's HTML: DocBook's notes, tips and navigation bars are tables without a
class, a newer DocBook style's tables name their size in their class (``classed_only`` keeps only those)."""
from bench.tables.realdocs import _rows_in_order, html_tables

HTML = """
<table width="100%" summary="Navigation header"><tr><td>上一页</td><td>下一页</td></tr></table>
<table border="0" summary="Note"><tr><td><img src="note.png"></td><td>注意</td></tr>
<tr><td></td><td>请先备份数据。</td></tr></table>
<table class="lt-4-cols lt-7-rows" summary="配置"><tr><th>问题</th><th>回答</th></tr>
<tr><td>LDAP 数据库需要登录吗？</td><td>否</td></tr>
<tr><td colspan="2">其余<br>默认</td></tr></table>
"""


def test_only_classed_tables_are_kept_with_their_spans():
    assert len(html_tables(HTML)) == 3
    (grid,) = html_tables(HTML, classed_only=True)
    assert grid == [[("问题", 1, 1), ("回答", 1, 1)], [("LDAP 数据库需要登录吗？", 1, 1), ("否", 1, 1)],
                    [("其余默认", 1, 2), None]]  # the scorer's spacing: none between Chinese


def test_a_table_broken_over_two_pages_is_not_on_the_page_that_holds_all_its_cells_out_of_order():
    grid = [[("Offset", 1, 1), ("Name", 1, 1)], [("0", 1, 1), ("Col1", 1, 1)], [("4", 1, 1), ("Tab1", 1, 1)]]
    whole = "Offset Name 0 Col1 4 Tab1"
    # the end of one table (its rows 4 and on), then the start of the next, whose cells are the same
    broken = "4 Tab1 30 ... 下一个元素 String Array Offset Name 0 Col1"
    for text, on in ((whole, True), (broken, False)):
        assert _rows_in_order(grid, "".join(text.split())) is on
