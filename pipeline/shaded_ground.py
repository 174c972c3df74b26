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
    ground = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))).astype(np.float32)
    paper = float(np.percentile(ground, PAPER_PERCENTILE))
    scale = np.clip(paper / np.maximum(ground, 1.0), 1.0, 1.0 / DARKEST_GROUND)
    scale[ground >= PAPER_SHARE * paper] = 1.0
    return local.astype(np.float32) * scale
