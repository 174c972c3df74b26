"""Curly or straight quotes told from the printed shapes (pipeline/quote_shapes.py).

The recognizer reads ‘ ’ and ' alike in many fonts, so a line's quote pairs are measured: curly ones
are mirrored commas, straight ones the same wedge on both sides. Lines are rendered from known text
in real fonts, read by the real recognizer, and their quotes then written straight, as the
recognizer reads them on scanned pages; the shapes must still tell.
"""
from dataclasses import replace
import numpy as np
import pytest
from pipeline.ctc import DecodedLine
from pipeline.page_punctuation import page_punctuation
from pipeline.quote_shapes import quote_lift
from tests.factories import encode_png, render_text_image
from tests.line_crops import render_line_crop as _line

# The recognizer often loses an opening quote to the word space before it (its time step is the
# space's), so a curly line is measured on the pairs it keeps; this one keeps a pair in both faces.
CURLY = "the words ‘first’ and ‘second’ are"
STRAIGHT = "A section \"Entitled XYZ\" means a named subunit, 'such' as"


def _read_straight(engine, crop: np.ndarray) -> DecodedLine:
    """The line as read, its quotes written straight (the recognizer's usual reading of a scan)."""
    [line] = engine.recognizer([crop])
    straight = {"‘": "'", "’": "'", "“": '"', "”": '"'}
    return DecodedLine(tuple(replace(c, char=straight.get(c.char, c.char)) for c in line.chars), line.steps)


@pytest.mark.parametrize("font", ["serif", "serif-italic"])
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("size", [26, 30])
def test_curly_pairs_look_curly(engine, font, scan, size):
    crop = _line(CURLY, font, size, scan)
    line = _read_straight(engine, crop)
    assert line.text.count("'") >= 3
    assert quote_lift(line, crop) >= 0.06


@pytest.mark.parametrize("font", ["sans", "serif", "mono"])
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("size", [26, 30, 34])
def test_straight_pairs_look_straight(engine, font, scan, size):
    crop = _line(STRAIGHT, font, size, scan)
    line = _read_straight(engine, crop)
    assert line.text.count('"') + line.text.count("'") >= 4
    assert abs(quote_lift(line, crop)) <= 0.035


def test_page_read_straight_is_made_curly_by_its_shapes(engine):
    crops = [_line(CURLY, "serif", scan=True), _line("Sam Mason, ‘kleenstar’, ‘Henning’, Ronnie", "serif-italic")]
    decoded = [_read_straight(engine, c) for c in crops]
    assert not any(q in d.text for d in decoded for q in "‘’")
    fixed = page_punctuation(decoded, lambda indices: [crops[i] for i in indices])
    # Both lines curly, decided by the shapes of the page's pairs together.
    assert "‘first’ and ‘second’" in fixed[0].text and "kleenstar’, ‘Henning’" in fixed[1].text
    # Without the images only the readings count: nothing on the page was read curly.
    assert page_punctuation(decoded)[0].text == decoded[0].text


def test_straight_quotes_stay_though_an_apostrophe_was_read_curly(engine):
    # The FDL typeset with straight double quotes; the recognizer reads the apostrophe of
    # Document’s curly, which once made the whole page's quotes curly.
    lines = ["of the Document to the Document’s overall subject (or to related",
             'A section "Entitled XYZ" means a named subunit of the Document',
             'such as "Acknowledgements", "Dedications", "Endorsements", or "History".']
    for font in ("sans", "serif"):
        text = list(engine.process(encode_png(render_text_image(lines, font=font, size_px=30))))[0].text
        assert text.split("\n") == lines
