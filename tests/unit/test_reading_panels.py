"""Two addresses side by side in a panel (``pipeline/panels.py``, ``pipeline/panel_rows.py``): each read whole,
the left one first, even where the detector runs a row of both into one box; a two-column table of unequal
cells set the same way is still read row by row."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from pipeline.panels import find_panels
from tests.factories import _pil_font, cer, degrade
from tests.unit.test_page_order import SCAN, position, read
from tests.unit.test_reading_mastheads import line

HEAD = "Our offices are open every weekday"
LEFT = ["Harbour Print Works", "Quay Street, Galway", "orders@harbour.example", "http://harbour.example"]
RIGHT = ["Northern Type Foundry", "Unit 4, Mill Road Estate", "27 Linen Hall Lane", "http://ntf.example/type/"]
FOOT = "Both will gladly send you a catalogue by post"
TABLE = [["Size", "Width and height"], ["A4 sheet", "210 by 297 mm"], ["A5", "148 by 210 mm, half of A4"],
         ["Letter", "216 by 279 mm"]]
SIZE, PITCH = 22, 27


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def panel_page(rows: list[list[str]], gap: int) -> np.ndarray:
    """A centred line, two blocks of left-aligned lines side by side ``gap`` px apart (the URLs in a
    typewriter face, as addresses set in a brochure), a centred line below."""
    page = np.full((420, 900), 255, np.uint8)
    fonts = [["mono" if t.startswith(("http", "orders")) else "sans" for t in row] for row in rows]
    width = max(round(_pil_font(f[0], SIZE).getlength(r[0])) for r, f in zip(rows, fonts))
    left, right = 120, 120 + width + gap
    end = right + max(round(_pil_font(f[1], SIZE).getlength(r[1])) for r, f in zip(rows, fonts))
    centre = (left + end) // 2
    line(page, HEAD, centre - round(_pil_font("sans", SIZE).getlength(HEAD)) // 2, 60, SIZE)
    for k, (row, font) in enumerate(zip(rows, fonts)):
        line(page, row[0], left, 110 + PITCH * k, SIZE, font[0])
        line(page, row[1], right, 110 + PITCH * k, SIZE, font[1])
    line(page, FOOT, centre - round(_pil_font("sans", SIZE).getlength(FOOT)) // 2, 130 + PITCH * len(rows), SIZE)
    return page


@pytest.mark.parametrize("scanned", [False, True], ids=["clean", "scan"])
def test_two_addresses_side_by_side_read_one_after_the_other(engine, scanned):
    page = panel_page([list(r) for r in zip(LEFT, RIGHT)], gap=20)
    r = read(engine, degrade(page, **SCAN) if scanned else page)
    truth = "\n".join([HEAD, *LEFT, *RIGHT, FOOT])
    assert cer(truth, r.text) <= 0.05, r.text
    # Main reads the rows across both (`Harbour Print Works Northern Type Foundry`).
    where = [position(r.text, t) for t in [HEAD, *LEFT, *RIGHT, FOOT]]
    assert min(where) >= 0 and where == sorted(where), (where, r.text)


def test_a_table_of_unequal_cells_set_alike_reads_row_by_row(engine):
    r = read(engine, degrade(panel_page(TABLE, gap=20), **SCAN))
    flat = "".join(r.text.split())
    for row in TABLE:
        assert "".join(row).replace(" ", "") in flat, r.text


def rows_of(widths: list[tuple[float, float]], gap: float = 20, pitch: float = 27, h: float = 20) -> np.ndarray:
    """Boxes of rows of two pieces, the left ones starting at 100, the right ones ``gap`` past the widest left."""
    start = 100 + max(w for w, _ in widths) + gap
    return np.array([box for k, (a, b) in enumerate(widths)
                     for box in ((100, 100 + pitch * k, 100 + a, 100 + pitch * k + h),
                                 (start, 100 + pitch * k, start + b, 100 + pitch * k + h))], dtype=float)


@pytest.mark.parametrize("widths, gap, found", [
    ([(200, 210), (190, 250), (210, 200), (195, 270)], 20, True),    # two addresses
    ([(200, 210), (190, 250)], 20, False),                           # two rows: too few
    ([(200, 210), (60, 250), (210, 200), (195, 270)], 20, False),    # a short cell: a table's
    ([(70, 210), (60, 250), (80, 200), (75, 270)], 20, False),       # a reference card's short keys
    ([(200, 210), (190, 250), (210, 200), (195, 270)], 200, False),  # a gutter far wider than the type
], ids=["panel", "two rows", "short cell", "short keys", "wide gutter"])
def test_a_panel_is_blocks_of_filled_lines_a_gap_apart(widths, gap, found):
    panels = find_panels(rows_of(widths, gap))
    assert bool(panels) == found
    if found:
        assert list(panels[0].left) == [0, 2, 4, 6] and list(panels[0].right) == [1, 3, 5, 7]
