"""Closing quotes lost over the comma after them are put back from the ink
(pipeline/opening_quotes.py, restore_closing_quotes). Lines rendered from known text, read by the real
recognizer."""
import pytest


from pipeline.line_ink import LineInk
from pipeline.opening_quotes import restore_closing_quotes, restore_opening_quotes
from tests.line_crops import render_line_crop as _line

NAMES = "‘tnull’, ‘azur’, ‘Safron’, ‘frafl’, Joel"
# Where the recognizer alone reads the last or first name's closing quote not at all (checked below).
LOST = [("serif-italic", 26, False), ("serif-italic", 30, True)]


def _straight(text: str) -> str:
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def _bare(engine, crop):
    """The line as the decoder reads it, before any mending; its crop, weights and classes."""
    r = engine.recognizer
    x = r._resize(crop)
    probs = r.session.run(r.network_input([x]))[0]
    return r.decoder.decode(probs, probs.shape[0]), x, probs, r.decoder.index


@pytest.mark.parametrize("font,size,scan", LOST)
def test_a_closing_quote_over_a_comma_comes_back(engine, font, size, scan):
    crop = _line(NAMES, font, size, scan)
    bare, x, probs, index = _bare(engine, crop)
    ink = LineInk(x)
    opened = restore_opening_quotes(bare, ink, probs, index)  # the step before
    assert _straight(opened.text).count("'") < 8, opened.text  # a closing one is lost
    mended = restore_closing_quotes(opened, ink, probs, index)
    assert _straight(mended.text).count("'") == 8, mended.text
    [line] = engine.recognizer([crop])
    assert _straight(line.text).replace(" ", "") == _straight(NAMES).replace(" ", ""), line.text


@pytest.mark.parametrize("font", ["serif", "serif-italic", "sans"])
@pytest.mark.parametrize("scan", [False, True])
def test_no_quote_where_none_is_printed(engine, font, scan):
    # i's and j's dots, accents, apostrophes read already, capitals (C's beak) before a comma.
    for text in ["Its inner workings, if odd, are simple; fix it, Jill, then quit.",
                 "café, naïve, résumé, déjà vu, and piñata, all fine",
                 "don't, can't, it's 'quoted', the 1990's.",
                 "Web2C, GCC, ABC, SVG; the JPG, Fig, PDF."]:
        [line] = engine.recognizer([_line(text, font, 30, scan)])
        bare = _bare(engine, _line(text, font, 30, scan))[0]
        assert _straight(line.text).count("'") <= _straight(bare.text).count("'"), (bare.text, line.text)
