"""Margin notes set so close to their entry's first line that the detector takes the two as one line
(fduthesis, ctex: an option's name a word space from its description) are cut off that line and read
after their entry, as a note set a clear gutter away is (``pipeline/joined_notes.py``)."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import EN_TEXT, _pil_font, cer, degrade, render_text_image
from tests.unit.test_page_order import SCAN, justified, paste, position, read

# (notes, body lines, gap in pixels between the notes' right edge and the body)
ENTRIES = [(["style/logo-size", "New: 2017-08-10"], EN_TEXT[0:2], 56),
           (["info/title"], EN_TEXT[2:4], 12),
           (["info/degree", "New: 2018-02-01"], EN_TEXT[4:6], 56),
           (["info/author"], EN_TEXT[6:8], 12),
           (["info/supervisor"], EN_TEXT[8:10], 12),
           (["info/major", "New: 2019-03-12"], EN_TEXT[10:12], 56)]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def joined_notes_page() -> np.ndarray:
    """An options page: body paragraphs, each with its option name (and dates) in smaller type flush right
    in the left margin, its first line level with the entry's first line; half of them a word space away."""
    page = np.full((2000, 1654), 255, np.uint8)
    font = _pil_font("mono", 18)
    y = 120
    for notes, body, gap in ENTRIES:
        for k, note in enumerate(notes):
            block = render_text_image([note], font="mono", size_px=18, width=400, margin=0, line_gap=1.3)
            x = 440 - gap - round(font.getlength(note))
            paste(page, block[:, :round(font.getlength(note)) + 4], x, y + 8 + k * 26)
        below = paste(page, justified(body, 800, size_px=30), 440, y)
        y = max(below, y + 26 * len(notes)) + 36
    return page


def test_notes_joined_to_their_entry_are_read_after_it(engine):
    r = read(engine, degrade(joined_notes_page(), **SCAN))
    truth = [line for notes, body, _ in ENTRIES for line in [*body, *notes]]
    assert cer("\n".join(truth), r.text) <= 0.03
    where = [position(r.text, piece) for notes, body, _ in ENTRIES for piece in
             (body[0][:20], body[-1][-20:], notes[0], notes[-1][-6:])]
    assert 0 <= where[0] and where == sorted(where), where


# (side heading lines, paragraph): one-line headings beside a paragraph's first line, and one of two lines.
SIDE = [(["Basics"], " ".join(EN_TEXT[0:3])), (["Mirrors"], " ".join(EN_TEXT[3:6])),
        (["Mirrors in", "the south"], " ".join(EN_TEXT[6:9])), (["Costs"], " ".join(EN_TEXT[9:12]))]


def side_headings_page(gap: int = 22) -> np.ndarray:
    """A proposal's paragraphs, justified and set one under the other, each with its side heading in the body's
    type in the right margin, ``gap`` pixels (under a line height) past the body's edge, its first line level
    with the paragraph's first: the detector takes heading and line as one."""
    page = np.full((1900, 1654), 255, np.uint8)
    y = 150
    for heading, body in SIDE:
        below = paste(page, justified([body], 1080, size_px=30), 140, y)
        paste(page, justified(heading, 260, size_px=30), 140 + 1080 + gap, y)
        y = below + 6
    return page


def test_side_headings_joined_to_their_paragraphs_first_line_are_read_before_it(engine):
    """Cut off the line beside them, one-line side headings as well as longer ones are read before their
    paragraph (a one-line note beside a line inside a paragraph is a reference, read at its line's end)."""
    r = read(engine, degrade(side_headings_page(), **SCAN))
    assert cer("\n".join(line for heading, body in SIDE for line in [*heading, body]), r.text) <= 0.03
    where = [position(r.text, piece) for heading, body in SIDE for piece in (heading[0], heading[-1], body[:20])]
    assert 0 <= where[0] and where == sorted(where), where


LISTING = ["\\documentclass{article}", "\\begin{document}", "\\typeout{First without an underfull \\hbox}",
           *["tatata tatata tatata tatata tatata"] * 3, "\\sloppy", "\\typeout{Then with a long underfull \\hbox}",
           *["tatata tatata tatata tatata tatata"] * 3,
           "\\typeout{Last with \\string\\sloppy and an underfull \\string\\hbox}", "\\end{document}"]


def test_a_listings_lines_running_on_past_the_others_are_not_cut_as_side_headings(engine):
    """In a monospaced listing two lines run on past the others, each with a space at the same column just
    past their edge and a short word after it, below a short line: a column of side headings, but for the
    longer line reaching on there. No note stands where a line runs on: every line reads whole, in order."""
    img = render_text_image(LISTING, font="mono", size_px=24, width=1654, margin=150, line_gap=1.25)
    got = [line for line in read(engine, degrade(img, **SCAN)).text.splitlines() if line.strip()]
    assert len(got) == len(LISTING), got
    assert cer("\n".join(LISTING), "\n".join(got)) <= 0.02
