"""Reading order of a table whose header cells wrap (``pipeline/wrapped_cells.py``): each header cell read
whole, then the next (not line 1 of every cell, then line 2), while the body's one-line cells are still
read row by row."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import _pil_font, cer, degrade
from tests.unit.test_page_order import SCAN, position, read
from tests.unit.test_reading_mastheads import line

HEADER = [["Method of", "quantiles"], ["Kemsley", "method"], ["Total no. of", "samples", "available"]]
BODY = [["0.2-0.4", "2", "20"], ["0.5-0.7", "4", "22"], ["0.8-1.0", "15", "23"], ["All samples", "23", "65"]]
SIZE, PITCH = 26, 30


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def wrapped_table() -> np.ndarray:
    """Three header cells, two of two lines set close and one of three centred on them a little further
    off (as a typeset table's header), a rule, then rows of one-line cells under each."""
    page = np.full((560, 900), 255, np.uint8)
    font = _pil_font("sans", SIZE)
    widths = [max(round(font.getlength(t)) for t in cell) for cell in HEADER]
    lefts = [100, 100 + widths[0] + 36, 100 + widths[0] + 36 + widths[1] + 40]
    top = 80
    for left, width, cell in zip(lefts, widths, HEADER):
        # Each cell centred on the row's height: the three-line cell's lines half a line off the others'.
        start = top + (3 - len(cell)) * PITCH // 2
        for k, text in enumerate(cell):
            line(page, text, left + (width - round(font.getlength(text))) // 2, start + PITCH * k, SIZE)
    page[top + 3 * PITCH + 8: top + 3 * PITCH + 10, 80:lefts[2] + widths[2] + 20] = 0
    for r, row in enumerate(BODY):
        for left, width, text in zip(lefts, widths, row):
            line(page, text, left + (width - round(font.getlength(text))) // 2, top + 3 * PITCH + 30 + 44 * r, SIZE)
    return page


@pytest.mark.parametrize("scanned", [False, True], ids=["clean", "scan"])
def test_wrapped_header_cells_read_cell_by_cell_and_rows_row_by_row(engine, scanned):
    page = wrapped_table()
    r = read(engine, degrade(page, **SCAN) if scanned else page)
    truth = "\n".join([*[t for cell in HEADER for t in cell], *[" ".join(row) for row in BODY]])
    assert cer(truth, r.text) <= 0.05, r.text
    # Each header cell whole, left to right (order7: "Method of Kemsley quantiles method" and so on) ...
    where = [position(r.text, t) for cell in HEADER for t in cell]
    assert 0 <= where[0] and where == sorted(where), (where, r.text)
    # ... and the body's cells row by row.
    flat = "".join(r.text.split())
    for row in BODY:
        assert "".join(row).replace(" ", "") in flat, r.text


@pytest.mark.parametrize("offset, gutter, cells", [(15, 20, True), (0, 20, False), (12, 700, False)],
                         ids=["centred cells", "level rows", "page numbers far off"])
def test_only_close_cells_half_a_line_off_read_whole(offset, gutter, cells):
    # Two columns (30 px line pitch, 26 px lines): one of three lines, one of two lines `offset` px lower.
    # Cells centred on each other are read whole; lines level one for one are a table's rows (its second
    # column one row short), and lines far off (a table of contents' page numbers, set high) are rows too.
    from pipeline.wrapped_cells import CellSettings, wrapped_cells

    left = [(100, 100 + 30 * k, 220, 126 + 30 * k) for k in range(3)]
    right = [(220 + gutter, 100 + offset + 30 * k, 340 + gutter, 126 + offset + 30 * k) for k in range(2)]
    boxes = np.array([*left, *right], dtype=float)
    parts = wrapped_cells(np.arange(5), boxes, 26.0, CellSettings())
    if cells:
        assert parts is not None and [list(p) for p in parts] == [[0, 1, 2], [3, 4]]
    else:
        assert parts is None
