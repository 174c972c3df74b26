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


def card_column(x, y, n_rows, heading=True, h=26, step=34):
    """A reference card's column: a heading, then rows of a short key and its
    description a fixed tab stop to the right (both ragged)."""
    boxes = [[x, y, x + 380, y + h + 6]] if heading else []
    y += step + 10 if heading else 0
    for r in range(n_rows):
        key_w = 60 + (r * 37) % 130
        desc_w = 180 + (r * 53) % 220
        boxes.append([x, y, x + key_w, y + h])
        boxes.append([x + 210, y + 2, x + 210 + desc_w, y + h + 2])
        y += step
    return boxes


def test_reference_card_reads_column_by_column_each_key_before_its_description():
    # Three columns of key–description rows: no line fills its column, so it
    # is the rows that make the columns; level rows across the gutters must
    # not be read across the page.
    columns = [card_column(x, 100, 14) for x in (80, 800, 1520)]
    boxes = columns[1] + columns[2] + columns[0]
    got = [boxes[i] for i in order(boxes)]
    assert got == columns[0] + columns[1] + columns[2]


def test_gutter_is_cut_where_nothing_crosses_not_in_the_next_columns_gap():
    # The right column's key–description gap is crossed only by its heading,
    # and lies next to the page's gutter: cutting at the wide low-crossing run
    # (gutter + that gap) would tear the right column's keys from their rows.
    left = card_column(80, 100, 14)
    right = card_column(800, 100, 14)
    right[0][2] = right[0][0] + 480  # the heading reaches across the right column's gap
    boxes = right + left
    got = [boxes[i] for i in order(boxes)]
    assert got == left + right


def test_index_of_short_entries_reads_column_by_column():
    # Two columns of short, level entries (a book's index), some indented.
    # Most entries fill under half the column; a few long ones set its width.
    def column(x):
        return [[x + (30 if r % 4 else 0), 100 + r * 34, x + (600 if r % 9 == 4 else 90 + (r * 71) % 200), 126 + r * 34]
                for r in range(30)]
    left, right = column(100), column(860)
    boxes = right + left
    got = [boxes[i] for i in order(boxes)]
    assert got == left + right


def test_table_of_contents_reads_entry_then_page_number():
    # Entries on the left (some with a stretch of leader dots detected beside
    # them), page numbers at the right margin, set a little higher.
    boxes, rows = [], []
    for r in range(24):
        y = 100 + r * 40
        row = [[120 + (40 if r % 3 else 0), y, 420 + (r * 61) % 250, y + 30]]
        if r % 2:
            row.append([760, y + 2, 1100, y + 28])  # leader dots, cut at a faint stretch
        row.append([1150, y - 6, 1190, y + 18])
        rows.append(row)
        boxes.extend(row)
    got = [boxes[i] for i in order(list(boxes))]
    assert got == boxes


def test_table_label_column_beside_wrapped_cells_reads_row_by_row():
    # Left: one row of short cells per table row; right: each row's
    # description, wrapped over 1 to 4 lines. The left cells merged per row
    # fill their side, but they stand at the tops of the cells, with gaps.
    boxes, expected = [], []
    y = 100
    for r, n_lines in enumerate([1, 3, 1, 4, 2, 1, 3, 2, 1, 4]):
        row = [[200, y, 260, y + 28], [300, y, 360, y + 28], [480, y, 560, y + 28]]
        row += [[600, y + i * 36, 1450 if i < n_lines - 1 else 900, y + i * 36 + 28] for i in range(n_lines)]
        expected.extend(row)
        y += n_lines * 36 + 12
    boxes = list(reversed(expected))
    got = [boxes[i] for i in order(boxes)]
    # Each row's cells come before the next row's.
    starts = [got.index(b) for b in expected if b[0] == 200]
    assert starts == sorted(starts)
    for k, b in enumerate(expected):
        if b[0] == 200:
            nxt = [e for e in expected[k:] if e[0] == 200][1:2]
            row = expected[k:expected.index(nxt[0])] if nxt else expected[k:]
            assert sorted(got.index(x) for x in row) == list(range(got.index(b), got.index(b) + len(row)))


def test_small_print_whose_boxes_overlap_reads_top_to_bottom():
    # Lines set closer than their boxes' margins (small print, a residual
    # skew): each box overlaps the next, so no gap separates them; ragged.
    boxes = [[100 + (r % 3) * 4, 100 + r * 17, 900 - (r * 53) % 300, 128 + r * 17] for r in range(12)]
    shuffled = boxes[5:] + boxes[:5]
    got = [shuffled[i] for i in order(shuffled)]
    assert got == boxes


def test_columns_set_close_whose_padded_boxes_touch_read_column_by_column():
    # A 20 px gutter of ink (under a line height): the recognizer's boxes, padded a
    # third of their height each side for a final comma, meet across it.
    left = lines(100, 790, 150, 10, h=34, step=34)
    right = lines(790, 1460, 150, 10, h=34, step=34)
    left[4][2] -= 250  # a paragraph's last line
    boxes = right + left
    got = [boxes[i] for i in order(boxes)]
    assert got == left + right


