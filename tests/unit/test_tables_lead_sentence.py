"""The sentence leading into a table without rules, set at its paragraph's indent over a narrow first
column (the Asymptote manual's table of Boolean operators: `==  等于`). It fills no cell but the second
column's, so it crossed no column boundary and was taken for a header row with its first cell empty.
It starts in the gutter before that column, left of every cell in it by more than a gutter: no cell of
the table starts there (pipeline/tables/aligned.py, ``_breaks``)."""
from __future__ import annotations

# The Asymptote manual (zh) p64 as the table step got it on a scan: the paragraph's last line (its code
# words set off by gutter-wide gaps, so it starts a run of row candidates), the sentence, the table.
TOKENS = [("指数计算（**", (360, 1048, 524, 1089)), ("与", (543, 1049, 550, 1088)), ("^", (575, 1049, 582, 1088)),
          ("同义）。", (608, 1049, 687, 1089)), ("通常的布尔运算符同样有定义：", (269, 1135, 674, 1178)),
          ("==", (222, 1207, 243, 1250)), ("等于", (379, 1204, 415, 1248)), ("!=", (219, 1262, 236, 1285)),
          ("不等于", (374, 1255, 438, 1289)), ("<", (221, 1310, 224, 1326)), ("小于", (378, 1296, 409, 1340)),
          ("<=", (220, 1356, 238, 1374)), ("小于等于", (376, 1342, 464, 1383)), (">=", (220, 1395, 238, 1422)),
          ("大于等于", (377, 1388, 465, 1429)), (">", (216, 1443, 220, 1468)), ("大于", (377, 1436, 408, 1473)),
          ("&&", (220, 1486, 239, 1516)), ("与（右边参数为条件求值）", (374, 1475, 718, 1519)),
          ("&", (220, 1532, 224, 1560)), ("与", (370, 1528, 383, 1561)), ("||", (223, 1576, 239, 1608)),
          ("或（右边参数为条件求值）", (371, 1567, 700, 1611)), ("|", (219, 1617, 223, 1656)), ("或", (374, 1617, 381, 1656)),
          ("^", (217, 1663, 224, 1706)), ("异或", (374, 1661, 409, 1704)), ("!", (219, 1707, 223, 1748)),
          ("非", (378, 1707, 385, 1748))]


def test_the_sentence_over_the_table_is_no_header_row():
    from pipeline.tables.aligned import aligned_tables
    from pipeline.tables.model import Token
    found = [t.texts() for t, _ in aligned_tables([Token(t, b, 0.99) for t, b in TOKENS], set())]
    ops = [t for t, _ in TOKENS[5::2]]
    assert [[r[0] for r in texts] for texts in found if len(texts[0]) == 2] == [ops], found
