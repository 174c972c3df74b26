"""Ink contrast on a shaded ground, in the grey levels of the page's own paper.

A mark's contrast (paper minus ink) is in proportion to the light its ground
reflects: a digit in a cell shaded to 75 % of the paper's brightness stands
out 75 % as far as the same digit on the paper (what the scan sees is the
print's reflectance times the light). Thresholds set for marks on the paper
then drop faint or grey text on tinted table cells and bands. Scaled by the
paper's brightness over the ground's, the contrast is judged as if the mark
stood on the paper; on the paper itself (and where the light merely falls off)
nothing changes.
"""
from __future__ import annotations

import cv2
import numpy as np

# Grounds at least this share of the paper's brightness are paper: a scan's light falls off by a few
# per cent across a page, and marks on the paper are judged as they stand.
PAPER_SHARE = 0.9
# Grounds darker than this share of the paper are pictures or dark bars (their text is light on dark):
# their contrast is not scaled further, so their noise is not amplified into marks.
DARKEST_GROUND = 0.6
# The page's paper: this percentile of the ground (most of a page is paper, even beside figures).
PAPER_PERCENTILE = 90


def ground_contrast(gray: np.ndarray, local: np.ndarray, ground_px: int) -> np.ndarray:
    """``local`` (a contrast map of ``gray``, paper minus ink) as it would be on the page's paper.

    The ground is the brightest grey within ``ground_px`` (a line's height, so that it is the
    cell or band around a glyph rather than the glyph's own counters); float32.
    """
    k = max(3, int(ground_px) | 1)
    ground = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = _percentile(ground, PAPER_PERCENTILE)
    # The scale depends on the ground's grey alone: worked out once for each of its levels, then looked up.
    levels = np.arange(256, dtype=np.float32) if ground.dtype == np.uint8 else ground.astype(np.float32)
    scale = np.clip(paper / np.maximum(levels, 1.0), 1.0, 1.0 / DARKEST_GROUND)
    scale[levels >= PAPER_SHARE * paper] = 1.0
    return local.astype(np.float32) * (scale[ground] if ground.dtype == np.uint8 else scale)


def _percentile(ground: np.ndarray, q: float) -> float:
    """``np.percentile`` of the ground as float32; from its levels' counts when the order statistics it lies
    between hold one grey (most of a page is paper), which is then the value itself."""
    if ground.dtype == np.uint8 and ground.size > 2:
        cum = np.cumsum(np.bincount(ground.ravel(), minlength=256))
        at = (ground.size - 1) * q / 100
        # The ranks around the interpolated one, with a step's margin each way.
        low, high = np.searchsorted(cum, [max(int(at) - 1, 0) + 1, min(int(at) + 2, ground.size - 1) + 1])
        if low == high:
            return float(low)
    return float(np.percentile(ground.astype(np.float32), q))
