"""The layout's least column width, measured in the page's own type size.

The layout measures distances in line heights taken from the detector's
boxes, but the detector grows what it sees of a line by an amount that
depends on the ink: on a clean render (a screenshot, a PDF page rendered
from its vector text) its boxes come out shorter than on a scan of the same
page, by a share that varies from scan to scan (blur, noise), so the same
column counts as a different number of line heights. A reference card's
keys beside their descriptions passed for a column of their own on the
clean render and not on the scan. The boxes' widths hardly move with the
ink (a line is long, its padding small beside it), and the characters read
on each line say how many ems it holds: the type's em, from the widths,
is the same on both, and a column's least width is measured in it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.layout import LayoutSettings
from pipeline.medians import median
from pipeline.punctuation import is_cjk

# Lines of fewer characters say little of the type (a page number, a bullet, a short label).
MIN_CHARS = 8
# A CJK character (or a full-width mark) is one em wide; other characters, spaces among them, half of one
# on average (a proportional face's letters run narrower, a typewriter face's wider: the median of the
# page's lines takes the mix).
NARROW_EM = 0.5
MIN_LINES = 3


def type_em(boxes: list[list[float]], texts: list[str]) -> float | None:
    """The page's em in pixels (median over its lines of width per em of text), or None with too few lines."""
    ems = []
    for box, text in zip(boxes, texts):
        text = text.strip()
        if len(text) < MIN_CHARS:
            continue
        wide = sum(map(is_cjk, text))
        ems.append((box[2] - box[0]) / (wide + NARROW_EM * (len(text) - wide)))
    return float(median(ems)) if len(ems) >= MIN_LINES else None


def for_type_size(settings: LayoutSettings, boxes: list[list[float]], texts: list[str]) -> LayoutSettings:
    """``settings`` for this page: the least column width in the page's ems, given in its line heights
    (the median box height, as ``layout_boxes`` takes it)."""
    em = type_em(boxes, texts)
    if em is None or not len(boxes):
        return settings
    line_h = max(float(median([b[3] - b[1] for b in boxes])), 1.0)
    return replace(settings, min_column_width=settings.min_column_ems * em / line_h)
