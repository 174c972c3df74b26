"""A margin note beside a listing is read after the listing's description, not after the body paragraph
set solid below it (``pipeline/margins.py``, ``_entry_end``): fduthesis names a command in the margin beside
its syntax line, describes it in a paragraph at the body's edge, and goes on with the body in a paragraph
marked by its indent alone; its text has the note after the description. A paragraph indented after space
(ctex's options pages, ``test_margin_notes_edge.py``) still runs the entry on."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, cer, degrade, render_text_image
from tests.unit.test_margin_notes_edge import BODY_X, put_notes
from tests.unit.test_page_order import SCAN, justified, paste, position, read

BODY_W, INDENT, SIZE = 1000, 60, 30


def words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


# (note, listing, description at the body's edge ending short, the body's next paragraph, indented)
ENTRIES = [("\\caption", ["\\caption{title}", "\\caption[short]{long}"],
            EN_TEXT[8] + " " + words(EN_TEXT[9], 6), EN_TEXT[16] + " " + EN_TEXT[17]),
           ("\\footnote", ["\\footnote{text}"],
            EN_TEXT[10] + " " + words(EN_TEXT[11], 5), EN_TEXT[18] + " " + EN_TEXT[19]),
           ("\\mainmatter", ["\\mainmatter"],
            EN_TEXT[12] + " " + words(EN_TEXT[13], 5), EN_TEXT[20] + " " + EN_TEXT[21])]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def solid_paragraphs_page() -> np.ndarray:
    page = np.full((1500, 1654), 255, np.uint8)
    y = 100
    for note, listing, description, body in ENTRIES:
        put_notes(page, [note], y, 20, 28)
        code = render_text_image(listing, font="mono", size_px=22, width=600, margin=0, line_gap=1.4)
        below = paste(page, code, BODY_X, y)
        below = paste(page, justified([description], BODY_W, size_px=SIZE), BODY_X, below + 16)
        # The next paragraph at the same pitch (a justified block ends a type size below its last line).
        below = paste(page, justified([body], BODY_W - INDENT, size_px=SIZE), BODY_X + INDENT, below - SIZE)
        y = below + 40
    return page


def test_a_note_beside_a_listing_is_read_after_its_description_not_after_the_next_paragraph(engine):
    r = read(engine, degrade(solid_paragraphs_page(), **SCAN))
    truth = [line for note, listing, description, body in ENTRIES for line in [*listing, description, note, body]]
    assert cer("\n".join(truth), r.text) <= 0.03
    flat = "".join(r.text.split())
    # The note's name is also its listing's start: the note is its last occurrence before the next paragraph.
    where = []
    for note, listing, description, body in ENTRIES:
        start = position(r.text, body[:20])
        where += [position(r.text, listing[0]), position(r.text, description[-20:]), flat.rfind(note, 0, start), start]
    assert 0 <= where[0] and where == sorted(where), where
