"""Greedy CTC decoding on hand-built probability matrices."""
import numpy as np
import pytest

from pipeline.ctc import CtcDecoder, split_words

CHARSET = ["a", "b", "c", "中", "文", "(", ")", ",", "."]
DEC = CtcDecoder(CHARSET)
BLANK, SPACE = 0, len(CHARSET) + 1


def probs(seq, conf=0.9):
    """One time step per entry: a class index (or a character) with ``conf``."""
    n = DEC.num_classes
    out = np.full((len(seq), n), (1 - conf) / (n - 1), dtype=np.float32)
    for t, s in enumerate(seq):
        idx = s if isinstance(s, int) else (SPACE if s == " " else CHARSET.index(s) + 1)
        out[t, idx] = conf
    return out


def test_merges_repeats_and_drops_blanks():
    line = DEC.decode(probs([BLANK, "a", "a", BLANK, "b", "b", "b", BLANK]))
    assert line.text == "ab"
    assert [(c.start, c.end) for c in line.chars] == [(1, 3), (4, 7)]


def test_blank_separates_double_letters():
    assert DEC.decode(probs(["a", BLANK, "a", "b"])).text == "aab"


def test_confidence_per_character_and_line():
    p = probs(["a", "b"])
    p[1] = 0.0
    p[1, CHARSET.index("b") + 1] = 0.5
    p[1, BLANK] = 0.5 - 1e-3
    line = DEC.decode(p)
    assert line.text == "ab"
    assert line.chars[0].confidence == pytest.approx(0.9, abs=1e-6)
    assert line.chars[1].confidence == pytest.approx(0.5, abs=1e-6)
    assert line.confidence == pytest.approx(0.7, abs=1e-6)


def test_latin_spaces_kept_once_and_trimmed():
    line = DEC.decode(probs([" ", "a", " ", BLANK, " ", "b", " "]))
    assert line.text == "a b"


def test_no_space_between_cjk_characters():
    assert DEC.decode(probs(["中", " ", "文", " ", "a"])).text == "中文 a"


def test_bracket_widths_are_not_guessed_from_context():
    # Full-width or ASCII is read from the line image (pipeline/punct_widths.py), not from the neighbours.
    assert DEC.decode(probs(["中", "(", "a", ")", "文"])).text == "中(a)文"
    assert DEC.decode(probs(["中", ",", "文"])).text == "中,文"
    assert DEC.decode(probs(["a", BLANK, "(", "b", ")", ",", "c"])).text == "a(b),c"


def test_padding_steps_are_ignored():
    assert DEC.decode(probs(["a", "b", "c", "c"]), steps=3).text == "abc"


def test_empty_and_all_blank():
    line = DEC.decode(probs([BLANK, BLANK]))
    assert line.text == "" and line.confidence == 0.0 and split_words(line) == []


def test_class_count_mismatch_is_an_error():
    with pytest.raises(ValueError, match="classes"):
        DEC.decode(np.zeros((3, DEC.num_classes + 1), dtype=np.float32))


def test_words_follow_character_positions():
    # "ab c" over 10 steps: "ab" occupies steps 0-3, "c" steps 7-9.
    line = DEC.decode(probs(["a", "a", "b", "b", BLANK, " ", BLANK, "c", "c", "c"]))
    words = split_words(line)
    assert [w[0] for w in words] == ["ab", "c"]
    (_, _, s0, e0), (_, _, s1, e1) = words
    assert s0 == pytest.approx(0.0) and e0 == pytest.approx(0.4)
    assert s1 == pytest.approx(0.7) and e1 == pytest.approx(1.0)
    assert all(0 < w[1] <= 1 for w in words)


def test_curly_quotes_when_the_line_has_them():
    from pipeline.punctuation import normalize_punctuation
    from pipeline.ctc import DecodedChar

    def fix(s):
        return "".join(c.char for c in normalize_punctuation([DecodedChar(ch, 1.0, i, i + 1) for i, ch in enumerate(s)]))

    assert fix('(the “Agreement") and "Client" here') == "(the “Agreement”) and “Client” here"
    assert fix('Agreement,"Services" means (“x")') == "Agreement,“Services” means (“x”)"
    assert fix("In this Agreement,”Services”means") == "In this Agreement,“Services”means"
    assert fix('plain "ASCII" stays') == 'plain "ASCII" stays'
    assert fix("oral \u2212 including") == "oral \u2013 including"
    assert fix("x = \u22125") == "x = \u22125"


def test_page_level_curly_quotes():
    from pipeline.punctuation import curly_quotes
    from pipeline.ctc import DecodedChar

    chars = [DecodedChar(ch, 1.0, i, i + 1) for i, ch in enumerate('the "Client").')]
    assert "".join(c.char for c in curly_quotes(chars)) == "the “Client”)."


def test_a_rescued_step_reads_its_glyph_at_the_glyphs_own_weight():
    # A thin glyph's only step, the blank a hair ahead of it: the glyph is kept, its confidence its own weight
    # (not the blank's), and a step whose blank is clear stays blank.
    p = probs(["a", BLANK, BLANK, "b"])
    p[1] = 0.0
    p[1, BLANK], p[1, CHARSET.index("c") + 1], p[1, SPACE] = 0.40, 0.36, 0.24
    line = DEC.decode(p)
    assert line.text == "acb"
    assert [c.confidence for c in line.chars] == pytest.approx([0.9, 0.36, 0.9], abs=1e-6)
    assert [(c.start, c.end) for c in line.chars] == [(0, 1), (1, 2), (3, 4)]
