"""Blank pages are answered without running the detector network; any ink keeps it running.

The pages are rendered here: an empty sheet as a scanner gives it (paper grey, uneven light,
noise, JPEG), and the same sheet with one small or faint word, which must still be read.
"""
import numpy as np
import pytest

from pipeline.detect import is_blank
from pipeline.engine import Engine, EngineConfig
from tests.factories import degrade, encode_png, render_text_image

A4 = (2339, 1654)


def _sheet(paper: int = 245, shade: float = 0.0) -> np.ndarray:
    """Empty paper; ``shade`` darkens it towards the right edge (uneven light)."""
    x = np.linspace(0.0, 1.0, A4[1])[None, :]
    return np.broadcast_to(paper - shade * 255 * x, A4).astype(np.uint8)


def _with_word(word: str, size_px: int, ink: int, paper: int = 245) -> np.ndarray:
    text = render_text_image([word], size_px=size_px, width=A4[1], height=A4[0], margin=300)
    # Black-on-white render mapped to ``ink`` on ``paper``.
    return (paper - (255 - text.astype(np.float32)) * (paper - ink) / 255).astype(np.uint8)


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


class _CountingRuns:
    """Counts calls to the real detector session (it still runs)."""

    def __init__(self, session):
        self.session, self.calls = session, 0

    def __getattr__(self, name):
        return getattr(self.session, name)

    def run(self, x):
        self.calls += 1
        return self.session.run(x)


@pytest.fixture
def counted(engine):
    real = engine.detector.session
    engine.detector.session = _CountingRuns(real)
    yield engine.detector.session
    engine.detector.session = real


@pytest.mark.parametrize("shade,noise,quality", [(0.0, 0.0, None), (0.0, 8.0, 60), (0.15, 8.0, 60)])
def test_blank_scanned_sheet_skips_the_detector(engine, counted, shade, noise, quality):
    img = degrade(_sheet(shade=shade), blur=0.8, noise=noise, jpeg_quality=quality, seed=3)
    assert is_blank(engine.detector.network_input(img), engine.detector.settings)
    result = list(engine.process(encode_png(img)))[0]
    assert result.source == "ocr" and result.text == "" and result.lines == []
    assert counted.calls == 0


@pytest.mark.parametrize("word,size_px,ink", [("Note 12", 22, 0), ("Note 12", 22, 150), ("Note 12", 30, 210)])
def test_a_small_or_faint_word_is_still_read(engine, counted, word, size_px, ink):
    img = degrade(_with_word(word, size_px, ink), blur=0.8, noise=6, jpeg_quality=70, seed=4)
    assert not is_blank(engine.detector.network_input(img), engine.detector.settings)
    result = list(engine.process(encode_png(img)))[0]
    assert counted.calls >= 1
    assert result.text.replace(" ", "") == word.replace(" ", "")


def test_a_lone_faint_digit_keeps_the_detector_running(engine):
    img = degrade(_with_word("1", 16, 150), blur=0.8, noise=6, jpeg_quality=70, seed=5)
    assert not is_blank(engine.detector.network_input(img), engine.detector.settings)
