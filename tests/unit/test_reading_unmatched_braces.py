"""A lone brace's partner read back from the glyph standing in its place (pipeline/unmatched_braces.py).
Lines of TeX rendered in real fonts and read by the real recognizer; one brace of a pair then written as
the glyph a scanned typewriter listing gets read as (``articleł``, ``20em)``, ``\\rfoot0}``). Its ink
reaches below the baseline, so the brace comes back; a real 1, l or ``<`` standing there stays (the
guards read through the whole mending, so they run on code without the step too)."""
from dataclasses import replace
import numpy as np
import pytest
from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from tests.line_crops import recognizer_crop

FONTS = ["mono", "sans", "serif"]


def _read(engine, text: str, font: str, scan: bool) -> tuple[DecodedLine, np.ndarray]:
    crop = recognizer_crop(text, font, 30, scan)
    [line] = engine.recognizer([crop])
    return line, crop


def _swap(line: DecodedLine, k: int, char: str) -> DecodedLine:
    chars = list(line.chars)
    chars[k] = replace(chars[k], char=char)
    return DecodedLine(tuple(chars), line.steps)


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("misread", ["1", "|", ")", "ł"])
def test_a_closing_brace_read_as_another_glyph_comes_back(engine, font, scan, misread):
    line, crop = _read(engine, "\\setlength{\\textwidth}{20em}", font, scan)
    assert line.text.replace(" ", "") == "\\setlength{\\textwidth}{20em}", line.text
    from pipeline.unmatched_braces import unmatched_braces

    last = max(i for i, c in enumerate(line.chars) if c.char == "}")
    assert unmatched_braces(_swap(line, last, misread), LineInk(crop)).text == line.text


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("misread", ["0", "<", "€"])
def test_an_opening_brace_read_after_a_control_word_comes_back(engine, font, scan, misread):
    line, crop = _read(engine, "\\rfoot{page} and more", font, scan)
    assert "\\rfoot{page}" in line.text.replace(" ", ""), line.text
    from pipeline.unmatched_braces import unmatched_braces

    first = line.text.index("{")
    assert unmatched_braces(_swap(line, first, misread), LineInk(crop)).text == line.text


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("text", ["\\section{Part 1", "\\label{fig:all", "\\fontsize<72pt}", "\\item{(a) and (b)"])
def test_what_stands_on_the_baseline_stays(engine, font, scan, text):
    line, _ = _read(engine, text, font, scan)
    assert line.text.replace(" ", "")[-4:] == text.replace(" ", "")[-4:], line.text
