"""A Latin word read as no English word in blurred print (``Moderm``, ``aftermoon``) becomes the English word
the recognizer's own steps support (pipeline/lexicon_words.py); words it reads surely stay as read, English
or not (names, identifiers, a non-word printed on purpose), as do words of typewriter type and code.
Lines are rendered from known text, blurred, and read by the real engine; the decisions on the model's
steps are also shown on steps written by hand."""
from __future__ import annotations
import cv2
import numpy as np
import pytest


from tests.factories import degrade
from tests.line_crops import recognizer_crop, render_line_crop

MODERN = "Modern libraries provide a number of ways to measure the quality of printed documents."
PARTY = "Whether or not the weather improves, the garden party will go ahead on Saturday afternoon."
MUSEUM = "The museum opens its doors to the public every morning except on national holidays."
COMMITTEE = "The committee agreed that the proposal should be reviewed again before the next meeting."
CHAPTER = "Beginning with the second chapter, the author describes how the machine was assembled."


def _blurred(text: str, size: int, blur: float) -> np.ndarray:
    img = degrade(render_line_crop(text, "sans", size), blur=blur, noise=6, jpeg_quality=70, seed=1)
    h, w = img.shape
    return cv2.resize(img, (round(w * 48 / h), 48), interpolation=cv2.INTER_LINEAR)


def _read(engine, crop: np.ndarray) -> str:
    [line] = engine.recognizer([crop])
    return line.text.strip()


# Without the lexicon the engine reads these Moderm, aftermoon, morming, commitee, assermbled.
@pytest.mark.parametrize("text,size,blur", [
    (MODERN, 15, 1.3), (PARTY, 15, 1.0), (MUSEUM, 15, 1.0), (COMMITTEE, 17, 1.6), (CHAPTER, 17, 1.6),
])
def test_blurred_misread_words_become_the_english_words_their_steps_support(engine, text, size, blur):
    assert _read(engine, _blurred(text, size, blur)) == text


@pytest.mark.parametrize("text,font,scan", [
    ("Professor Hogholm met Sommerfeld in Wuppertal.", "serif", False),  # names
    ("Call fminsearch or quadgk with the options.", "sans", True),  # identifiers in running text
    ("The word wbether is printed wrong on purpose.", "serif", True),  # a non-word read right
    ("set wbether and freedons to zero", "mono", True),  # typewriter type
    ("Use \\begimers and \\moderm here.", "sans", False),  # TeX commands
])
def test_words_read_surely_or_of_code_stay_as_read(engine, text, font, scan):
    assert _read(engine, recognizer_crop(text, font, 24, scan)) == text


def test_an_english_word_the_steps_hardly_support_is_not_taken():
    # Steps written by hand: the b of "wbether" weighs the h 0.3 (a blurred h) or 1e-4 (a printed b).
    from pipeline.ctc import CtcDecoder
    from pipeline.lexicon_words import lexicon_words
    from pipeline.line_ink import LineInk
    from tests.ctc_steps import steps

    dec = CtcDecoder(list("abehrtwnosiW"))
    blank_crop = LineInk(np.full((48, 400), 255, np.uint8))
    for weight, read in ((0.3, "whether or not"), (1e-4, "wbether or not")):
        probs = steps(dec, "wbether or not", "b", "h", weight)
        line = dec.decode(probs)
        fixed = lexicon_words(line, blank_crop, probs, dec.index, dec.num_classes - 1)
        assert fixed.text == read


SQUEEZE = "Several options are given for squeezing sparse arrays, assuming the first index is right."
PERMISSION = "The program produced the needed input as provided, with permission of the authors."


# Without the longer words' wider margin the engine reads these squezing, squeeting and permision: the right
# word's steps lose more than a short word may (a letter dropped), and no other English word comes near.
@pytest.mark.parametrize("text,word,blur", [(SQUEEZE, "squeezing", 1.0), (SQUEEZE, "squeezing", 1.3),
                                            (PERMISSION, "permission", 1.0)])
