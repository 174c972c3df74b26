"""The sentence leading into a table without rules, set at its paragraph's indent over a narrow first
column (the Asymptote manual's table of Boolean operators: `==  等于`). It fills no cell but the second
column's, so it crossed no column boundary and was taken for a header row with its first cell empty.
It starts in the gutter before that column, left of every cell in it by more than a gutter: no cell of
the table starts there (pipeline/tables/aligned.py, ``_breaks``). So does the paragraph after an indented
table, at the text's margin."""
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


# TeX for the Impatient (zh) p28 as the table step got it on a scan (to a tenth of a pixel: the line after the table
# was taken as a row at these positions, not at whole pixels): an indented table of terms, then the
# paragraph after it at the text's margin, its CJK-Latin gaps as wide as gutters (each line in pieces)
TERMS = [('体标明它的类型：', (311.6, 254.5, 509.0, 281.5)), ('⟨argument⟩', (424.7, 288.1, 553.4, 324.9)),
         ('单个记号或者放在花括号中的—一些文本', (593.7, 284.2, 1042.8, 325.9)), ('⟨charcode⟩', (426.0, 328.7, 546.8, 361.4)),
         ('字符码，即在', (595.9, 326.5, 739.0, 361.3)), ('0', (766.0, 327.2, 772.0, 360.1)),
         ('到', (793.5, 327.1, 799.4, 360.0)), ('255', (826.4, 326.8, 859.8, 360.0)),
         ('之间的整数', (881.4, 326.0, 997.1, 360.4)), ('⟨dimen⟩', (426.0, 367.0, 513.6, 401.7)),
         ('尺寸，即长度', (597.6, 367.3, 739.2, 400.0)), ('⟨glue⟩', (424.0, 407.4, 489.8, 442.1)),
         ('粘连（有可选的伸展值和收缩值）', (601.0, 405.2, 991.7, 441.8)), ('⟨number⟩', (425.1, 446.1, 531.8, 478.9)),
         ('可带符号的整型值（整数）', (596.9, 443.3, 905.0, 478.0)), ('⟨register⟩', (424.4, 480.4, 531.9, 519.5)),
         ('寄存器编号，在', (598.1, 482.1, 773.6, 515.8)), ('0', (789.8, 483.2, 795.5, 516.0)),
         ('到', (817.2, 483.3, 828.3, 516.1)), ('255', (850.1, 483.5, 883.1, 516.4)),
         ('之间', (910.3, 483.9, 943.4, 516.8)), ('所有这些术语会在第', (313.6, 535.3, 550.7, 570.8)),
         ('4', (572.4, 536.6, 578.3, 569.5)), ('章中进行详述.', (605.4, 535.7, 771.0, 570.4)),
         ('除了这些以外，我们会使用一些', (798.1, 534.6, 1167.4, 571.5)), ('不言自明的或者在后文进行讲述的术语，比如', (313.1, 572.2, 852.0, 611.0)),
         ('⟨token', (879.1, 574.8, 945.4, 608.3)), ('list⟩.', (961.5, 574.9, 1016.8, 608.3)),
         ('有些命令有', (1043.9, 574.4, 1165.2, 608.6)), ('自已独特的格式，比如需要括孤或者特定的字词.', (309.3, 610.5, 883.3, 649.7)),
         ('它们会使用和命令标题', (910.5, 612.2, 1170.2, 647.9)), ('相同的黑体标出.', (313.1, 657.4, 507.6, 684.4))]


def test_the_paragraph_after_an_indented_table_is_no_row():
    from pipeline.tables.aligned import aligned_tables
    from pipeline.tables.model import Token
    found = [t.texts() for t, _ in aligned_tables([Token(t, b, 0.99) for t, b in TERMS], set())]
    assert [[r[0] for r in texts] for texts in found] == [["⟨argument⟩", "⟨charcode⟩", "⟨dimen⟩", "⟨glue⟩",
                                                            "⟨number⟩", "⟨register⟩"]], found
