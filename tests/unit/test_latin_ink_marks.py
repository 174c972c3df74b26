"""On a page of Latin text, a lone Chinese character or kana the model weighed no Latin glyph for (an operator
card's ``.\\`` read 八, ``\\’`` read い) is read from its ink where that is points, quotes and slanting strokes;
ink of another shape (an ``<`` or ``+`` read so) and Chinese beside Chinese stay as read.

Code lines are rendered in a typewriter face, degraded like a scan and read by the recognizer; the misreading is
made by merging the marks' readings into one Chinese character with no second (as the scans show it)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import Engine, EngineConfig
from pipeline.ctc import DecodedLine
from pipeline.latin_pages import latin_look_alikes
from tests.factories import degrade
from tests.line_crops import render_line_crop

PROSE = ["multiplication and division", "element by element left division", "a literal single-quote character",
         "true if x is less than or equal to y"]


@pytest.fixture(scope="module")
def recognizer():
    return Engine(EngineConfig(threads=1)).recognizer


def _page(recognizer, code: str, marks: str, cjk: str, size: int, seed: int):
    """The prose lines and ``code`` read, with the run ``marks`` in it read as the one character ``cjk``; the crops."""
    crops = [degrade(render_line_crop(t, "mono", size), blur=0.8, noise=6, jpeg_quality=70, seed=seed)
             for t in [*PROSE, code]]
    lines = recognizer(crops)
    line = lines[-1]
    glyphs = [k for k, c in enumerate(line.chars) if c.char != " "]  # the spaces between marks are read or not
    truth = code.replace(" ", "")
    assert len(glyphs) == len(truth), f"the recognizer must read {code!r} whole, not {line.text!r}"
    chars = list(line.chars)
    for k, t in zip(glyphs, truth):
        chars[k] = replace(chars[k], char=t)
    first, last = glyphs[truth.index(marks)], glyphs[truth.index(marks) + len(marks) - 1]
    merged = replace(chars[first], char=cjk, second="", confidence=0.5, end=chars[last].end)
    lines[-1] = DecodedLine((*chars[:first], merged, *chars[last + 1:]), line.steps)
    assert cjk in lines[-1].text
    return lines, lambda idx: [crops[i] for i in idx]


@pytest.mark.parametrize("size,seed", [(22, 1), (26, 2), (30, 3)])
@pytest.mark.parametrize("code,marks,cjk", [("x .\\ y", ".\\", "八"), ("\\’ quote", "\\’", "い"),
                                            ("a ./ b", "./", "八"), ("x \\ y", "\\", "八")])
def test_marks_read_as_one_chinese_character_are_read_from_their_ink(recognizer, size, seed, code, marks, cjk):
    lines, crops = _page(recognizer, code, marks, cjk, size, seed)
    out = latin_look_alikes(lines, crops)[-1].text
    assert out.replace(" ", "") == code.replace(" ", ""), out


@pytest.mark.parametrize("size,seed", [(22, 1), (26, 2), (30, 3)])
@pytest.mark.parametrize("code,marks,cjk", [("x < y", "<", "八"), ("1 + 2", "+", "士"), ("x >= y", ">=", "租"),
                                            ("x | y", "|", "八")])
def test_other_ink_read_as_a_chinese_character_stays(recognizer, size, seed, code, marks, cjk):
    lines, crops = _page(recognizer, code, marks, cjk, size, seed)
    assert cjk in latin_look_alikes(lines, crops)[-1].text


def test_chinese_beside_chinese_stays(recognizer):
    lines, crops = _page(recognizer, "x .\\ y", ".\\", "八", 26, 2)
    last = lines[-1]
    k = last.text.index("八")
    chars = (*last.chars[:k], replace(last.chars[k], char="个"), last.chars[k], *last.chars[k + 1:])
    lines[-1] = DecodedLine(chars, last.steps)
    assert "个八" in latin_look_alikes(lines, crops)[-1].text


@pytest.mark.parametrize("code,marks,wide", [("Index . . . . . 7, 12", ".", "。"), ("sparse (a)", "(", "（"),
                                             ("a ; b", ";", "；")])
def test_a_lone_full_width_mark_with_no_second_is_its_ascii_form(recognizer, code, marks, wide):
    lines, crops = _page(recognizer, code, marks, wide, 26, 2)
    assert latin_look_alikes(lines)[-1].text.replace(" ", "") == code.replace(" ", "")


def _plus_minus(recognizer, code: str, at: str, font: str, size: int, blur: float):
    """The prose lines and ``code`` read, the glyph ``at`` read ± with an x weighed (as the scans show it); the crops."""
    crops = [degrade(render_line_crop(t, font, size), blur=blur, noise=6, jpeg_quality=70, seed=2) for t in [*PROSE, code]]
    lines = recognizer(crops)
    glyphs = [k for k, c in enumerate(lines[-1].chars) if c.char != " "]
    truth = code.replace(" ", "")
    assert len(glyphs) == len(truth), f"the recognizer must read {code!r} whole, not {lines[-1].text!r}"
    chars = list(lines[-1].chars)
    k = glyphs[truth.index(at)]
    chars[k] = replace(chars[k], char="±", second="x", confidence=0.35)
    lines[-1] = DecodedLine(tuple(chars), lines[-1].steps)
    return lines, lambda idx: [crops[i] for i in idx]


@pytest.mark.parametrize("font", ["mono", "sans"])
@pytest.mark.parametrize("size,blur", [(18, 1.0), (22, 0.8), (26, 0.8)])
def test_an_x_read_plus_minus_is_read_back_where_no_rule_runs_under_it(recognizer, font, size, blur):
    lines, crops = _plus_minus(recognizer, "x >= y", "x", font, size, blur)
    assert latin_look_alikes(lines, crops)[-1].text.replace(" ", "") == "x>=y"


@pytest.mark.parametrize("font", ["mono", "serif"])
@pytest.mark.parametrize("size,blur", [(18, 1.0), (22, 0.8), (26, 0.8)])
def test_a_plus_minus_stays_with_an_x_weighed(recognizer, font, size, blur):
    lines, crops = _plus_minus(recognizer, "5 ± 2 mm", "±", font, size, blur)
    assert "±" in latin_look_alikes(lines, crops)[-1].text
