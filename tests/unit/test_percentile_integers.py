"""The page-level steps take np.percentile's value from ``pipeline/medians.percentile`` (and the line crops'
row percentiles from ``medians.row_percentiles``): the same values, bit for bit, on the grey crops (uint8),
their int16 and float32 copies and the int32 measures of ink pieces that those steps pass."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.medians import row_percentiles
from pipeline.medians import percentile
from tests.line_crops import render_line_crop

QS = (0, 2, 10, 20, 50, 90, 99, 99.5, 100)


@pytest.mark.parametrize("scan", [False, True])
def test_percentile_of_integer_crops_is_numpys_to_the_bit(scan):
    gray = render_line_crop("“Quoted” file 1990, ID", "serif", 24, scan=scan)
    _, _, stats, _ = cv2.connectedComponentsWithStats((gray < 128).view(np.uint8))
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    assert heights.dtype == np.int32 and len(heights) >= 10
    for values in (gray, gray[3:-3, 5:40], gray.astype(np.int16), heights, heights[:1]):
        for q in QS:
            ref = np.percentile(values, q)
            got = percentile(values, q)
            assert np.float64(got).tobytes() == np.float64(ref).tobytes()


@pytest.mark.parametrize("scan", [False, True])
def test_row_percentiles_are_numpys_to_the_bit(scan):
    gray = render_line_crop("“Quoted” file 1990, ID", "serif", 24, scan=scan)
    g = gray.astype(np.float32)
    dark = np.clip(np.float32(np.percentile(g, 90)) - g, 0, None)
    for values in (dark, dark[:, :1], dark[:, :2], dark[2:9, 10:33]):
        for q in QS:
            got, ref = row_percentiles(values, q), np.percentile(values, q, axis=1)
            assert got.dtype == ref.dtype and got.tobytes() == ref.tobytes()
