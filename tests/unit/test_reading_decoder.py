"""The decoder keeps a thin glyph whose one time step the blank won by a hair."""
import numpy as np

from pipeline.ctc import CtcDecoder

CHARSET = ["a", "b", "l", "‘", "’", "1", "s", "o", "p", "A", "B", "i"]
BLANK = 0


def _probs(rows):
    """Each row: {class index or character: probability}; the rest is spread evenly."""
    dec = CtcDecoder(CHARSET)
    out = np.zeros((len(rows), dec.num_classes), dtype=np.float32)
    for t, row in enumerate(rows):
        for k, p in row.items():
            out[t, k if isinstance(k, int) else dec.classes.index(k)] = p
    return out


def test_glyph_within_margin_of_the_blank_is_kept():
    p = _probs([{"a": 1.0}, {" ": 1.0}, {BLANK: 0.43, "‘": 0.42, " ": 0.15}, {BLANK: 1.0}, {"b": 1.0}])
    assert CtcDecoder(CHARSET).decode(p).text == "a ‘b"
    assert CtcDecoder(CHARSET, blank_margin=0.0).decode(p).text == "a b"


def test_clear_blank_or_weak_glyph_stays_blank():
    assert CtcDecoder(CHARSET).decode(_probs([{"a": 1.0}, {BLANK: 0.7, "‘": 0.3}, {"b": 1.0}])).text == "ab"
    assert CtcDecoder(CHARSET).decode(_probs([{"a": 1.0}, {BLANK: 0.5, "‘": 0.25, "’": 0.25}, {"b": 1.0}])).text == "ab"


def test_blank_between_two_equal_letters_is_not_filled():
    # `all`: the blank step separating the two l's must stay, or they merge into one.
    p = _probs([{"a": 1.0}, {"l": 1.0}, {BLANK: 0.5, "l": 0.45}, {"l": 1.0}])
    assert CtcDecoder(CHARSET).decode(p).text == "all"


def test_digit_between_lower_case_letters_reads_as_the_letter_it_resembles():
    # `s1oppy` from a typewriter font: the 1 wins, the l has a few per cent.
    rows = [{"s": 1.0}, {"1": 0.94, "l": 0.05, "i": 0.01}, {"o": 1.0}, {BLANK: 1.0}, {"p": 1.0}]
    assert CtcDecoder(CHARSET).decode(_probs(rows)).text == "slop"


def test_digit_stays_a_digit_without_letter_weight_or_between_capitals():
    assert CtcDecoder(CHARSET).decode(_probs([{"s": 1.0}, {"1": 0.995, "l": 0.005}, {"o": 1.0}])).text == "s1o"
    assert CtcDecoder(CHARSET).decode(_probs([{"A": 1.0}, {"1": 0.9, "l": 0.1}, {"B": 1.0}])).text == "A1B"
    assert CtcDecoder(CHARSET).decode(_probs([{"1": 0.9, "l": 0.1}, {"o": 1.0}])).text == "1o"


def test_pipe_glued_to_a_word_is_a_backslash_when_the_model_weighs_one():
    charset = [*CHARSET, "|", "\\", "t", "e", "x"]
    dec = CtcDecoder(charset)

    def probs(rows):
        out = np.zeros((len(rows), dec.num_classes), dtype=np.float32)
        for t, row in enumerate(rows):
            for k, p in row.items():
                out[t, k if isinstance(k, int) else dec.classes.index(k)] = p
        return out

    # `|textwidth` for `\textwidth`: the backslash has a sixth of the weight.
    assert dec.decode(probs([{"|": 0.8, "\\": 0.17}, {"t": 1.0}, {"e": 1.0}, {"x": 1.0}])).text == "\\tex"
    # A table rule or a shell pipe, spaced or without backslash weight, stays.
    assert dec.decode(probs([{"a": 1.0}, {" ": 1.0}, {"|": 0.9, "\\": 0.1}, {" ": 1.0}, {"b": 1.0}])).text == "a | b"
    assert dec.decode(probs([{"a": 1.0}, {"|": 0.999}, {"b": 1.0}])).text == "a|b"


