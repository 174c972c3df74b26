"""The gutters' ink is measured on the region of the boxes' middle rows only (``gutters._core_ink``): the same
mask, pixel for pixel, as measuring the whole levelled page and keeping what lies in those rows. Pages
rendered from known text (an index in two columns, scanned, tilted)."""
import cv2
import numpy as np
import pytest

from pipeline.gutters import GutterSettings, _core_ink, core_rows, levelled
from pipeline.ink_pieces import ink_pieces
from tests.factories import degrade
from tests.unit.test_column_gutters import SCAN, render_index


def _whole_page_ink(gray, skew, scale, boxes, line_h, s):
    small = levelled(gray, skew, scale)
    k = max(3, int(s.paper_lines * line_h * 4) | 1)
    ink = cv2.subtract(cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))), small) > s.ink_level
    rows = core_rows(small.shape, boxes, s)
    _, labels, stats, _ = ink_pieces((ink & rows).view(np.uint8))
    keep = stats[:, cv2.CC_STAT_AREA] >= (s.min_mark * line_h) ** 2
    keep[0] = False
    return keep[labels]


@pytest.mark.parametrize("skew", [0.0, 0.7])
@pytest.mark.parametrize("scan", [False, True])
def test_ink_of_the_rows_region_is_the_whole_pages(scan, skew):
    gray = render_index()
    if scan:
        gray = degrade(gray, **SCAN)
    # Line boxes about the entries' rows (26-px print, 1.25 apart), reaching the page's edges in one case.
    step, s = int(26 * 1.25), GutterSettings()
    boxes = np.array([[290.0, 295 + i * step, 1364.0, 295 + i * step + 30] for i in range(12)])
    boxes[0, 0], boxes[-1, 3] = 0.0, gray.shape[0] + 5.0
    for scale in (1.0, 0.5):
        got = _core_ink(gray, skew, scale, boxes * scale, 30 * scale, s)
        want = _whole_page_ink(gray, skew, scale, boxes * scale, 30 * scale, s)
        assert got.any() and np.array_equal(got, want)
    assert not _core_ink(gray, skew, 1.0, np.zeros((0, 4)), 30, s).any()