def definition_list(term_h):
    """Terms in a narrow column beside their two-line descriptions, a gutter apart, top to bottom."""
    out = []
    for k in range(5):
        y = 100 + k * 130
        out.append([150, y + 2, 400, y + 2 + term_h])
        out += lines(440, 1500, y, 2, h=34, step=44)
    return out


def test_notes_in_smaller_type_beside_entries_read_after_each_entry():
    boxes = definition_list(term_h=24)
    got = order(boxes)
    for k in range(5):  # the entry's two lines, then its note
        assert got[3 * k:3 * k + 3] == [3 * k + 1, 3 * k + 2, 3 * k]


def test_terms_in_body_type_beside_descriptions_still_read_row_by_row():
    # A definition list, not margin notes: each term before its description.
    assert order(definition_list(term_h=34)) == list(range(15))


def test_a_line_whose_last_mark_pokes_into_a_narrow_gutter_is_no_heading():
    """Three justified columns a few pixels apart (the boxes of a brochure page as detected): the middle
    column's first line ends a little past the gutter, level with the headings atop the outer columns.
    It is that column's line, not a heading across the columns cutting them into bands."""
    left = [[100, 74, 300, 115]] + lines(100, 560, 125, 10, h=35, step=34)
    middle = lines(580, 1068, 77, 12, h=36, step=34)
    middle[0][2] = 1085
    right = [[1057, 74, 1435, 111]] + lines(1060, 1547, 125, 10, h=35, step=34)
    boxes = right + middle + left
    got = [boxes[i] for i in order(boxes)]
    assert got == left + middle + right


def test_a_right_hand_line_reaching_back_into_a_narrow_gutter_is_no_heading():
    """An index in two columns set close: each left entry (name, leaders, page numbers) ends at the gutter,
    and one right-hand entry (cut from a box the detector ran across the gutter, then padded) starts a little
    left of where the others do, beside the left entry level with it. A heading across the columns has no
    line beside it."""
    left = lines(100, 795, 150, 12, h=34, step=34)
    right = lines(810, 1460, 150, 12, h=34, step=34)
    right[5][0] = 772
    boxes = right + left
    got = [boxes[i] for i in order(boxes)]
    assert got == left + right


def test_one_line_side_heading_beside_a_paragraphs_first_line_is_read_before_it():
    """Two one-line notes in the right margin: one beside a paragraph's indented first line is its side
    heading, read before it; one beside a line inside a paragraph is a reference, read at that line's end."""
    body = []
    for p in range(3):
        para = lines(100, 1000, 100 + p * 200, 4, h=34, step=44)
        para[0][0] = 160  # indented first line
        para[-1][2] = 600  # short last line
        body += para
    heading = [1030, 300, 1200, 334]  # level with the second paragraph's first line (body[4])
    reference = [1030, 588, 1200, 622]  # level with the third paragraph's third line (body[10])
    boxes = body + [heading, reference]
    got = order(boxes)
    assert got.index(12) == got.index(4) - 1
    assert got.index(13) == got.index(10) + 1


def entries_with_notes_and_footer():
    """A manual's option list: each entry a code line and its description, its name in the left margin in
    smaller type, the last entry's lines short; the page number centred under the body, a line below."""
    boxes, notes = [], []
    for k in range(4):
        y = 100 + k * 180
        notes.append(len(boxes))
        boxes.append([150, y + 2, 400, y + 26])
        boxes += lines(440, 700, y, 1, h=34)
        boxes += lines(430, 1500, y + 50, 2 if k < 3 else 1, h=34, step=44)
        if k == 3:
            boxes[-1][2] = 650
    footer = len(boxes)
    boxes.append([945, boxes[-1][3] + 36, 995, boxes[-1][3] + 70])
    return boxes, notes, footer


def test_the_last_notes_entry_ends_before_the_page_number():
    boxes, notes, footer = entries_with_notes_and_footer()
    got = order(boxes)
    assert got[-2:] == [notes[-1], footer]
    for k in range(3):  # every note after its entry's last line, before the next entry
        assert got.index(notes[k]) == got.index(notes[k + 1] + 1) - 1


def test_a_running_head_a_line_above_two_columns_is_read_first():
    """A page number flush left and a title flush right, a line's space above two columns (less than the
    gap between blocks): one row read before the columns, not the first line of each."""
    left, right = lines(100, 780, 160, 10, h=34, step=40), lines(840, 1520, 160, 10, h=34, step=40)
    head = [[100, 100, 160, 130], [1420, 100, 1520, 130]]
    boxes = right + left + head
    got = [boxes[i] for i in order(boxes)]
    assert got == head + left + right


def test_headings_level_atop_two_columns_are_read_with_their_columns():
    """Each column opens with a heading, the two level by chance and a little apart from their text: no
    running head, each is read with its column: the right one, long enough to reach its column's end,
    starts where its column's lines do, as a head's flush-right piece does not."""
    left, right = lines(100, 780, 160, 10, h=34, step=40), lines(840, 1520, 160, 10, h=34, step=40)
    left, right = [[100, 100, 400, 130], *left], [[840, 100, 1500, 130], *right]
    boxes = right + left
    got = [boxes[i] for i in order(boxes)]
    assert got == left + right