def _decode_word(word, weights, charset=CHARSET):
    """Decode ``word`` spelled one character per step, blanks between; ``weights``
    maps a position to the (digit, letter) probabilities the model gave there."""
    dec = CtcDecoder(charset)
    rows = []
    for i, ch in enumerate(word):
        row = {ch: 1.0}
        if i in weights:
            digit, letter = weights[i]
            row = {"1": digit, "l": letter}
        rows += [row, {BLANK: 1.0}]
    out = np.zeros((len(rows), dec.num_classes), dtype=np.float32)
    for t, row in enumerate(rows):
        for k, p in row.items():
            out[t, k if isinstance(k, int) else dec.classes.index(k)] = p
    return dec.decode(out).text


def test_a_run_of_ones_inside_a_word_reads_as_the_letters():
    # `\Co11ect` and `fi11` in a typewriter font: two 1s side by side, each with some l weight.
    assert _decode_word("ba11s", {2: (0.9, 0.1), 3: (0.9, 0.1)}) == "balls"


def test_a_one_at_the_edge_of_a_lower_case_word_reads_as_l_when_the_model_weighs_l():
    assert _decode_word("boo1 ", {3: (0.8, 0.2)}) == "bool"  # `boo1` for bool
    assert _decode_word(" 1ips", {1: (0.7, 0.3)}) == "lips"  # `1atex` for latex
    # At a word's edge a digit may be meant (var1): a trace of l weight is not enough.
    assert _decode_word("boo1 ", {3: (0.98, 0.02)}) == "boo1"
    # Nor after a single letter (z1, v1.2), nor before a dimension's unit (1pt).
    assert _decode_word("s1 ", {1: (0.7, 0.3)}) == "s1"
    assert _decode_word(" 1pt", {1: (0.7, 0.3)}, [*CHARSET, "t"]) == "1pt"


def test_a_run_of_ones_reads_as_letters_when_one_of_them_weighs_the_letter():
    # `\hrulefi11` in a typewriter font: the first 1 has a quarter of l weight, the second a trace.
    assert _decode_word("bi11 ", {2: (0.735, 0.264), 3: (0.983, 0.017)}) == "bill"


def test_a_one_after_an_l_is_the_doubled_l_on_a_trace_of_weight():
    # `Smal1`, `overful1`: the model reads the second l of a pair as the digit, with under 5 % on l.
    assert _decode_word("sbal1 ", {4: (0.994, 0.006)}) == "sball"
    assert _decode_word("pal1s", {3: (0.992, 0.008)}) == "palls"
    # Without any l weight the digit stays; after another letter a trace is still not enough.
    assert _decode_word("pol1 ", {3: (0.999, 0.0)}) == "pol1"
    assert _decode_word("boo1 ", {3: (0.99, 0.01)}) == "boo1"


def test_a_run_of_different_digits_is_judged_digit_by_digit():
    # `fo01` for `foo1`: the 0 weighs o, the 1 only a trace of l (a variable's index stays).
    dec = CtcDecoder([*CHARSET, "0", "O"])
    rows = [{"b": 1.0}, {BLANK: 1.0}, {"o": 1.0}, {BLANK: 1.0}, {"0": 0.7, "o": 0.3}, {BLANK: 1.0},
            {"1": 0.98, "l": 0.02}, {BLANK: 1.0}, {" ": 1.0}]
    probs = np.zeros((len(rows), dec.num_classes), dtype=np.float32)
    for t, row in enumerate(rows):
        for k, p in row.items():
            probs[t, k if isinstance(k, int) else dec.classes.index(k)] = p
    assert dec.decode(probs).text == "boo1"


def test_a_one_after_a_digit_joining_two_words_reads_as_l_when_the_model_weighs_l():
    # `rtf21atex` for rtf2latex: the word after the digit is at a word's edge.
    charset = [*CHARSET, *"rtfxe2"]
    assert _decode_word("rtf21atex", {4: (0.8, 0.2)}, charset) == "rtf2latex"
    # A trace of l weight is not enough; nor a number's ordinal or unit, nor after a lone letter.
    assert _decode_word("rtf21atex", {4: (0.98, 0.02)}, charset) == "rtf21atex"
    assert _decode_word("tex21st ", {4: (0.7, 0.3)}, charset) == "tex21st"
    assert _decode_word("f21ast ", {2: (0.7, 0.3)}, charset) == "f21ast"
    assert _decode_word("tb921aste", {4: (0.7, 0.3)}, [*charset, "9"]) == "tb921aste"  # a file's number
