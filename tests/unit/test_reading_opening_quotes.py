"""Opening quotes lost to the word space before them are put back from the ink
(pipeline/opening_quotes.py). Lines rendered from known text, read by the real recognizer."""
import pytest
from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.opening_quotes import restore_opening_quotes
from tests.factories import cer, encode_png, render_text_image
from tests.line_crops import render_line_crop as _line

QUOTED = "‘kleenstar’ and ‘Henning’ and ‘Max’ said"


def _straight(text: str) -> str:
    return text.translate(str.maketrans("‘’“”", "''\"\""))


@pytest.mark.parametrize("font", ["serif", "serif-italic"])
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("size", [26, 30, 34])
def test_each_opening_quote_comes_out(engine, font, scan, size):
    crop = _line(QUOTED, font, size, scan)
    [line] = engine.recognizer([crop])
    read = _straight(line.text)
    assert read.count("'") == 6, read
    assert read.replace(" ", "") == _straight(QUOTED).replace(" ", "")


def test_the_decoder_alone_loses_them(engine):
    # What the module mends: without it the recognizer drops most of these opening quotes.
    crop = _line(QUOTED, "serif", 30)
    r = engine.recognizer
    x = r._resize(crop)
    probs = r.session.run(r.network_input([x]))
    bare = r.decoder.decode(probs[0], probs.shape[1])
    assert _straight(bare.text).count("'") < 6
    mended = restore_opening_quotes(bare, LineInk(x), probs[0], r.decoder.index)
    assert _straight(mended.text).count("'") == 6


def test_double_quotes_and_words_without_quotes(engine):
    crop = _line('He wrote "back" and then left', "serif", 30, True)
    [line] = engine.recognizer([crop])
    assert _straight(line.text).replace(" ", "") == 'Hewrote"back"andthenleft'
    plain = _line("Its inner workings are simple, if odd, at first sight", "serif", 30, True)
    [line] = engine.recognizer([plain])
    assert "'" not in line.text and '"' not in line.text


def test_ideographs_get_no_quote(engine):
    # Dots and ticks of ideographs are parts of them, never quotes.
    text = "这是一个测试文本，包括以下内容：心、六、冰、以及其他汉字"
    page = list(engine.process(encode_png(render_text_image([text], font="cjk", size_px=32))))[0]
    assert cer(text, page.text) < 0.05 and not any(q in page.text for q in "'\"‘’“”")


def test_a_page_reads_its_quotes_curly(engine):
    lines = ["Sam Mason, ‘kleenstar’, ‘Henning’, Ronnie Marksch, David Carlisle,",
             "Robertson, ‘user’, Ulrike Fischer, ‘Daniel’, ‘ltcomdata’, Reinhard"]
    text = list(engine.process(encode_png(render_text_image(lines, font="serif-italic", size_px=30))))[0].text
    assert text.count("‘") == 5 and text.count("’") == 5, text


@pytest.mark.parametrize("gap", [1.0, 1.25])
@pytest.mark.parametrize("size", [22, 26, 30])
def test_tightly_set_lines_keep_their_quotes(engine, gap, size):
    # Lines set close are cut close: small letters then reach 0.4 of the crop, and on lines of mostly
    # small letters the median top of the tall pieces was theirs, not the ascender line the quotes
    # hang from. On main 9–11 of the 12 opening quotes came out.
    lines = ["Sam Mason, ‘kleenstar’, ‘Henning’, Ronnie Marksch, David Carlisle, ‘Max’,",
             "Robertson, ‘user’, Ulrike Fischer, ‘Daniel’, ‘ltcomdata’, Reinhard Kotucha,",
             "Ekkehart Schlicht, ‘Canageek’, ‘dsedivec’, ‘chsk’, ‘tnull’, ‘azur’, ‘Safron’,"]
    image = render_text_image(lines, font="serif-italic", size_px=size, line_gap=gap)
    text = list(engine.process(encode_png(image)))[0].text
    assert text.count("‘") == 12 and text.count("’") == 12, text
