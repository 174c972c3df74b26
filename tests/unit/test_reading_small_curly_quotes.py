"""Small curly quotes in a column of a manual's table (octave's colour table: ‘k’, "black" — the letters quoted
curly in the roman face, the names straight in typewriter): at a small size each quote is a few pixels, its
measured lean (pipeline/quote_shapes.py) is small, and the page's median lean can fall under the curly bar though
every line leans the curly way. Straight pairs scatter both ways about none. Lines rendered from known text, read
by the recognizer with their quotes written straight (as on the scans), judged together as a page."""
from __future__ import annotations
from dataclasses import replace
import pytest
from pipeline.ctc import DecodedLine
from pipeline.page_punctuation import page_punctuation
from tests.factories import degrade
from tests.line_crops import render_mixed_line

COLOURS = [("k", "black"), ("r", "red"), ("g", "green"), ("b", "blue"), ("y", "yellow"), ("m", "magenta"),
           ("c", "cyan"), ("w", "white")]


def _page(engine, quotes: str, font: str, seed: int):
    crops, decoded = [], []
    for i, (a, b) in enumerate(COLOURS):
        crop = render_mixed_line([(f"{quotes[0]}{a}{quotes[1]}, ", font), (f'"{b}"', "mono")], 20)
        crop = degrade(crop, blur=0.8, noise=6, jpeg_quality=70, seed=seed * 10 + i)
        [line] = engine.recognizer([crop])
        straight = {"‘": "'", "’": "'"}
        crops.append(crop)
        decoded.append(DecodedLine(tuple(replace(c, char=straight.get(c.char, c.char)) for c in line.chars), line.steps))
    return decoded, crops


def test_small_curly_quotes_all_leaning_curly_make_the_page_curly(engine):
    decoded, crops = _page(engine, "‘’", "serif", 1)
    fixed = page_punctuation(decoded, lambda indices: [crops[i] for i in indices])
    assert [d.text for d in fixed] == [f'‘{a}’, "{b}"' for a, b in COLOURS]


@pytest.mark.parametrize("font", ["mono", "serif"])
@pytest.mark.parametrize("seed", [1, 2])
def test_small_straight_quotes_stay_straight(engine, font, seed):
    decoded, crops = _page(engine, "''", font, seed)
    fixed = page_punctuation(decoded, lambda indices: [crops[i] for i in indices])
    assert not any(q in d.text for d in fixed for q in "‘’“”"), [d.text for d in fixed]


@pytest.mark.parametrize("read,want", [("the character ‘#' and", "the character ‘#’ and"),
                                       ("'-', '+' and '-.'", "‘-’, ‘+’ and ‘-.’"),
                                       ("it's 5' tall", "it’s 5' tall"), ("' x'", "' x’")])
def test_a_quoted_mark_closes_and_opens_curly(read, want):
    from pipeline.ctc import DecodedChar
    from pipeline.punctuation import curly_quotes
    chars = [DecodedChar(c, 0.9, k, k + 1) for k, c in enumerate(read)]
    assert "".join(c.char for c in curly_quotes(chars, "'")) == want
