"""Margin notes on clean renders, where the detector's boxes hug their glyphs (a gap of about half a box
between lines at the body's pitch; a scan's blur grows the boxes until they nearly touch): a side heading's
lines in the right margin read together before the paragraph they stand beside, and option names in a
small mono type (two to a note, set closer than the body) read after their entry, although their boxes
stand as tall as the Chinese body's."""
import numpy as np
import pytest

from pipeline import Engine, EngineConfig
from tests.factories import ZH_TEXT, cer, render_text_image
from tests.unit.test_margin_notes_edge import put_notes
from tests.unit.test_layout import lines, order
from tests.unit.test_page_order import paste, position, read

BODY_X, SIZE, PITCH = 200, 32, 52


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def body_block(lines: list[str], width: int = 1000) -> np.ndarray:
    return render_text_image(lines, font="cjk-serif", size_px=SIZE, width=width, margin=0, line_gap=PITCH / SIZE)


# Paragraphs of four full lines and a short one, a side heading of two lines beside each, in the body's type.
_TEXT = "".join(ZH_TEXT)
PARAGRAPHS = [[_TEXT[n:n + 30] for n in range(k, k + 120, 30)] + [_TEXT[k + 120:k + 134]] for k in (0, 134, 268)]
HEADINGS = [["边注第一行文", "边注第二行"], ["第二个边注标", "分两行排列"], ["第三个边注标", "也分两行"]]


def side_headings_page() -> np.ndarray:
    page = np.full((1400, 1654), 255, np.uint8)
    y = 80
    for lines, heading in zip(PARAGRAPHS, HEADINGS):
        paste(page, render_text_image(heading, font="cjk", size_px=SIZE, width=300, margin=0,
                                      line_gap=PITCH / SIZE), BODY_X + 1140, y)
        y = paste(page, body_block(lines, 1100), BODY_X, y) + PITCH
    return page


def test_a_side_headings_lines_on_a_clean_render_are_read_together_before_its_paragraph(engine):
    r = read(engine, side_headings_page())
    truth = [line for lines, heading in zip(PARAGRAPHS, HEADINGS) for line in [*heading, *lines]]
    assert cer("\n".join(truth), r.text) <= 0.02
    where = [position(r.text, piece) for lines, heading in zip(PARAGRAPHS, HEADINGS)
             for piece in (*heading, lines[0][:10], lines[-1][-10:])]
    assert 0 <= where[0] and where == sorted(where), where


# Entries of one or two Chinese lines, each with a note of two option names (ctex's options pages), the
# entries a blank line apart; the notes' lines 38 px apart against the body's 52.
NOTE_SIZE, NOTE_PITCH = 34, 38
ENTRIES = [(["cs4size", "c5size"], ZH_TEXT[0:2]), (["indent", "noindent"], ZH_TEXT[2:3]),
           (["winfonts", "nofonts"], ZH_TEXT[3:5]), (["punct", "nopunct"], ZH_TEXT[5:6]),
           (["cap", "nocap"], ZH_TEXT[6:8]), (["space", "nospace"], ZH_TEXT[8:9])]


def option_names_page() -> np.ndarray:
    page = np.full((1700, 1654), 255, np.uint8)
    y = 80
    for notes, lines in ENTRIES:
        put_notes(page, notes, y, NOTE_SIZE, NOTE_PITCH)
        y = paste(page, body_block(lines, 1200), 440, y) + 60
    return page


def test_option_names_beside_a_chinese_body_on_a_clean_render_are_read_after_their_entry(engine):
    r = read(engine, option_names_page())
    truth = [line for notes, lines in ENTRIES for line in [*lines, *notes]]
    assert cer("\n".join(truth), r.text) <= 0.02
    where = [position(r.text, piece) for notes, lines in ENTRIES
             for piece in (lines[0][:8], lines[-1][-8:], *notes)]
    assert 0 <= where[0] and where == sorted(where), where


def two_line_terms(term_step: int) -> list[list[float]]:
    """A definition list in boxes: terms of two lines ``term_step`` apart in a narrow column beside their
    descriptions of three lines (44 px apart), the entries a blank line apart; the boxes hug their glyphs."""
    out = []
    for k in range(5):
        y = 100 + k * 180
        out += lines(150, 400, y, 2, h=34, step=term_step)
        out += lines(440, 1500, y, 3, h=34, step=44)
    return out


def test_terms_of_two_lines_at_the_bodys_pitch_still_read_row_by_row():
    # Guard: terms set in the body's type (its box heights, its pitch) are a definition list, read as it stands:
    # each term's line before the description's line level with it.
    assert order(two_line_terms(44)) == [5 * k + j for k in range(5) for j in (0, 2, 1, 3, 4)]


def test_names_of_two_lines_set_closer_than_the_body_are_read_after_their_entry():
    got = order(two_line_terms(28))
    for k in range(5):  # the description's three lines, then the two names
        assert got[5 * k:5 * k + 5] == [5 * k + 2, 5 * k + 3, 5 * k + 4, 5 * k, 5 * k + 1]
