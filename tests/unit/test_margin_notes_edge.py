"""Margin notes beside bodies that the margin rule (``pipeline/margins.py``) used to miss, read after their
entry as on a manual's options pages (ctex): a body whose paragraphs mostly start indented, so the median
start of its full lines is the indent, not its edge; and notes in a small Latin type whose boxes stand as
tall as the Chinese body's, a few beside a long body."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, ZH_TEXT, _pil_font, cer, degrade, render_text_image
from tests.unit.test_page_order import SCAN, justified, paste, position, read

BODY_X, NOTE_GAP = 440, 56


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def put_notes(page: np.ndarray, notes: list[str], y: int, size_px: int, pitch: int) -> None:
    """Notes in mono type flush right ``NOTE_GAP`` left of the body, the first level with the line at ``y``."""
    font = _pil_font("mono", size_px)
    for k, note in enumerate(notes):
        block = render_text_image([note], font="mono", size_px=size_px, width=600, margin=0, line_gap=1.3)
        wide = round(font.getlength(note))
        paste(page, block[:, :wide + 4], BODY_X - NOTE_GAP - wide, y + 6 + k * pitch)


# (notes, [a first paragraph at the body's edge running to a short second line, then one-line paragraphs
# indented two ems]): three of each entry's four full lines start at the indent.
ONE_LINERS = [EN_TEXT[k] for k in (3, 5, 6, 9, 10, 11, 13, 14, 15, 16, 17, 18)]
INDENTED = [(notes, [EN_TEXT[k] + " See clause 4.", *ONE_LINERS[3 * n:3 * n + 3]])
            for n, (notes, k) in enumerate([(["cs4size", "c5size"], 0), (["indent", "noindent"], 1),
                                            (["winfonts", "adobefonts"], 7), (["punct", "nopunct"], 8)])]


def indented_entries_page() -> np.ndarray:
    page = np.full((1400, 1654), 255, np.uint8)
    y = 100
    for notes, paragraphs in INDENTED:
        put_notes(page, notes, y, 20, 28)
        below = paste(page, justified(paragraphs[:1], 1000, size_px=30), BODY_X, y)
        for text in paragraphs[1:]:  # at the same pitch: no gap between paragraphs
            below = paste(page, justified([text], 960, size_px=30), BODY_X + 60, below - 30)
        y = below + 30
    return page


def test_notes_beside_indented_paragraphs_are_read_after_their_entry(engine):
    r = read(engine, degrade(indented_entries_page(), **SCAN))
    truth = [line for notes, body in INDENTED for line in [*body, *notes]]
    assert cer("\n".join(truth), r.text) <= 0.03
    where = [position(r.text, piece) for notes, body in INDENTED for piece in
             (body[0][:20], body[-1][-20:], notes[0], notes[-1])]
    assert 0 <= where[0] and where == sorted(where), where


# A section's body, one line a paragraph, and where its notes stand: (notes, first body line beside them).
SECTION = ZH_TEXT[:18]
SPARSE = [(["fontset", "zhmap"], 0), (["scheme", "nopunct"], 9)]
# Latin mono beside CJK at one size: the notes' boxes stand about as tall as the body's; a note's lines set closer.
NOTE_SIZE, BODY_SIZE, PITCH, NOTE_PITCH = 36, 36, 52, 40


def sparse_notes_page() -> np.ndarray:
    """Option names and dates in mono type beside a Chinese body set at the same pitch (as ctex sets
    them): the detector's boxes of the notes' Latin letters stand nearly as tall as the body's."""
    page = np.full((1200, 1654), 255, np.uint8)
    for notes, line in SPARSE:
        put_notes(page, notes, 60 + line * PITCH, NOTE_SIZE, NOTE_PITCH)
    paste(page, render_text_image(SECTION, font="cjk-serif", size_px=BODY_SIZE, width=1200, margin=0,
                                  line_gap=PITCH / BODY_SIZE), BODY_X, 60)
    return page


def test_few_notes_in_a_small_latin_type_beside_a_chinese_body_are_read_after_their_entry(engine):
    r = read(engine, degrade(sparse_notes_page(), **SCAN))
    (notes_a, a), (notes_b, b) = SPARSE
    truth = [*SECTION[a:b], *notes_a, *SECTION[b:], *notes_b]
    assert cer("\n".join(truth), r.text) <= 0.03
    where = [position(r.text, piece) for piece in
             (SECTION[a][:8], SECTION[b - 1][-8:], *notes_a, SECTION[b][:8], SECTION[-1][-8:], *notes_b)]
    assert 0 <= where[0] and where == sorted(where), where
