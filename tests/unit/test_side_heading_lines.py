"""A side heading of two or three lines in the right margin, set in the body's type at the body's line pitch
(a proposal's), is one note read whole before its paragraph, also on a sharp render, where the detector's
boxes hug the ink and the gap between the heading's lines is most of a box height
(``pipeline/margins.py``: notes line under line at the body's pitch are one)."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, cer, degrade
from tests.unit.test_page_order import SCAN, justified, paste, position, read

PITCH = 1.7  # generous leading, as a Chinese proposal sets its lines
# (side heading lines, paragraph)
SIDE = [(["Mirrors in", "the south"], " ".join(EN_TEXT[0:6])),
        (["Costs of the", "service and", "its upkeep"], " ".join(EN_TEXT[6:12])),
        (["Open tasks", "for the year"], " ".join(EN_TEXT[12:18]))]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def side_headings_page() -> np.ndarray:
    page = np.full((2100, 1654), 255, np.uint8)
    y = 150
    for heading, body in SIDE:
        below = paste(page, justified([body], 1080, size_px=28, pitch=PITCH), 140, y)
        paste(page, justified(heading, 250, size_px=28, pitch=PITCH), 140 + 1080 + 50, y)
        y = below + 40
    return page


@pytest.mark.parametrize("scan", [False, True])
def test_side_headings_at_the_body_pitch_are_read_whole_before_their_paragraph(engine, scan):
    page = side_headings_page()
    text = read(engine, degrade(page, **SCAN) if scan else page).text
    assert cer("\n".join(line for heading, body in SIDE for line in [*heading, body]), text) <= 0.03
    for heading, body in SIDE:
        # The heading's lines one after the other, then its paragraph's first words.
        where = [position(text, line) for line in heading] + [position(text, body[:25])]
        assert 0 <= where[0] and where == sorted(where) and where[-1] - where[0] < 40, (heading, where, text)
