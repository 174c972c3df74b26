"""Line boxes cut back to their read text for the reading order (``pipeline/read_extents.py``); an index's
last letter groups alone on the left below the right column are tested with the other bands
(``tests/unit/test_reading_bands.py``).

A box reaching far past its text (room the recognizer read nothing in) is cut back to the text, keeping the
recognizer's padding and half a glyph; a box that fits its text, CJK or Latin, is left as it is."""
import numpy as np
import pytest

from pipeline.engine import Engine, EngineConfig
from pipeline.layout import LayoutSettings
from pipeline.read_extents import read_extents
from tests.line_crops import recognizer_crop

S = LayoutSettings()


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=2))


def _with_room(crop: np.ndarray, left: int, right: int) -> np.ndarray:
    return np.pad(crop, ((0, 0), (left, right)), constant_values=255)


def _ink(crop: np.ndarray) -> tuple[int, int]:
    cols = np.flatnonzero((crop < 128).any(axis=0))
    return int(cols[0]), int(cols[-1]) + 1


@pytest.mark.parametrize("text", ["26", "7, 14, 35", "stix2 (package)"])
def test_box_with_room_unread_beside_its_text_is_cut_back_to_it(engine, text):
    # Two line heights of blank room left of the text, as a detector's box of a page number reached into a
    # gutter; the recognizer reads the text alone.
    crop = _with_room(recognizer_crop(text, "serif"), 96, 0)
    [line] = engine.recognizer([crop])
    assert line.text.replace(" ", "") == text.replace(" ", "")
    h, w = crop.shape
    [box] = read_extents([[0, 0, w, h]], [line], S.pad_x, S.min_unread)
    ink0, ink1 = _ink(crop)
    assert ink0 - 0.9 * h <= box[0] <= ink0  # cut to the text, its padding and half a glyph kept
    assert box[2] == w  # the side the text reaches is left


@pytest.mark.parametrize("text,font", [("标签位置, 13", "cjk"), ("填充连续一列路径之间的区域", "cjk"),
                                       ("\\ShowProtrusionDefined", "mono"), ("simplecv (class)", "serif")])
def test_box_fitting_its_text_is_left_as_it_is(engine, text, font):
    # A CJK glyph's time steps fall about its middle: a box fitting CJK text must not lose its first glyph's half.
    crop = recognizer_crop(text, font)
    [line] = engine.recognizer([crop])
    h, w = crop.shape
    assert read_extents([[0, 0, w, h]], [line], S.pad_x, S.min_unread) == [[0, 0, w, h]]
