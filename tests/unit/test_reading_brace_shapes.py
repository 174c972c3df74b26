"""Braces told from the parentheses they are read as, by the point at their middle
(pipeline/brace_shapes.py). Lines rendered from known text in real fonts, read by the real
recognizer, and their braces then written as parentheses, as the recognizer often reads a scanned
typewriter face; the shapes must bring them back, and leave real parentheses alone."""
from dataclasses import replace
import numpy as np
import pytest
from pipeline.brace_shapes import braces_from_shapes
from pipeline.line_ink import LineInk
from pipeline.ctc import DecodedLine
from tests.line_crops import recognizer_crop

BRACES = "\\setlength{\\parindent}{0pt} and \\TeX{} here"
PARENTHESES = "a call f(x) and (in parentheses) stay (so)"
_AS_PARENTHESES = {"{": "(", "}": ")"}


def _read(engine, text: str, font: str, size: int, scan: bool) -> tuple[DecodedLine, np.ndarray]:
    """The line as the recognizer reads it, and the 48-px crop it read (the one the mending steps get)."""
    crop = recognizer_crop(text, font, size, scan)
    [line] = engine.recognizer([crop])
    return line, crop


def _as_parentheses(line: DecodedLine, keep: int = 0) -> DecodedLine:
    """``line`` with its braces read as parentheses, but for the first ``keep`` of them."""
    chars, kept = [], 0
    for c in line.chars:
        if c.char in _AS_PARENTHESES and kept < keep:
            kept += 1
        elif c.char in _AS_PARENTHESES:
            c = replace(c, char=_AS_PARENTHESES[c.char])
        chars.append(c)
    return DecodedLine(tuple(chars), line.steps)


@pytest.mark.parametrize("font", ["mono", "sans", "serif"])
@pytest.mark.parametrize("size", [30, 34])
@pytest.mark.parametrize("scan", [False, True])
def test_braces_read_as_parentheses_come_back(engine, font, size, scan):
    line, crop = _read(engine, BRACES, font, size, scan)
    assert line.text.count("{") + line.text.count("}") == 6, line.text
    misread = _as_parentheses(line)
    assert "{" not in misread.text
    assert braces_from_shapes(misread, LineInk(crop)).text == line.text


@pytest.mark.parametrize("font", ["mono", "sans"])
def test_a_pair_read_half_brace_is_a_brace_pair(engine, font):
    # The recognizer reads \TeX{} as \TeX(} on scans: one half read right settles the pair.
    line, crop = _read(engine, BRACES, font, 30, True)
    misread = _as_parentheses(line, keep=1)
    assert misread.text.count("{") == 1
    assert braces_from_shapes(misread, LineInk(crop)).text == line.text


@pytest.mark.parametrize("font", ["mono", "sans", "serif", "serif-italic"])
@pytest.mark.parametrize("size", [24, 30, 36])
@pytest.mark.parametrize("scan", [False, True])
def test_parentheses_stay(engine, font, size, scan):
    line, crop = _read(engine, PARENTHESES, font, size, scan)
    assert line.text.count("(") >= 2, line.text
    assert braces_from_shapes(line, LineInk(crop)) is line