def test_a_long_word_with_a_letter_lost_becomes_the_english_word(engine, text, word, blur):
    img = degrade(render_line_crop(text, "serif", 15), blur=blur, noise=6, jpeg_quality=70, seed=1)
    h, w = img.shape
    crop = cv2.resize(img, (round(w * 48 / h), 48), interpolation=cv2.INTER_LINEAR)
    assert word in _read(engine, crop).split()


@pytest.mark.parametrize("text,char,second,weight,read", [
    ("two option8 a8suming", "8", "s", 0.3, "two options assuming"),  # a blurred s read 8
    ("two option8 a8suming", "8", "s", 1e-4, "two option8 a8suming"),  # an 8 printed
    ("the fi1e", "1", "l", 0.3, "the file"),  # a blurred l read 1 inside a word
    ("the fi1e", "1", "l", 1e-4, "the fi1e"),  # a 1 printed
])
def test_a_digit_read_for_a_letter_of_a_word(text, char, second, weight, read):
    from pipeline.ctc import CtcDecoder
    from pipeline.lexicon_words import lexicon_words
    from pipeline.line_ink import LineInk
    from tests.ctc_steps import steps

    dec = CtcDecoder(list("aeghilmnoprstuvwf18"))
    blank_crop = LineInk(np.full((48, 400), 255, np.uint8))
    probs = steps(dec, text, char, second, weight)
    line = dec.decode(probs)
    assert lexicon_words(line, blank_crop, probs, dec.index, dec.num_classes - 1).text == read


def _split_steps(dec, text: str, spread: dict[int, dict[str, float]]) -> np.ndarray:
    """Steps reading ``text``, a step per character and a blank after each, where the character at each
    position of ``spread`` spreads its weight over its characters (``""``: the blank)."""
    n, space = dec.num_classes, dec.num_classes - 1
    rows = []
    for i, ch in enumerate(text):
        row = np.full(n, 1e-4, dtype=np.float32)
        for c, w in spread.get(i, {ch: 0.9}).items():
            row[space if c == " " else 0 if c == "" else dec.index[c]] = w
        blank = np.full(n, 1e-4, dtype=np.float32)
        blank[0] = 0.9
        rows += [row, blank]
    return np.stack(rows)


@pytest.mark.parametrize("weights,read", [
    ({"s": 0.5, "v": 0.22, "t": 0.18}, "a notice placed"),  # the steps barely tell novice from notice: the common word
    ({"s": 0.5, "v": 0.38, "t": 0.02}, "a novice placed"),  # the steps choose the rare word: it stays chosen
])
def test_a_near_tie_of_english_words_goes_to_the_common_one(weights, read):
    from pipeline.ctc import CtcDecoder
    from pipeline.lexicon_words import lexicon_words
    from pipeline.line_ink import LineInk

    dec = CtcDecoder(list("acdeilnopstv"))
    blank_crop = LineInk(np.full((48, 400), 255, np.uint8))
    probs = _split_steps(dec, "a nosice placed", {4: weights})
    line = dec.decode(probs)
    assert lexicon_words(line, blank_crop, probs, dec.index, dec.num_classes - 1).text == read


@pytest.mark.parametrize("n_weight,gap,read", [
    (0.05, 0.02, "the corporation here"),  # corporator, a rare word, comes within the margin: it counts for less
    (1e-4, 1e-4, "the corporatior here"),  # neither the n nor a gap for the i seen: kept as read
])
def test_a_rare_rival_does_not_hold_back_a_long_word(n_weight, gap, read):
    from pipeline.ctc import CtcDecoder
    from pipeline.lexicon_words import lexicon_words
    from pipeline.line_ink import LineInk

    dec = CtcDecoder(list("acehinoprt"))
    blank_crop = LineInk(np.full((48, 400), 255, np.uint8))
    text = "the corporatior here"
    probs = _split_steps(dec, text, {12: {"i": 0.9 - gap, "": gap}, 14: {"r": 0.9 - n_weight, "n": n_weight}})
    line = dec.decode(probs)
    assert lexicon_words(line, blank_crop, probs, dec.index, dec.num_classes - 1).text == read
