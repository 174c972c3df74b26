"""Blocks side by side, each centred on its own axis (``pipeline/centred_blocks.py``): a title page's two
authors, name under role, are read one block after the other, though their rows stand level; a table's
columns of text set flush left, its centred cells of a word or two, and centred blocks of unequal line counts,
are still read row by row."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from pipeline.layout import reading_order
from tests.factories import _pil_font, cer, degrade, render_text_image
from tests.unit.test_page_order import SCAN, paste, position, read

TITLE = "A short guide to typesetting tables"
AUTHORS = [["The original Dutch edition", "by Anna Verhoeven"], ["Translation into English", "by Peter Lindqvist"]]
DATE = "March 3, 2011"
BODY = ["Tables are set in rows and columns, and the reader takes them row by row.",
        "This guide shows how the rules and the spacing between them are chosen."]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def line(page: np.ndarray, text: str, centre: int, y: int, size_px: int) -> int:
    width = round(_pil_font("serif", size_px).getlength(text)) + 4
    block = render_text_image([text], font="serif", size_px=size_px, width=width + 40, margin=0)[:, :width]
    return paste(page, block, centre - width // 2, y)


def title_page(gap: int = 60) -> np.ndarray:
    """Title, two author blocks side by side (each line centred under the one above), date, body."""
    page = np.full((900, 1654), 255, np.uint8)
    y = line(page, TITLE, 827, 120, 40) + 60
    widest = [max(round(_pil_font("serif", 30).getlength(t)) for t in block) for block in AUTHORS]
    centres = [827 - gap // 2 - widest[0] // 2, 827 + gap // 2 + widest[1] // 2]
    for k in range(2):
        for block, centre in zip(AUTHORS, centres):
            line(page, block[k], centre, y + k * 44, 30)
    y = line(page, DATE, 827, y + 2 * 44 + 30, 30) + 80
    for text in BODY:
        block = render_text_image([text], font="serif", size_px=26, width=1400, margin=0)
        y = paste(page, block, 130, y) + 12
    return page


def test_two_centred_author_blocks_are_read_block_by_block(engine):
    r = read(engine, degrade(title_page(), **SCAN))
    truth = [TITLE, *AUTHORS[0], *AUTHORS[1], DATE, *BODY]
    assert cer("\n".join(truth), r.text) <= 0.03
    where = [position(r.text, t) for t in truth]
    assert 0 <= where[0] and where == sorted(where), where


def blocks(starts: list[list[int]], widths: list[list[int]], pitch: int = 44) -> list[list[float]]:
    """Boxes of side-by-side blocks: ``starts``/``widths`` per side, one entry a line."""
    return [[x, 300 + k * pitch, x + w, 300 + k * pitch + 34]
            for side_x, side_w in zip(starts, widths) for k, (x, w) in enumerate(zip(side_x, side_w))]


@pytest.mark.parametrize("starts, widths, by_block", [
    # Centred on their axes (x centres 450 and 1050), names and affiliations: block by block.
    ([[300, 350], [880, 940]], [[300, 200], [340, 220]], True),
    # Flush left, a table's columns of text (keys and descriptions): row by row.
    ([[300, 300], [880, 880]], [[300, 200], [340, 220]], False),
    # Centred, but cells of a word or two (a table's centred columns): row by row.
    ([[330, 350], [930, 950]], [[140, 100], [160, 120]], False),
])
def test_centred_blocks_against_flush_left_table_columns(starts, widths, by_block):
    boxes = blocks(starts, widths)
    got = [o.index for o in reading_order(boxes)]
    assert got == ([0, 1, 2, 3] if by_block else [0, 2, 1, 3])


def test_centred_blocks_of_unequal_line_counts_read_row_by_row():
    # Three centred lines beside two, level: a table's wrapped cell beside another, not two title blocks.
    boxes = [[300, 300, 600, 334], [350, 344, 550, 378], [320, 388, 580, 422],
             [880, 300, 1220, 334], [940, 344, 1160, 378]]
    got = [o.index for o in reading_order(boxes)]
    assert got == [0, 3, 1, 4, 2]
