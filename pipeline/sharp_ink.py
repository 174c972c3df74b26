"""The layout's least column width on a clean render, in a scan's line heights.

The detector grows what it sees of a line by a fixed ratio, and it sees
more of blurred ink: on a clean render (a screenshot, a PDF page rendered
from its vector text) its boxes come out shorter than on a scan of the same
page, and the layout, which measures in line heights, counts the same
column as more of them: a reference card's keys, beside their
descriptions, passed for a column of their own. On pages whose ink has
hardly any grey edge a column must be wider by the least of what a scan's
boxes add (the corpus's figures are in bench/RESULTS.md). Gutters keep
their measure: set close, they are narrower than that on a clean page too.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.layout import LayoutSettings

# Grey edge pixels (a quarter to three quarters of the way from ink to paper) per ink pixel: below this,
# the ink is sharp (clean renders' anti-aliased edges give well under it, scans' blurred ones well over).
SHARP_BELOW = 1.5
# On sharp ink a column's least width is scaled by this: a scan's boxes of the same page are 1.03 to 1.34
# times as tall; more than the least of it turns some pages' narrow columns into rows.
COLUMN_WIDTH_SCALE = 1.1
# Pages with less ink than this share of their pixels, or too little contrast, are not measured.
MIN_INK = 0.002
MIN_CONTRAST = 64


def edge_per_ink(gray: np.ndarray) -> float | None:
    """Grey edge pixels per ink pixel, or None on a page with hardly any ink or contrast."""
    if gray.ndim != 2 or gray.dtype != np.uint8 or gray.size == 0:
        return None
    # OpenCV's histogram: the same counts as np.bincount at a tenth of its CPU, on every page
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel().astype(np.float64)
    cum = np.cumsum(hist) / hist.sum()
    ink, paper = int(np.searchsorted(cum, 0.01)), int(np.searchsorted(cum, 0.9))
    if paper - ink < MIN_CONTRAST:
        return None
    levels = (np.arange(256) - ink) / (paper - ink)
    dark = hist[levels < 0.25].sum()
    if dark < MIN_INK * gray.size:
        return None
    return float(hist[(levels >= 0.25) & (levels < 0.75)].sum() / dark)


def for_sharp_ink(settings: LayoutSettings, gray: np.ndarray) -> LayoutSettings:
    """``settings`` for this page: on sharp ink, columns wider in line heights."""
    ratio = edge_per_ink(gray)
    if ratio is None or ratio >= SHARP_BELOW:
        return settings
    return replace(settings, min_column_width=settings.min_column_width * COLUMN_WIDTH_SCALE)
