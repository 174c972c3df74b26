"""The layout's line height on a clean render, made a scan's.

The detector grows what it sees of a line by a fixed ratio, and it sees
more of blurred ink: on a clean render (a screenshot, a PDF page rendered
from its vector text) its boxes come out shorter than on a scan of the same
page, and every layout measure taken in line heights (gutters, column
widths, gaps) counts the same page's distances as more line heights: a
reference card's keys became a column of their own. Pages whose ink has
hardly any grey edge have their line height scaled up for the layout, by
the least of what a scan's boxes add (the corpus's figures are in
bench/RESULTS.md), so no page's gutters shrink below a scan's.
"""
from __future__ import annotations

import numpy as np

# Grey edge pixels (a quarter to three quarters of the way from ink to paper) per ink pixel: below this,
# the ink is sharp (clean renders' anti-aliased edges give well under it, scans' blurred ones well over).
SHARP_BELOW = 1.5
# The line height on sharp ink is scaled by this: a scan's boxes of the same page are 1.03 to 1.34 times
# as tall; more than the least of it turns some pages' narrow columns into rows.
SHARP_LINE_SCALE = 1.1
# Pages with less ink than this share of their pixels, or too little contrast, are not measured.
MIN_INK = 0.002
MIN_CONTRAST = 64


def edge_per_ink(gray: np.ndarray) -> float | None:
    """Grey edge pixels per ink pixel, or None on a page with hardly any ink or contrast."""
    if gray.ndim != 2 or gray.dtype != np.uint8 or gray.size == 0:
        return None
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    cum = np.cumsum(hist) / hist.sum()
    ink, paper = int(np.searchsorted(cum, 0.01)), int(np.searchsorted(cum, 0.9))
    if paper - ink < MIN_CONTRAST:
        return None
    levels = (np.arange(256) - ink) / (paper - ink)
    dark = hist[levels < 0.25].sum()
    if dark < MIN_INK * gray.size:
        return None
    return float(hist[(levels >= 0.25) & (levels < 0.75)].sum() / dark)


def layout_line_scale(gray: np.ndarray) -> float:
    """What the layout's line height is scaled by on this page: more than 1 only on sharp ink."""
    ratio = edge_per_ink(gray)
    return SHARP_LINE_SCALE if ratio is not None and ratio < SHARP_BELOW else 1.0
