"""An unsure ``=`` whose ink is one bar read as a hyphen (pipeline/bar_equals.py). Operator lines rendered in mono,
sans and serif at 16-22 px, sharp and scan-degraded: the recognizer's own reading of each, with the hyphens (or the
equals signs) it read made unsure ``=``, as a blurred scan's ``(-- x)`` comes out ``(-= x)``."""
from __future__ import annotations
from dataclasses import replace
import pytest
from pipeline.bar_equals import bar_equals
from tests.line_crops import render_line_crop


def _as_unsure_equals(line, mark: str):
    return replace(line, chars=tuple(replace(c, char="=", confidence=0.5) if c.char == mark else c for c in line.chars))


_FACES = [("mono", 16), ("mono", 20), ("sans", 18), ("serif", 22)]


def _read(engine, text: str, font: str, size: int, scan: bool):
    """(the rendered crop, the recognizer's reading of it)."""
    crop = render_line_crop(text, font, size, scan=scan)
    return crop, engine.recognizer([crop])[0]


@pytest.mark.parametrize(("font", "size"), _FACES)
@pytest.mark.parametrize("scan", [False, True])
def test_one_bar_read_equals_is_a_hyphen(engine, font, size, scan):
    crop, line = _read(engine, "x + y - z - (- x) w", font, size, scan)
    assert line.text.count("-") >= 3, line.text  # the bars the test makes unsure, as read
    out = bar_equals([_as_unsure_equals(line, "-")], lambda idx: [crop for _ in idx])[0]
    # Measured: every bar put back but one on the blurred serif (its columns catch a neighbour's foot: 4 rows).
    assert out.text.count("-") >= line.text.count("-") - 1 and out.text.replace("=", "-") == line.text, (line.text, out.text)


@pytest.mark.parametrize(("font", "size"), _FACES)
@pytest.mark.parametrize("scan", [False, True])
def test_an_unsure_equals_sign_stays(engine, font, size, scan):
    crop, line = _read(engine, "x == y != z <= w", font, size, scan)
    assert line.text.count("=") == 4, line.text
    unsure = _as_unsure_equals(line, "=")
    out = bar_equals([unsure], lambda idx: [crop for _ in idx])[0]
    assert out.text == unsure.text, (unsure.text, out.text)
