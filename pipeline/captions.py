"""A caption beside a block of text: one line in smaller type under a picture, standing level with the
last line of a block set beside the picture (a quotation beside an illustration, its attribution on
the caption's row). Read as two blocks, left first, not row by row: read by rows, the caption would
join the block's last line (the quotation's attribution) as one row.

The gutter between them may be narrower than side-by-side blocks need (``pipeline/layout.py``,
``min_block_gutter``): the picture above the caption leaves the block's other lines nothing beside
them. It is told from a table's label beside a wrapped cell by its place (level with the block's
last line, below all the others: a label stands level with its cell's first line or centred on it),
its type, no larger than the block's, and its width (a sentence, as wide as the block's lines give or
take, not a key of a reference card, a tick label or a page number).
"""
from __future__ import annotations

import numpy as np

from pipeline.box_rows import intervals_gaps
from pipeline.medians import median


def caption_beside(idx: np.ndarray, boxes: np.ndarray, line_h: float, s) -> tuple[np.ndarray, np.ndarray] | None:
    """Split ``idx`` into (left, right) when one side of a gutter is a lone caption beside a block
    on the other, or None."""
    if len(idx) < s.min_caption_block + 1:  # a caption and its block's lines
        return None
    b = boxes[idx]
    heights = b[:, 3] - b[:, 1]
    for start, end in intervals_gaps(b[:, 0], b[:, 2]):
        if end - start < s.min_gutter * line_h:
            continue
        is_left = b[:, 2] <= start
        for lone in (is_left, ~is_left):
            if lone.sum() != 1 or (~lone).sum() < s.min_caption_block:
                continue
            cap, block = b[lone][0], b[~lone]
            widths = block[:, 2] - block[:, 0]
            if cap[2] - cap[0] < max(s.min_block_line * line_h, s.min_caption_width * float(median(widths))):
                continue
            if cap[3] - cap[1] > s.max_caption_type * float(median(heights[~lone])):
                continue
            # Level with the block's last line and below every other: it starts under the line before the
            # last, and above the block's bottom.
            bottoms = np.sort(block[:, 3])
            if bottoms[-2] <= cap[1] < bottoms[-1]:
                return idx[is_left], idx[~is_left]
    return None
