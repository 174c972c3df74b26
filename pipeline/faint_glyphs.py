"""A glyph drawn lighter than the rest of its line, cut out by a threshold of its own.

A line's ink is told from paper by one threshold (Otsu's) over the whole crop; where the text is
set dark and a mark in a thin, light stroke (a mathematical angle bracket beside Chinese text on a
grey scan), the mark falls on the paper's side and no component stands where the recognizer read
it. Around the mark, halfway between the paper and its darkest pixel finds it again.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.punct_widths import component_at
from pipeline.ink_pieces import ink_pieces
from pipeline.medians import percentile

# The window around the mark, in line heights each side; the paper is its light end.
_WINDOW = 0.35
_PAPER = 90  # percentile
# Less contrast than this (grey levels) between the paper and the mark's darkest pixel is noise.
_MIN_CONTRAST = 20


def faint_glyph(crop: np.ndarray, x: float, reach: int, level: float) -> np.ndarray | None:
    """The ink (a boolean array over its bounding box) of the mark whose columns ``x ± reach`` the
    recognizer read in ``crop``, thresholded on its own; None where nothing darker than paper is there,
    or where what is found is mostly darker than the line's threshold ``level`` (glyphs of the line's
    own ink, run together by the lower threshold)."""
    height = crop.shape[0]
    lo = max(0, int(x - _WINDOW * height))
    window = cv2.GaussianBlur(crop[:, lo : int(x + _WINDOW * height) + 1], (3, 3), 0).astype(np.float32)
    centre = int(x) - lo
    band = window[:, max(0, centre - reach) : centre + reach + 1]
    if band.size == 0:
        return None
    paper, dark = percentile(window, _PAPER), float(band.min())
    if paper - dark < _MIN_CONTRAST:
        return None
    ink = (window < (paper + dark) / 2).astype(np.uint8)
    _, labels, stats, _ = ink_pieces(ink)
    k = component_at(labels, centre, reach)
    if not k:
        return None
    left, top, w, h = (int(v) for v in stats[k, :4])
    glyph = labels[top : top + h, left : left + w] == k
    if np.median(crop[top : top + h, lo + left : lo + left + w][glyph]) <= level:
        return None
    return glyph
