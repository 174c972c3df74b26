"""The ink of a small crop of a scanned table (a cell's word, the room beside it): what is darker than the
crop's paper by a third of its contrast. One home for the threshold the table step's ink checks share, so
that a dot, a quote, a brace and a word's extent are all told from the same ink."""
from __future__ import annotations

import numpy as np

from pipeline.medians import percentile

# A crop whose paper and darkest pixel differ by fewer grey levels holds no ink (blank paper, a shaded ground).
MIN_CONTRAST = 60


def crop_ink(crop: np.ndarray) -> np.ndarray | None:
    """The crop's ink as booleans (darker than its paper, its 95th percentile, by a third of the contrast);
    None for blank paper."""
    cut = ink_level(crop)
    return None if cut is None else crop < cut


def ink_level(crop: np.ndarray) -> float | None:
    """The grey level under which ``crop_ink`` takes a pixel of ``crop`` for ink; None for blank paper. A larger
    crop round it is told by the same level where what the small crop holds must be found in it too: round
    a grey rule, the black text of the rows above and below would raise the level past the rule's grey."""
    paper, dark = percentile(crop, 95), float(crop.min())  # np.percentile's value, at a tenth of its cost
    if paper - dark < MIN_CONTRAST:
        return None
    return paper - (paper - dark) / 3

