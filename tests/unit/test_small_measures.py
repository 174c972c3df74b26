"""Cheaper ways to the same small measures: ``pipeline.medians.median`` against ``np.median``, and a
line's word boxes cut together (``pipeline.assemble._word_boxes``) against each cut on its own."""
import math

import cv2
import numpy as np
import pytest

from pipeline import preprocess
from pipeline.assemble import _word_boxes
from pipeline.geometry import interpolate_on_quad, quad_to_box
from pipeline.medians import mean, median


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_median_is_numpys_value_and_type(dtype):
    rng = np.random.default_rng(7)
    for n in range(1, 40):
        values = (rng.normal(size=n) * 50).astype(dtype)
        ours, numpys = median(values), np.median(values)
        assert ours == numpys
        assert np.asarray(ours).dtype == np.asarray(numpys).dtype


def test_median_of_even_count_is_the_mean_of_the_middle_two():
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median(np.array([[1, 9], [3, 5]])) == 4.0  # flattened, as np.median without an axis


def test_median_of_nothing_or_of_a_nan_is_nan():
    assert math.isnan(median([]))
    assert math.isnan(median([1.0, float("nan"), 2.0]))


def test_word_boxes_are_those_of_each_word_cut_alone():
    """A tilted line's quad mapped back to a page turned by a few degrees: every word's box as
    ``interpolate_on_quad`` cuts it, mapped and rounded one by one."""
    line = np.array([[102.3, 480.7], [1707.9, 441.2], [1709.1, 489.6], [103.5, 529.0]], dtype=np.float32)
    to_page = np.vstack([cv2.getRotationMatrix2D((1240.0, 1754.0), -1.7, 1.0), [0, 0, 1]])
    steps = 317
    spans = [(a / steps, b / steps) for a, b in [(0, 12), (15, 40), (44, 45), (50, 151), (160, 317)]]
    alone = [[round(float(v), 1) for v in quad_to_box(preprocess.transform(interpolate_on_quad(line, a, b), to_page))]
             for a, b in spans]
    assert _word_boxes(line, spans, to_page) == alone
    assert _word_boxes(line, [], to_page) == []


def test_confidence_means_are_numpys():
    """Words' and lines' confidences: the mean of many float32 confidences, to the last bit as ``np.mean``."""
    rng = np.random.default_rng(11)
    for n in (1, 2, 7, 8, 9, 33, 200):
        values = [float(v) for v in rng.random(n).astype(np.float32)]
        assert mean(values) == float(np.mean(values))
