"""An l or I read as a vertical bar inside a word told by its foot on the baseline (pipeline/bar_letters.py).
Lines rendered in real fonts and read by the real recognizer; the letter then written ``|`` as a blurred
scan gets it read. Real bars (``[on|off]``) and a line of alternatives' bars stay bars."""
from dataclasses import replace
import numpy as np
import pytest
from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from tests.line_crops import recognizer_crop

FONTS = ["mono", "sans", "serif"]


def _read(engine, text: str, font: str, scan: bool) -> tuple[DecodedLine, np.ndarray, np.ndarray]:
    """The line as read (mended), its 48-px crop, and the model's class weights for each time step."""
    rec = engine.recognizer
    crop = recognizer_crop(text, font, 30, scan)
    probs = rec.session.run(rec.network_input([crop]))[0]
    [line] = rec([crop])
    return line, crop, probs


def _as_bars(line: DecodedLine, chars: str) -> DecodedLine:
    return DecodedLine(tuple(replace(c, char="|") if c.char in chars else c for c in line.chars), line.steps)


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
# Not here: a word's I read as a bar (``|nsert``) comes back in sans only (mono's and serif's I stand on
# serifs whose foot the step does not find).
@pytest.mark.parametrize("text", ["7.3 Tools/Default Language", "6.2 Table/Rule Width", "7.2 Tools/Labels"])
def test_an_l_or_i_read_as_a_bar_in_a_word_comes_back(engine, font, scan, text):
    from pipeline.bar_letters import bar_letters

    line, crop, probs = _read(engine, text, font, scan)
    assert line.text == text
    k = next(i for i, c in enumerate(line.chars) if c.char in "lI")
    misread = DecodedLine(tuple(replace(c, char="|") if i == k else c for i, c in enumerate(line.chars)), line.steps)
    assert bar_letters(misread, LineInk(crop), probs, engine.recognizer.decoder.index).text == text


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
def test_a_line_of_several_bars_keeps_them(engine, font, scan):
    from pipeline.bar_letters import bar_letters

    # Two ls read as bars make a line of alternatives: neither is judged.
    line, crop, probs = _read(engine, "7.3 Tools/Default Language", font, scan)
    misread = _as_bars(line, "l")
    assert misread.text.count("|") == 2
    assert bar_letters(misread, LineInk(crop), probs, engine.recognizer.decoder.index) is misread


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
def test_a_real_bar_read_as_a_bar_stays(engine, font, scan):
    # Guard (with or without the step): where the whole mending reads a real bar between letters, it stays.
    line, _, _ = _read(engine, "grid [on|off] set state", font, scan)
    assert line.text in ("grid [on|off] set state", "grid [onloff] set state")  # the model reads mono's and serif's bar l
    if font == "sans":
        assert line.text == "grid [on|off] set state"


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("text", ["IBAN: DE89 3704 0044 0532 0130 00", "IBAN DE44 5001 0517 5407 3249 31"])
def test_an_all_caps_words_i_read_as_a_bar_comes_back_as_i(engine, scan, text):
    # An invoice's ``|BAN``: the label an extractor looks for. Sans only, as above.
    from pipeline.bar_letters import bar_letters

    line, crop, probs = _read(engine, text, "sans", scan)
    assert line.text == text
    k = next(i for i, c in enumerate(line.chars) if c.char == "I")
    misread = DecodedLine(tuple(replace(c, char="|") if i == k else c for i, c in enumerate(line.chars)), line.steps)
    assert bar_letters(misread, LineInk(crop), probs, engine.recognizer.decoder.index).text == text


@pytest.mark.parametrize("scan", [False, True])
def test_a_camel_case_l_before_a_capital_stays_an_l(engine, scan):
    from pipeline.bar_letters import bar_letters

    line, crop, probs = _read(engine, "set fullName and path", "sans", scan)
    assert line.text == "set fullName and path"
    k = line.text.index("lN")
    misread = DecodedLine(tuple(replace(c, char="|") if i == k else c for i, c in enumerate(line.chars)), line.steps)
    assert bar_letters(misread, LineInk(crop), probs, engine.recognizer.decoder.index).text == line.text


@pytest.mark.parametrize("scan", [False, True])
def test_a_real_bar_before_capitals_stays(engine, scan):
    # Sans' bar reads as an I here; written back as the bar it is, its foot below the baseline keeps it one.
    from pipeline.bar_letters import bar_letters

    line, crop, probs = _read(engine, "ls -l |GREP out", "sans", scan)
    k = line.text.index("GREP") - 1
    as_bar = DecodedLine(tuple(replace(c, char="|") if i == k else c for i, c in enumerate(line.chars)), line.steps)
    assert as_bar.text.count("|") == 1
    assert bar_letters(as_bar, LineInk(crop), probs, engine.recognizer.decoder.index).text == as_bar.text
