"""A backslash read as a vertical bar told by its slant (pipeline/slanted_bars.py). Lines rendered in real fonts
and read by the real recognizer; the backslash then written ``|`` as a blurred scan gets it read. Real bars
(``[on|off]``, read through the whole mending) stay bars on code with or without the steps."""
from dataclasses import replace

import numpy as np
import pytest

from pipeline.ctc import DecodedLine
from pipeline.engine import Engine, EngineConfig
from pipeline.line_ink import LineInk
from tests.line_crops import recognizer_crop

FONTS = ["mono", "sans", "serif"]


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def _read(engine, text: str, font: str, scan: bool) -> tuple[DecodedLine, np.ndarray, np.ndarray]:
    """The line as read (mended), its 48-px crop, and the model's class weights for each time step."""
    rec = engine.recognizer
    crop = recognizer_crop(text, font, 30, scan)
    x = np.repeat((crop.astype(np.float32) / 127.5 - 1.0)[None, None], 3, axis=1)
    probs = rec.session.run(x)[0]
    [line] = rec([crop])
    return line, crop, probs


def _as_bars(line: DecodedLine, chars: str) -> DecodedLine:
    return DecodedLine(tuple(replace(c, char="|") if c.char in chars else c for c in line.chars), line.steps)


@pytest.mark.parametrize("font", ["mono", "sans"])  # Liberation Serif's \- is read with one \ lost
@pytest.mark.parametrize("scan", [False, True])
def test_a_backslash_read_as_a_bar_comes_back(engine, font, scan):
    from pipeline.slanted_bars import slanted_bars

    line, crop, _ = _read(engine, "ta\\-ta\\-tata and \\typeout", font, scan)
    assert line.text.count("\\") == 3, line.text
    assert slanted_bars(_as_bars(line, "\\"), LineInk(crop)).text == line.text


@pytest.mark.parametrize("scan", [False, True])
def test_a_real_bar_read_as_a_bar_stays(engine, scan):
    line, _, _ = _read(engine, "grid [on|off] set state", "sans", scan)
    assert "on|off" in line.text


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("scan", [False, True])
def test_a_real_bar_is_no_backslash(engine, font, scan):
    from pipeline.slanted_bars import slanted_bars

    line, crop, probs = _read(engine, "grid [on|off] set state", font, scan)
    k = line.text.index("off") - 1  # the bar, as whatever the model read it
    bar = DecodedLine(tuple(replace(c, char="|") if i == k else c for i, c in enumerate(line.chars)), line.steps)
    ink = LineInk(crop)
    assert slanted_bars(bar, ink).text == bar.text
