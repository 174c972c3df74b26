"""A full stop read as a comma before the next sentence (``\\hangafter, If``): on scanned serif pages
the recognizer reads about one sentence point in a hundred so, often weighing the point a third to a
half. A comma before a capitalised word that the model also weighed as a point is now told from its
ink: a point rests on the baseline, a comma's tail hangs below it (pipeline/sentence_points.py)."""
from __future__ import annotations
import random
import re
from dataclasses import replace
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.sentence_points import sentence_points
from tests.factories import encode_png, render_text_image
from tests.line_crops import recognizer_crop

_WORDS = "the left margin hand paper rule line table index value program style reading developers description".split()
_CAPS = "If On You First As Remember The When This Each".split()


def _paragraphs(seed: int) -> list[str]:
    """Ten paragraphs of four sentences each; each sentence ends in a point or a comma, and the next
    one starts with a capital either way."""
    rng = random.Random(seed)
    paras = []
    for _ in range(10):
        sentences = []
        for _ in range(4):
            first = rng.choice(_CAPS)
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 6)))
            sentences.append(f"{first} {words}{rng.choice(['.', '.', ','])}")
        paras.append(" ".join(sentences))
    return paras


def _marks(text: str) -> list[str]:
    return re.findall(r"\w([.,]) [A-Za-z]", " ".join(text.split()))


# Pages (text seed, size in px, scan seed) on which main read one sentence point as a comma.
@pytest.mark.parametrize("text_seed,size,scan_seed", [(0, 26, 0), (1, 22, 1)])
def test_sentence_points_read_as_commas_come_back(engine, text_seed, size, scan_seed):
    paras = _paragraphs(text_seed)
    scan, params = scan_like(render_text_image(paras, font="serif", size_px=size), scan_seed)
    page = next(engine.process(encode_png(scan), Options()))
    truth, read = _marks(" ".join(paras)), _marks(page.text)
    assert len(read) == len(truth), (params, page.text)
    # Every point a point, and no comma before a capital made a point.
    assert read == truth, (params, [(i, a, b) for i, (a, b) in enumerate(zip(truth, read)) if a != b])


@pytest.mark.parametrize("scan", [False, True])
def test_only_the_point_is_changed(engine, scan):
    """The step on its own, on a mark read as a comma weighed as a point too: made a point where the
    print has a point before a capital, left a comma where the print has one, where a small letter
    follows, and before an initial."""
    cases = [("from the left. On the other", True), ("from the left, On the other", False),
             ("from the left. on the other", False), ("read by Goossens. M. and", False)]
    for text, made_point in cases:
        crop = recognizer_crop(text, "serif", 30, scan=scan)
        line = engine.recognizer([crop])[0]
        k = next(i for i, c in enumerate(line.chars) if c.char in ".,")
        assert line.text[:k] == text[:k], line.text
        chars = list(line.chars)
        chars[k] = replace(chars[k], char=",", second=".")
        out = sentence_points([replace(line, chars=tuple(chars))], lambda idx: [crop for _ in idx])[0]
        assert (out.chars[k].char == ".") == made_point, (text, scan, out.text)


def _forced_comma(engine, text: str, at: int, scan: bool):
    """``text``'s line as the recognizer reads it, with the mark at ``at`` (read right) made a comma the
    model also weighed as a point, and the crop it was read from."""
    crop = recognizer_crop(text, "serif", 30, scan=scan)
    line = engine.recognizer([crop])[0]
    assert line.text[: at + 1].replace(",", ".") == text[: at + 1].replace(",", "."), line.text
    chars = list(line.chars)
    chars[at] = replace(chars[at], char=",", second=".")
    return replace(line, chars=tuple(chars)), crop


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize(("text", "at", "made_point"), [
    # After a word's closing quote, before a capital: told from the ink.
    ("and is addressed as \"you\". You accept the terms", 25, True),
    ("and is addressed as \"you\", You accept the terms", 25, False),
    # Before a small letter the text leaves it a comma, whatever the ink.
    ("and is addressed as \"you\". you accept the terms", 25, False),
    # Before a closing bracket.
    ("(some files dropped, missing dependencies, etc.). You", 46, True),
    ("the pairs (one, two, three, four,) and so on", 32, False),
])
def test_commas_after_closing_marks(engine, text, at, made_point, scan):
    line, crop = _forced_comma(engine, text, at, scan)
    out = sentence_points([line], lambda idx: [crop for _ in idx])[0]
    assert (out.chars[at].char == ".") == made_point, (text, scan, out.text)


@pytest.mark.parametrize(("text", "at", "made_point"), [
    ("to write several .aux files, each of them", 17, True),
    ("the first .bib file and the second", 10, True),
    # A lone letter after it, or a comma after a word: left as read.
    ("the points x .y and z", 13, False),
    ("the first list, and the second", 14, False),
])
def test_a_comma_that_opens_a_word_is_a_point(engine, text, at, made_point):
    line, crop = _forced_comma(engine, text, at, True)
    out = sentence_points([line], lambda idx: [crop for _ in idx])[0]
    assert (out.chars[at].char == ".") == made_point, (text, out.text)


def test_a_comma_entry_in_a_list_stays_a_comma(engine):
    """An index lists the comma itself among its entries (``package, , xxxi, 73``): after the list's
    comma a comma alone is an entry, not an extension's point."""
    text = "the entries package, , xxxi, 73, 296"
    line, crop = _forced_comma(engine, text, 21, True)
    out = sentence_points([line], lambda idx: [crop for _ in idx])[0]
    assert out.chars[21].char == ",", out.text
