"""The published tables' truth: HTML tables read as grids, DocBook's notes and navigation left out."""
from bench.tables.realdocs import html_tables

HTML = """
<table border="0" summary="Note"><tr><td>Note</td><td>a tip, not a table</td></tr></table>
<table class="table" border="1"><thead><tr><th>软件包</th><th>大小</th></tr></thead>
<tbody><tr><td rowspan="2"><code>mc</code></td><td>1,542</td></tr><tr><td>空</td></tr></tbody></table>
<table width="100%" summary="Navigation footer"><tr><td>上一页</td><td>下一页</td></tr></table>
"""


def test_only_the_tables_of_the_class_are_kept_with_their_spans():
    (grid,) = html_tables(HTML, only_class="table")
    assert grid == [[("软件包", 1, 1), ("大小", 1, 1)], [("mc", 2, 1), ("1,542", 1, 1)], [None, ("空", 1, 1)]]
    assert len(html_tables(HTML)) == 3
