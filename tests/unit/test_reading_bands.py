"""Reading order of pages set in bands and of side headings' short last lines (``pipeline/bands.py``,
``pipeline/margins.py``): an index whose letter groups are each balanced over two columns is read group
by group, each group's left column first; two columns of prose that happen to break level twice are
still read column by column; a side heading whose last line is one character is read whole, before its
paragraph."""
import re

import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from pipeline.layout import reading_order
from tests.factories import _pil_font, cer, degrade, render_text_image
from tests.unit.test_page_order import SCAN, paste, position, read

# Letter groups of an index: (name, pages) entries, alphabetical.
GROUPS = [
    [("shapepar (package)", "31"), ("shrink (option)", "7, 14"), ("simplecv (class)", "25"), ("soul (package)", "3, 32"),
     ("spacing (option)", "6, 10"), ("stepping (option)", "7, 33"), ("stickstoo (package)", "21")],
    [("tempora (package)", "21"), ("textls (command)", "15, 23"), ("tracking (option)", "5, 10"),
     ("txfonts (package)", "19")],
    [("ulgothic (package)", "21"), ("unit (option)", "7, 34"), ("verbose (option)", "8, 33")],
    [("XCharter (package)", "21"), ("xeCJK (package)", "28"), ("xetex (engine)", "1, 12"), ("yfonts (package)", "23")],
]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def halves(group):
    """A group balanced over two columns: the left one takes the odd entry."""
    k = (len(group) + 1) // 2
    return group[:k], group[k:]


def index_page(size_px: int = 26, pitch: int = 34, group_gap: int = 14, groups=GROUPS, leaders: bool = False) -> np.ndarray:
    """Two columns of entries, each name flush left and its pages flush right, the right column's entries
    starting just past the left's page numbers (a narrow gutter, as an index sets them); each letter group
    balanced over both columns, a little extra space before the next; with ``leaders``, dots from each
    name to its pages."""
    font = _pil_font("serif", size_px)
    page = np.full((1100, 1654), 255, np.uint8)
    columns = [(220, 760), (800, 1340)]
    y = 150
    for group in groups:
        for (x0, x1), half in zip(columns, halves(group)):
            for k, (name, pages) in enumerate(half):
                if leaders:
                    dots = int((x1 - x0 - font.getlength(name + pages)) / font.getlength(" .")) - 2
                    name = name + " ." * dots
                for text, x in ((name, x0), (pages, x1 - round(font.getlength(pages)))):
                    block = render_text_image([text], font="serif", size_px=size_px, width=800, margin=0)
                    paste(page, block[:, :round(font.getlength(text)) + 4], x, y + k * pitch)
        y += len(halves(group)[0]) * pitch + group_gap
    return page


def test_index_in_balanced_letter_groups_reads_group_by_group(engine):
    r = read(engine, degrade(index_page(), **SCAN))
    truth = [f"{name} {pages}" for group in GROUPS for half in halves(group) for name, pages in half]
    assert cer("\n".join(truth), r.text) <= 0.03
    # Each group's left half, then its right half, then the next group.
    where = [position(r.text, name) for group in GROUPS for half in halves(group) for name, _ in half]
    assert 0 <= where[0] and where == sorted(where), where


# The same index with a group of one entry (V) after one whose right column ends a row early (U).
LONE_GROUP = [*GROUPS[:2], [("ulgothic (package)", "21"), ("unit (option)", "7, 34"), ("UseMicrotypeSet (command)", "10")],
              [("verbose (option)", "8, 33")], GROUPS[3]]


def test_index_group_of_one_entry_is_read_after_the_group_above_it(engine):
    r = read(engine, degrade(index_page(groups=LONE_GROUP, leaders=True), **SCAN))
    truth = [f"{name} {pages}" for group in LONE_GROUP for half in halves(group) for name, pages in half]
    assert cer("\n".join(truth), re.sub(r"(?:\.\s?){2,}", " ", r.text)) <= 0.03  # leaders left out
    where = [position(r.text, name) for group in LONE_GROUP for half in halves(group) for name, _ in half]
    assert 0 <= where[0] and where == sorted(where), where


def column(x0: int, x1: int, breaks: list[int], n: int = 24, pitch: int = 40) -> list[list[float]]:
    """Lines of a prose column, a blank line's space above each line in ``breaks``."""
    boxes, y = [], 100
    for k in range(n):
        y += pitch * (2 if k in breaks else 1)
        boxes.append([x0 + (40 if k in breaks else 0), y, x1 - (300 if k + 1 in breaks else 0), y + 28])
    return boxes


def test_prose_columns_breaking_level_now_and_then_read_column_by_column():
    # Both columns break at the same two heights (headings level by chance), and each breaks elsewhere too.
    left, right = column(100, 780, [4, 12, 18]), column(840, 1520, [4, 9, 12])
    boxes = left + right
    got = [o.index for o in reading_order(boxes)]
    assert got == list(range(len(boxes)))


@pytest.mark.parametrize("sizes", [(5, 3, 4), (7, 5, 5, 1, 1)])
def test_balanced_groups_of_boxes_read_group_by_group(sizes):
    # Groups of rows balanced over two columns; every break of each column is a break of both. (7, 5, 5, 1, 1):
    # the last two groups, one row each, stand alone on the left below the right column's last row (an index's
    # Y and Z), and are still read group by group, after the others.
    boxes, truth, y = [], [], 100
    for size in sizes:
        k = (size + 1) // 2
        for x0, n in ((100, k), (760, size - k)):
            for r in range(n):
                truth.append(len(boxes))
                boxes.append([x0, y + r * 34, x0 + 560, y + r * 34 + 26])
        y += k * 34 + 14
    got = [o.index for o in reading_order(boxes[::-1])]
    assert [len(boxes) - 1 - i for i in got] == truth


def test_group_of_one_row_is_read_after_the_right_column_of_the_group_above():
    # Groups of 5, 3, 1 and 4 rows: the one-row group stands on the left, below the 3-row group's left rows
    # and level with nothing; it follows that group's right column.
    boxes, truth, y = [], [], 100
    for size in (5, 3, 1, 4):
        k = (size + 1) // 2
        for x0, n in ((100, k), (760, size - k)):
            for r in range(n):
                truth.append(len(boxes))
                boxes.append([x0, y + r * 34, x0 + 560, y + r * 34 + 26])
        y += k * 34 + 14
    got = [o.index for o in reading_order(boxes[::-1])]
    assert [len(boxes) - 1 - i for i in got] == truth


def test_side_heading_whose_last_line_is_one_character_is_read_whole_before_its_paragraph():
    """Side headings in the right margin, set a third of a line from the body's edge, each ending in a line of
    one character: too narrow to reach past the body's edge as a note must, it is still the heading's."""
    boxes, truth, y = [], [], 300
    for lines in (9, 8):
        heading = [[1415, y + k * 52, 1614, y + k * 52 + 36] for k in range(2)] + [[1415, y + 104, 1447, y + 140]]
        body = [[178 + (62 if k == 0 else 0), y + k * 52, 1395 if k < lines - 1 else 700, y + k * 52 + 38]
                for k in range(lines)]
        truth += list(range(len(boxes), len(boxes) + 3)) + list(range(len(boxes) + 3, len(boxes) + 3 + lines))
        boxes += heading + body
        y += lines * 52 + 20
    got = [o.index for o in reading_order(boxes)]
    assert got == truth
