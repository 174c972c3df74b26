"""One-line references in the right margin (a book's "TeXbook: 355" beside the line it refers from), read
at the end of their line's row (``pipeline/margins.py``), also beside a line in the middle of a paragraph:
the body's parts, cut at the gaps between its lines, must not take such a reference for a side heading."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, degrade, render_text_image
from tests.unit.test_page_order import SCAN, justified, paste, read

BODY_X, BODY_W, SIZE, PITCH = 140, 1130, 30, 1.3
STEP, WIDER = int(SIZE * PITCH), 5
# The references and the body line (from the paragraph's top) each stands level with.
REFS = [("TeXbook: 355", 4), ("TeXbook: 102", 9), ("TeXbook: 101", 13)]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def references_page() -> np.ndarray:
    page = np.full((1000, 1654), 255, np.uint8)
    top = 120
    body = justified([" ".join(EN_TEXT[0:16])], BODY_W, size_px=SIZE, pitch=PITCH)
    # The gap above the first reference's line a few pixels wider than the rest (as a line without
    # descenders above leaves): the body is cut there first, and that line starts the part below.
    cut = REFS[0][1] * STEP
    paste(page, body[:cut], BODY_X, top)
    paste(page, body[cut:], BODY_X, top + cut + WIDER)
    for ref, line in REFS:
        block = render_text_image([ref], font="serif", size_px=22, width=400, margin=0)
        block = block[:, : np.flatnonzero((block < 128).any(axis=0)).max() + 4]
        # Set on the line's baseline in the smaller type: its top stands below the line's.
        y = top + line * STEP + WIDER + 6
        paste(page, block, BODY_X + BODY_W + 50, y)
    return page


def test_references_in_the_right_margin_end_their_lines_rows(engine):
    text = read(engine, degrade(references_page(), **SCAN)).text
    rows = text.splitlines()
    for ref, _ in REFS:
        row = next((r for r in rows if ref.split()[-1] in r), "")
        # The row holds body text before the reference, and ends with it.
        assert row.rstrip().endswith(ref.split()[-1]) and len(row) > len(ref) + 20, (ref, row)
