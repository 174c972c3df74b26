"""The decoder keeps a thin glyph whose one time step the blank won by a hair."""
import numpy as np

from pipeline.ctc import CtcDecoder

CHARSET = ["a", "b", "l", "‘", "’"]
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
