"""A re-detected page (the finer 1600-px pass) keeps its first-pass lines, except pieces of one row that a finer
line joins: a heading's number found apart from its title was read twice, the title's widened box taking in the
number's last stroke (a table of contents tilted 2°: `6` then `3 The Table Menu`). Boxes as the detector gave
them on such a page; a column of page numbers that the finer pass boxed as one is not a row."""
import numpy as np

from pipeline.detect import DetectedLine, DetectorSettings, merge_finer, missed_marks


def _line(x0, y0, x1, y1) -> DetectedLine:
    return DetectedLine(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32), 0.9)


def _kept(first: list[DetectedLine], finer: list[DetectedLine]) -> list[DetectedLine]:
    return merge_finer(first, finer, (2339, 1654), 0.6)


def test_a_number_and_its_title_joined_by_the_finer_pass_become_one_line():
    number, title, page_no = _line(221, 1500, 250, 1530), _line(256, 1497, 476, 1540), _line(1373, 1540, 1412, 1572)
    whole = _line(222, 1499, 476, 1540)
    kept = _kept([number, title, page_no], [whole, _line(1375, 1541, 1413, 1572)])
    assert [d.quad.tolist() for d in kept] == [page_no.quad.tolist(), whole.quad.tolist()]


def test_stacked_page_numbers_in_one_finer_box_stay_apart():
    numbers = [_line(1400, 300 + 40 * k, 1450, 330 + 40 * k) for k in range(3)]
    kept = _kept(numbers, [_line(1395, 295, 1455, 415)])
    assert kept == numbers


def test_a_finer_line_over_one_piece_changes_nothing():
    first = [_line(256, 1497, 476, 1540), _line(1373, 1540, 1412, 1572)]
    assert _kept(first, [_line(250, 1495, 480, 1542)]) == first


def test_a_finer_line_taking_in_a_number_left_out_replaces_the_title():
    # A page levelled from 5°: the first pass boxed `The Tools Menu` without its `7`, the finer pass whole.
    title, page_no = _line(321, 1820, 547, 1854), _line(1435, 1820, 1496, 1851)
    whole = _line(294, 1821, 546, 1852)
    kept = _kept([title, page_no], [whole, _line(1436, 1821, 1495, 1851)])
    assert [d.quad.tolist() for d in kept] == [page_no.quad.tolist(), whole.quad.tolist()]


def test_a_finer_line_reaching_into_another_line_widens_nothing():
    first = [_line(321, 1820, 547, 1854), _line(250, 1822, 300, 1852)]
    assert _kept(first, [_line(290, 1821, 546, 1852)]) == first


def _quad(*points) -> DetectedLine:
    return DetectedLine(np.array(points, dtype=np.float32), 0.9)


# A 6-pt colophon's three rows on a scan levelled to within 1° (each row's right end 31 px higher than its left), as the
# detector boxed them: the first pass found only the start of the last row, `(http://www.latex-pro`, and the start of
# the first; the finer pass each row whole. The last row is the shortest, its tail `ject.org/lppl/).` under the
# second row's left end.
PIECE = _quad([140, 2251], [283, 2251], [283, 2276], [140, 2276])
FIRST_ROW_START = _quad([133, 2220], [330, 2217], [330, 2244], [133, 2247])
LAST_ROW = _quad([136, 2256], [403, 2253], [403, 2273], [136, 2276])
ROWS_ABOVE = [_quad([134, 2238], [1561, 2207], [1561, 2232], [135, 2263]),
              _quad([136, 2221], [1561, 2191], [1561, 2215], [136, 2244])]


def test_a_finer_line_reaching_a_word_run_no_box_covers_replaces_the_piece():
    kept = _kept([PIECE, FIRST_ROW_START], [LAST_ROW, *ROWS_ABOVE])
    assert sorted(d.quad.tolist() for d in kept) == sorted(d.quad.tolist() for d in [LAST_ROW, *ROWS_ABOVE])


def test_a_finer_line_reaching_a_word_run_another_box_reads_widens_nothing():
    # The finer pass boxed the tail apart as well, off every first-pass line: it is read there, not twice.
    tail = _quad([292, 2250], [405, 2250], [405, 2277], [292, 2277])
    kept = _kept([PIECE, FIRST_ROW_START], [LAST_ROW, tail, *ROWS_ABOVE])
    assert sorted(d.quad.tolist() for d in kept) == sorted(d.quad.tolist() for d in [PIECE, tail, *ROWS_ABOVE])


def test_a_finer_line_where_two_first_pass_lines_overlap_is_not_new():
    # Two first-pass boxes that overlap (a tilted row and its neighbour's end) cover the overlap once, not
    # zero times: a finer line lying there was taken as outside every line and read a second time.
    first = [_line(100, 100, 400, 140), _line(300, 110, 700, 150)]
    assert _kept(first, [_line(310, 112, 390, 138)]) == first


def test_a_finer_line_beside_the_first_pass_lines_is_added():
    first = [_line(100, 100, 400, 140), _line(300, 110, 700, 150)]
    beside = _line(100, 300, 400, 340)
    assert _kept(first, [beside]) == first + [beside]


def test_a_mark_where_two_lines_overlap_is_not_missed():
    # The finer pass runs when many glyph-sized marks lie outside every line; marks inside the overlap of two
    # lines' boxes are inside both.
    ink = np.zeros((200, 400), dtype=bool)
    ink[112:130, 310:318] = True
    first = [_line(100, 100, 340, 140), _line(300, 105, 390, 145)]
    assert missed_marks(ink, first, 1.0, 20.0, DetectorSettings()) == 0
    assert missed_marks(ink, [], 1.0, 20.0, DetectorSettings()) == 1
