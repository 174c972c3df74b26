"""A margin note's entry runs on past a blank line inside its code example, down to its description
(``pipeline/margins.py``, ``_entry_end``): fduthesis sets an environment's name in the margin beside its
listing, with a blank line in the listing, and the description below it; the note is read after the
description, not in the middle of the listing."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, cer, degrade, render_text_image
from tests.unit.test_margin_notes_edge import BODY_X, put_notes
from tests.unit.test_page_order import SCAN, justified, paste, position, read

# (note, listing with a blank line, description)
ENTRIES = [("notation", ["\\begin{notation}", "  symbol 1 & meaning 1 \\\\", "  symbol 2 & meaning 2 \\\\", "",
                         "  symbol n & meaning n", "\\end{notation}"], EN_TEXT[0] + " " + EN_TEXT[1]),
           ("glossary", ["\\begin{glossary}", "  term 1 & sense 1 \\\\", "", "  term n & sense n",
                         "\\end{glossary}"], EN_TEXT[2] + " " + EN_TEXT[3]),
           ("acronyms", ["\\begin{acronyms}", "  short 1 & long 1 \\\\", "", "  short n & long n",
                         "\\end{acronyms}"], EN_TEXT[4] + " " + EN_TEXT[5])]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def listing_entries_page() -> np.ndarray:
    page = np.full((1900, 1654), 255, np.uint8)
    y = 100
    for note, listing, description in ENTRIES:
        put_notes(page, [note], y, 20, 28)
        code = render_text_image(listing, font="mono", size_px=22, width=900, margin=0, line_gap=1.4)
        below = paste(page, code, BODY_X + 20, y)
        below = paste(page, justified([description], 1000, size_px=30), BODY_X, below + 16)
        y = below + 50
    return page


def test_a_note_beside_a_listing_with_a_blank_line_is_read_after_the_description(engine):
    r = read(engine, degrade(listing_entries_page(), **SCAN))
    truth = [line for note, listing, description in ENTRIES for line in [*listing, description, note]]
    assert cer("\n".join(truth), r.text) <= 0.03
    flat = "".join(r.text.split())
    # The note's name is also in its listing's first and last lines: its last occurrence is the note.
    where = [w for note, listing, description in ENTRIES for w in
             (position(r.text, listing[0]), position(r.text, listing[-1]), position(r.text, description[-20:]),
              flat.rfind(note))]
    assert 0 <= where[0] and where == sorted(where), where
