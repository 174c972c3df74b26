"""Reading order: single column, two columns under a title, tables by row."""
from pipeline.layout import reading_order


def lines(x0, x1, y0, n, h=30, step=50):
    return [[x0, y0 + i * step, x1, y0 + i * step + h] for i in range(n)]


def order(boxes):
    return [o.index for o in reading_order(boxes)]


def test_single_column_top_to_bottom_even_if_shuffled():
    boxes = lines(100, 1500, 100, 6)
    shuffled = [boxes[i] for i in (3, 0, 5, 1, 4, 2)]
    assert [shuffled[i] for i in order(shuffled)] == boxes


def test_two_columns_read_column_by_column_after_title():
    title = [[100, 50, 1500, 90]]
    left = lines(100, 760, 150, 8)
    right = lines(840, 1500, 150, 8)
    # ragged right edges, like real prose
    left[3][2] -= 200
    right[7][2] -= 400
    boxes = title + right + left  # input order must not matter
    got = [boxes[i] for i in order(boxes)]
    assert got == title + left + right


def test_two_columns_blocks_are_separate():
    left = lines(100, 760, 150, 5)
    right = lines(840, 1500, 150, 5)
    result = reading_order(left + right)
    blocks = [o.block for o in result]
    assert len(set(blocks[:5])) == 1 and len(set(blocks[5:])) == 1 and blocks[0] != blocks[5]


def test_table_reads_row_by_row():
    cols = [(100, 300), (500, 620), (900, 1100)]
    boxes = []
    for r in range(4):
        y = 100 + r * 60
        for x0, x1 in cols:
            boxes.append([x0, y, x1, y + 30])
    got = order(list(reversed(boxes)))
    n = len(boxes)
    assert [n - 1 - i for i in got] == list(range(n))


def test_same_row_fragments_left_to_right_with_small_jitter():
    boxes = [[900, 103, 1200, 131], [100, 100, 600, 130], [100, 160, 1200, 190]]
    assert order(boxes) == [1, 0, 2]


def test_large_gap_starts_a_new_block():
    boxes = lines(100, 1500, 100, 3) + lines(100, 1500, 400, 2)
    blocks = [o.block for o in reading_order(boxes)]
    assert blocks == [0, 0, 0, 1, 1]


def test_empty():
    assert reading_order([]) == []


def test_table_row_with_a_two_line_cell_stays_before_the_next_row():
    # Row: "1" | "Thermal ribbons" over "110 mm x 300 m" | "8" | "$692.00",
    # cells top-aligned as in most invoices (jittered by a few pixels).
    row = [[100, 103, 140, 131], [300, 100, 600, 130], [700, 98, 740, 128], [900, 102, 1100, 132]]
    second_line = [[300, 140, 560, 170]]
    nxt = [[100, 230, 140, 260], [300, 230, 600, 260], [700, 230, 740, 260], [900, 230, 1100, 260]]
    boxes = list(reversed(row + second_line + nxt))
    got = [boxes[i] for i in order(boxes)]
    assert got[:4] == row and got[4] == second_line[0] and got[5:] == nxt


def test_longer_left_column_with_a_paragraph_gap_below_the_right_one():
    # The right column ends early; the left one has a paragraph break below
    # that point. That page-wide horizontal gap must not be taken as the
    # end of both columns (it was: the left column's tail came last).
    title = [[500, 40, 1100, 90]]
    left = lines(100, 760, 150, 6) + lines(100, 760, 520, 4)
    right = lines(840, 1500, 150, 5)
    boxes = right + title + left
    got = [boxes[i] for i in order(boxes)]
    assert got == title + left + right


def test_side_by_side_blocks_with_their_own_pitch_read_one_after_the_other():
    # A listing (tight lines) beside its output (looser lines): rows do not line up.
    code = lines(100, 700, 100, 7, h=26, step=34)
    output = lines(900, 1400, 100, 5, h=26, step=49)
    # Ragged, as listings and outputs are (not prose columns).
    for box, width in zip(code + output, [300, 450, 250, 280, 500, 270, 310, 500, 120, 140, 130, 160]):
        box[2] = box[0] + width
    boxes = output + code
    got = [boxes[i] for i in order(boxes)]
    assert got == code + output
    blocks = [o.block for o in reading_order(boxes)]
    assert blocks[len(code)] != blocks[len(code) - 1]


def test_table_with_a_clean_gutter_still_reads_row_by_row():
    # Two columns of cells, every row level across the gutter: a table, not two blocks.
    left = lines(100, 400, 100, 6)
    right = lines(900, 1100, 100, 6)
    boxes = right + left
    got = [boxes[i] for i in order(boxes)]
    assert got == [b for pair in zip(left, right) for b in pair]


def test_three_columns_read_column_by_column():
    columns = [lines(x, x + 420, 150, 8) for x in (100, 580, 1060)]
    for col in columns:
        col[-1][2] -= 200  # a paragraph's short last line
    boxes = columns[2] + columns[0] + columns[1]
    got = [boxes[i] for i in order(boxes)]
    assert got == columns[0] + columns[1] + columns[2]
