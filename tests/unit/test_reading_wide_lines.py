"""A very wide line is read in overlapping pieces: the network's buffers grow with its input's width, and the
widest line of a job set a worker's peak memory (bench/PERF_RESULTS.md)."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.engine import Engine, EngineConfig
from tests.factories import _pil_font

TEXT = ("Copyright 2001-2013 by the authors of this brochure, distributed under the terms of the "
        "LaTeX Project Public License; PostScript and PDF are trademarks of Adobe, Unicode is a trademark "
        "of Unicode Inc. and all other trademarks belong to their owners.")


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def _line(text: str, size: int = 24) -> np.ndarray:
    font = _pil_font("sans", size)
    img = Image.new("L", (int(font.getlength(text)) + 40, size * 2), 255)
    ImageDraw.Draw(img).text((20, size // 3), text, font=font, fill=0)
    return np.asarray(img)


@pytest.mark.parametrize("model", ["recognizer", "second_recognizer"])
def test_a_line_wider_than_a_piece_reads_the_same_without_the_network_seeing_it_whole(engine, model):
    recognizer = getattr(engine, model)
    crop = _line(TEXT)
    piece = recognizer.settings.piece_width
    assert piece is not None and recognizer._resize(crop).shape[1] > piece
    seen = []
    run = recognizer.session.run

    def recording(x):
        seen.append(x.shape[3])
        return run(x)

    recognizer.session.run = recording
    try:
        [line] = recognizer([crop])
    finally:
        del recognizer.session.run
    assert line.text == TEXT
    assert len(seen) >= 2 and max(seen) <= piece
    # The pieces' steps join into the line's: one step per 8 px of the whole input.
    assert line.steps == recognizer._resize(crop).shape[1] // 8


def test_lines_up_to_a_piece_wide_are_read_in_one_run(engine):
    crop = _line("A line of ordinary length.")
    seen = []
    run = engine.recognizer.session.run
    engine.recognizer.session.run = lambda x: seen.append(x.shape[3]) or run(x)
    try:
        assert engine.recognizer([crop])[0].text == "A line of ordinary length."
    finally:
        del engine.recognizer.session.run
    assert seen == [engine.recognizer._resize(crop).shape[1]]
