"""Whether a lone mark's ink has the shape of the operator it was read as.

Read alone, without a word around it, an operator mark (a minus, a bar, a slash, a plus) comes out
less sure than the same mark inside a line: the recognizer has no context to lean on. Where the
reading is unsure but the ink measured on the crop is that mark's shape (a minus a flat bar, a
bar a tall one, a slash a diagonal, a plus a cross), the two agree and the reading is kept. A
reading whose ink has another shape (a caret read as a plus) is still left out.
"""
from __future__ import annotations

import cv2
import numpy as np
from pipeline.ink_pieces import ink_pieces

# Characters told by their ink here, as their shape's name.
SHAPED = {"-": "flat", "|": "tall", "/": "rising", "\\": "falling", "+": "cross"}


def ink_shape_agrees(crop: np.ndarray, char: str) -> bool:
    """True when the crop's ink is one piece of the shape ``char`` has (see ``SHAPED``)."""
    shape = SHAPED.get(char)
    piece = _one_piece(crop) if shape is not None else None
    if piece is None:
        return False
    own, (x, y, w, h) = piece
    # A bar fills its box; a caret or an accent as wide and low is a chevron, most of its box bare.
    filled = own.mean() >= 0.75
    if shape == "flat":
        return w >= 2.5 * h and h <= 0.25 * crop.shape[0] and filled
    if shape == "tall":
        return h >= 3 * w and h >= 0.4 * crop.shape[0] and filled
    if shape == "cross":
        if not (0.6 <= w / max(h, 1) <= 1.6) or min(w, h) < 5:
            return False
        mid_col, mid_row = own[:, w // 2], own[h // 2, :]
        corners = [own[: h // 4, : w // 4], own[: h // 4, w - w // 4 :], own[h - h // 4 :, : w // 4],
                   own[h - h // 4 :, w - w // 4 :]]
        return mid_col.mean() > 0.7 and mid_row.mean() > 0.7 and all(c.mean() < 0.15 for c in corners)
    # A diagonal: ink at two opposite corners' quarters, the other two bare.
    if h < 1.3 * w or h < 0.4 * crop.shape[0]:
        return False
    q = max(1, h // 4)
    top, bottom = own[:q], own[h - q :]
    cols = np.arange(w)
    top_x = (top.sum(axis=0) * cols).sum() / max(top.sum(), 1) / max(w - 1, 1)
    bottom_x = (bottom.sum(axis=0) * cols).sum() / max(bottom.sum(), 1) / max(w - 1, 1)
    lean = top_x - bottom_x
    return lean > 0.3 if shape == "rising" else lean < -0.3


# Read alone, a raised quote comes out as the comma it looks like, and a caret as a dash or a quote:
# the crop is its row's height, so where the ink stands on the row tells them apart.
_COMMAS = ",，、"
# A raised mark's top lies within this share of the crop's height from its top (a row's box reaches a little
# above its capitals) ...
_TOP = 0.25
# ... or a caret's, lower, down to this share, when it ends higher (``_LOW_CARET_END``): a text font's small
# caret (Computer Modern's) sits under the capitals' height.
_LOW_CARET_TOP = 0.35
_LOW_CARET_END = 0.45


def raised_mark(crop: np.ndarray, read_as: str) -> str | None:
    """``"^"`` or ``"’"`` when the crop (a row's height) holds one mark at the row's top with that shape:
    a caret two strokes meeting at a top point (whatever it was read as: no letter's ink ends this high),
    a quote a short stroke, thicker at its head, that the recognizer read as a comma. None otherwise."""
    piece = _one_piece(crop)
    if piece is None:
        return None
    own, (x, y, w, h) = piece
    rows = crop.shape[0]
    if y > _LOW_CARET_TOP * rows:
        return None
    # A caret: ending above the row's middle (a Λ or an A stands on the baseline), its two feet inked and
    # the ground between them bare, its point (the top row's ink) in the middle, the corners above its feet bare.
    end = 0.55 if y <= _TOP * rows else _LOW_CARET_END
    if y + h <= end * rows and w >= 0.9 * h and h >= 3:
        third = max(1, w // 3)
        bottom, top = own[-1], own[0]
        # A blurred scan fills the ground between a small caret's feet to a dome: a flat one still shows a gap.
        bare = not bottom[third : w - third].all() if h <= 0.6 * w else not bottom[third : w - third].any()
        if bottom[:third].any() and bottom[w - third :].any() and bare \
                and not top[: w // 4].any() and not top[w - w // 4 :].any():
            return "^"
    # A quote: a stroke taller than wide in the row's upper half, more ink in its head than its tail.
    if read_as in _COMMAS and y <= _TOP * rows and y + h <= 0.5 * rows and h >= 1.5 * w and h >= 4:
        head, tail = own[: h // 2].sum(), own[h - h // 2 :].sum()
        if head >= tail:
            return "’"
    return None


def _one_piece(crop: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The crop's one ink piece (its mask and box), any other piece a speck beside it; None if none."""
    if crop.size == 0:
        return None
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = ink_pieces(ink.astype(np.uint8))
    if n < 2:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    big = 1 + int(np.argmax(areas))
    if (areas >= 0.25 * areas.max()).sum() > 1:
        return None
    x, y, w, h = (int(v) for v in stats[big, :4])
    return labels[y : y + h, x : x + w] == big, (x, y, w, h)
