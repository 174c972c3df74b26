"""On a page of Latin text, a Greek letter the recognizer weighed against a Latin one (an italic a read α in
``det(a)``) comes out as the Latin letter; a Greek letter after a digit (LATEX 2ε) or on a Greek page stays.

The recognizer's weights are built by hand (as in test_ctc) and decoded by the real decoder; the page check
then runs on the decoded lines."""
import numpy as np

from pipeline.ctc import CtcDecoder
from pipeline.latin_pages import latin_look_alikes

CHARSET = list("abcdefghijklmnopqrstuvwxyzADELTX2") + ["α", "ε", "μ", "σ", "ς", "ο", "λ", "(", ")", " "]
DEC = CtcDecoder(CHARSET[:-1])  # the decoder appends the space class itself


def _line(text: str, split: dict[int, tuple[str, float]] | None = None):
    """``text`` one glyph per step with a blank between; at ``split``'s positions the glyph read shares its
    weight with another class (position -> (other glyph, its weight))."""
    n = DEC.num_classes
    steps = []
    for k, ch in enumerate(text):
        row = np.zeros(n, np.float32)
        if k in (split or {}):
            other, w = split[k]
            row[DEC.index[other]] = w
            row[DEC.index[ch] if ch != " " else n - 1] = 1 - w
        else:
            row[DEC.index[ch] if ch != " " else n - 1] = 1.0
        blank = np.zeros(n, np.float32)
        blank[0] = 1.0
        steps += [row, blank]
    return DEC.decode(np.array(steps))


PROSE = [_line("the determinant and the inverse of a matrix"), _line("compute the exponential of a square matrix"),
         _line("reshape a matrix to be m by n"), _line("the pseudo inverse and the rank of a matrix")]


def test_an_italic_a_read_alpha_in_code_comes_out_latin():
    lines = PROSE + [_line("det(α)", {4: ("a", 0.43)}), _line("expm(α)", {5: ("a", 0.12)}),
                     _line("Langμage", {4: ("u", 0.04)})]
    out = [d.text for d in latin_look_alikes(lines)]
    assert out[4:] == ["det(a)", "expm(a)", "Language"], out


def test_greek_printed_as_greek_stays():
    # LATEX 2ε (its ε weighs e heavily on a scan), a clear σ, a Greek word, and a Greek page.
    lines = PROSE + [_line("LATEX 2ε", {7: ("e", 0.39)}), _line("size of σ"), _line("λμσ", {1: ("u", 0.3)}),
                     _line("det(α)", {4: ("a", 0.05)})]
    out = [d.text for d in latin_look_alikes(lines)]
    assert out[4:] == ["LATEX 2ε", "size of σ", "λμσ", "det(α)"], out
    greek = [_line("λσμ αε λσμ ας"), _line("det(α)", {4: ("a", 0.43)})]
    assert [d.text for d in latin_look_alikes(greek)] == ["λσμ αε λσμ ας", "det(α)"]
