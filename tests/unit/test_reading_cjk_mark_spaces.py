"""Spaces before full-width separators, after a dot before a bracket and before a number's unit,
from the printed gap (pipeline/spacing.py).

A full-width ， 。 ： 、 sits at the left of its em cell: before it only side bearings stand unless
xeCJK set its glue there (TeX ：, pk ，). Lines typeset as tests/mixed_print.py does and read by the
real recognizer, its own spaces taken out and the space class capped, so the spaces come from the
gaps alone. Only the boundaries beside the marks under test are compared: whether the model reads a
mark ASCII or full-width (and what the rules for an ASCII mark then do) is pipeline/punct_widths.py's
concern.
"""
import numpy as np
import pytest


from pipeline.line_ink import LineInk
from pipeline.punct_widths import punctuation_widths
from pipeline.spacing import add_missing_spaces
from tests.mixed_print import typeset
from tests.unit.test_reading_spaces import _unsure_of_spaces

_SEPARATORS = "，。：、,.:"
_ANGLES = str.maketrans("⟨⟩", "〈〉")  # as the model reads a math font's (and NFC writes them)


def _beside(text: str, before: str, after: str) -> list[tuple[int, bool]]:
    """(boundary, spaced) for each boundary between two characters of ``text`` whose left one is in
    ``before`` or whose right one is in ``after`` (counted in characters other than spaces)."""
    chars, spaced = [], []
    for ch in text.replace("\u2005", " "):
        if ch == " ":
            if spaced:
                spaced[-1] = True
        else:
            chars.append(ch)
            spaced.append(False)
    return [(k, spaced[k]) for k in range(len(chars) - 1) if chars[k] in before or chars[k + 1] in after]


def _repair(recognizer, img: np.ndarray) -> tuple[str, str]:
    """What the model reads on the line in ``img``, and that reading with its spaces taken out and
    put back from the image, its marks' widths decided first (as pipeline/line_mending.py does)."""
    ys, xs = np.nonzero(img < 128)
    pad = (ys.max() - ys.min()) // 3
    crop = recognizer._resize(img[max(0, ys.min() - 4) : ys.max() + 5, max(0, xs.min() - pad) : xs.max() + pad])
    probs = recognizer.session.run(recognizer.network_input([crop]))[0]
    line = recognizer.decoder.decode(probs)
    bare, unsure = _unsure_of_spaces(recognizer, line, probs, 0.0)
    ink = LineInk(crop)
    fixed = add_missing_spaces(punctuation_widths(bare, ink), ink, unsure, recognizer.decoder.num_classes - 1)
    return line.text, fixed.text


def _check(engine, text: str, before: str = "", after: str = "", checked: int = 2, **kw) -> None:
    fixed = _repair(engine.recognizer, typeset([text], **kw))[1]
    printed = text.replace("\u2005", "").replace(" ", "").translate(_ANGLES)
    fixed_chars = fixed.replace(" ", "")
    assert len(fixed_chars) == len(printed)
    # Only where both characters were read as printed: a mark read ASCII is spaced by the rules for
    # ASCII marks, a bracket read as a CJK one by those for Chinese.
    want = {k: v for k, v in _beside(text, before, after) if fixed_chars[k : k + 2] == printed[k : k + 2]}
    got = dict(_beside(fixed, _SEPARATORS + before, _SEPARATORS + after))
    assert len(want) >= checked
    assert {k: got.get(k, False) for k in want} == want


@pytest.mark.parametrize("scan", [False, True])
def test_glue_before_a_full_width_separator_after_latin_is_a_space(engine, scan):
    glued = "编程语言\u2005TeX\u2005：学术写作，也会查找\u2005Type1\u2005，或者\u2005Word\u2005：常用"
    _check(engine, glued, after="，：", scan=scan)
    tight = "编程语言\u2005TeX：学术写作，也会查找\u2005Type1，或者\u2005Word：常用，见\u2005tug.org。"
    _check(engine, tight, after="，。：", scan=scan)


@pytest.mark.parametrize("scan", [False, True])
def test_a_monospace_word_before_a_full_width_separator_keeps_its_bearings(engine, scan):
    # A URL or code in a monospace face: its glyphs' wide side bearings are no glue.
    text = "参见\u2005ctan.org/pkg/fandol。使用\u2005draw、fill、label\u2005等命令"
    _check(engine, text, after="。、", scan=scan, latin_face="mono")


@pytest.mark.parametrize("scan", [False, True])
def test_a_dot_keeps_its_space_before_a_bracket(engine, scan):
    # A list label before a placeholder's bracket (its box sets the text about two thirds of an em
    # away), a sentence's end before a parenthesis; code's dots before a bracket stay against it.
    text = "12.  ⟨纬度⟩：植物材料采集地的纬度，不推荐使用\u2005tlmgr.   (默认状态下会安装)"
    _check(engine, text, before=".", checked=1, scan=scan)
    code = "路径\u2005draw(z0..z1..(0,1)..(1,1)--cycle)；的写法"
    _check(engine, code, before=".", checked=4, scan=scan, latin_face="mono")


@pytest.mark.parametrize("face", ["serif", "mono"])
@pytest.mark.parametrize("scan", [False, True])
def test_a_number_keeps_its_shrunk_space_before_its_unit(engine, scan, face):
    # A justified line shrinks the space in 7.5 cm to about a quarter em, and the model gives it none;
    # code sets 5cm solid.
    text = "第二列限宽\u20057.5 cm，两列均为左对齐，把图形放缩到\u20054 cm\u2005高，使用\u2005size(5cm,0)\u2005表示"
    fixed = _repair(engine.recognizer, typeset([text], space=0.25, scan=scan, latin_face=face))[1]
    assert "7.5 cm" in fixed and "4 cm" in fixed and "(5cm," in fixed


def test_a_centred_mark_after_a_digit_is_not_glue():
    """Noto Sans CJK sets ： in the middle of its cell: after 表3 the blank before it measured 0.88–0.94 em on
    scanned table captions, half a cell after it. Glue before a left-set mark is 0.36–0.53 em."""
    from pipeline.ctc import DecodedChar
    from pipeline.spacing import SpacingSettings, _beside_chinese

    chars = [DecodedChar(c, 0.99, 2 * k, 2 * k + 1) for k, c in enumerate("表3：各地")]
    settings = SpacingSettings()
    for before, after, spaced in ((0.91, 0.503, False), (0.45, 0.6, True), (0.2, 0.6, False)):
        ems = {0: 0.3, 1: before, 2: after, 3: 0.05}
        assert _beside_chinese(chars, 1, ems, settings) is spaced, (before, after)
