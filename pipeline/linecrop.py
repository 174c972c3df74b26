"""A line's crop cut down to the line's own rows before it is read.

The detector's boxes are grown from the shrunk text core by a fixed
ratio. In small, tightly set print they reach into the lines above and
below, and the recognizer, which scales every crop to 48 px high, then
sees small glyphs between strips of its neighbours' ink and reads
n as m, h as b, e as c. The line's x-height band (the rows of densest
ink around the middle) tells where the line's own glyphs are; the crop
keeps that band and a margin in proportion to it for ascenders and
descenders, and never grows. Boxes that reach into a neighbour are cut
(``crowded``), and long small lines with room around them too
(``LONG_LINE``): the detector grows blurred print's box well past its ink.
Short crops set with room keep their box.
"""
from __future__ import annotations

import numpy as np

from pipeline.medians import median, percentile, row_percentiles

# Margins above and below the dense band, in band heights: room for
# ascenders, capitals and descenders, which sit in sparser rows. Tighter
# read better than looser on the small-print page this was tuned on.
ABOVE = 0.5
BELOW = 0.4
# A row belongs to the band while its ink is at least this share of the densest row's.
BAND_SHARE = 0.5
MIN_ROWS = 8
# In a crowded crop of a few glyphs (shorter than FEW_GLYPHS of its heights: an operator, a list's number,
# a table cell) one stroke can outweigh the x-height: the bar of + or ==, the foot of a 2. A band thinner
# than MIN_BAND of the crop is then that stroke's rows, and cut to them the glyphs lose their tops and
# bottoms (x + y read 0 中 5J); such a crop is read as it stands. A long line's many glyphs even strokes out.
# Crops under STROKE_ROWS hold too few rows to tell a stroke from an x-height: a speck's crop, cut, reads
# nothing, and read whole it reads as letters.
MIN_BAND = 0.25
FEW_GLYPHS = 8
STROKE_ROWS = 2 * MIN_ROWS
# A small line at least this many of its heights long is cut even with room around it: the detector
# grows blurred print's box well past its ink, and the enlarged glyphs then fill too little of the
# recognizer's height. Shorter crops (an operator, a key) may hold too few glyphs to show a band.
LONG_LINE = 15
# With room around the line nothing is gained by cutting into glyphs: rows whose darkest pixels
# (this percentile) are at least GLYPH_SHARE as dark as the band's keep their rows (a bracket's ends,
# an i's dot: too few pixels to move a row's mean), with a row of paper beyond them.
GLYPH_PERCENTILE = 99.5
GLYPH_SHARE = 0.5
# ...and the roomy line is cut only where that removes a quarter of its rows: a smaller cut enlarges
# the glyphs little and only rescales them (a URL's final point read as a comma).
ROOMY_KEEP = 0.75


def line_rows(crop: np.ndarray, room: bool = False) -> np.ndarray:
    """``crop`` without the rows outside its line's band and margins; with ``room`` (no neighbour's
    ink in the crop), glyphs reaching past the margins keep their rows, and a crop its glyphs
    mostly fill is kept whole; so is a crowded crop of a few glyphs whose band is one stroke's."""
    h = crop.shape[0]
    if h < MIN_ROWS:
        return crop
    g = crop.astype(np.float32)
    # Ink per row against this crop's paper; the quietest rows are the floor
    # (scan noise and grey paper leave every row a little ink).
    dark = np.clip(percentile(g, 90) - g, 0, None)
    ink = dark.mean(axis=1)
    ink -= percentile(ink, 10)
    lo, hi = h // 4, h - h // 4
    core = lo + int(np.argmax(ink[lo:hi]))
    peak = ink[core]
    if peak <= 0:
        return crop
    floor = BAND_SHARE * peak
    top = core
    while top > 0 and ink[top - 1] >= floor:
        top -= 1
    bottom = core
    while bottom < h - 1 and ink[bottom + 1] >= floor:
        bottom += 1
    band = bottom - top + 1
    if not room and h >= STROKE_ROWS and band < MIN_BAND * h and crop.shape[1] < FEW_GLYPHS * h:
        return crop
    y0 = max(0, int(round(top - ABOVE * band)))
    y1 = min(h, int(round(bottom + 1 + BELOW * band)))
    if room:
        strong = row_percentiles(dark, GLYPH_PERCENTILE)
        inked = GLYPH_SHARE * median(strong[top : bottom + 1])
        while top > 0 and strong[top - 1] >= inked:
            top -= 1
        while bottom < h - 1 and strong[bottom + 1] >= inked:
            bottom += 1
        y0, y1 = min(y0, max(0, top - 1)), max(y1, min(h, bottom + 2))
        if y1 - y0 > ROOMY_KEEP * h:
            return crop
    return crop[y0:y1]


def crowded(quads: list[np.ndarray], min_overlap: float = 0.2) -> list[bool]:
    """For each box, whether it reaches into a box above or below it.

    Boxes of lines set with room between them do not touch; where they
    overlap by more than ``min_overlap`` of the box's height, its crop holds
    a strip of the neighbour's ink.
    """
    if not quads:
        return []
    corners = np.asarray(quads)
    lo, hi = corners.min(axis=1).astype(np.float32), corners.max(axis=1).astype(np.float32)
    x0, y0, x1, y1 = lo[:, 0], lo[:, 1], hi[:, 0], hi[:, 1]
    across = np.minimum(x1[:, None], x1[None]) - np.maximum(x0[:, None], x0[None])
    down = np.minimum(y1[:, None], y1[None]) - np.maximum(y0[:, None], y0[None])
    height = (y1 - y0)[:, None]
    # Side by side on one row is not crowding: a neighbour must sit mostly above or below.
    stacked = np.abs((y0 + y1)[:, None] - (y0 + y1)[None]) / 2 > 0.5 * np.minimum(height, height.T)
    touch = (across > 0) & stacked & (down > min_overlap * height)
    np.fill_diagonal(touch, False)
    return touch.any(axis=1).tolist()
