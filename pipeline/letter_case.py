"""Letters whose capital is the small letter drawn larger (c o s v w x z), told by their height on the line.

In a typewriter face the recognizer often reads such a letter at the start of a lower-case word as the
capital (``Xwayland``, ``Swatch``, ``W3m``) or one inside a capitalised word as the small one (``sUID``):
the two shapes are the same, only their size differs. The line's other letters show both sizes: the top of
its small letters without ascenders (a e m n r u) is the x-height, that of its capitals, digits and
ascenders the tall height. The letter takes the case whose height its own ink reaches where its word allows
it: a capital before small letters may be small, a small letter opening a word or among capitals, or ending a
word that opens with a capital (``TeX``, ``LuaTeX``), may be a capital (``PostScript``'s S and small capitals
are left as read); a Latin word in Chinese text opens after an ideograph; and only where the model gives that case
some weight too, for a glyph's measured top can mislead (a V's open top, a neighbour's edge in its share).
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.line_ink import LineInk
from pipeline.punctuation import is_ideograph

SAME_SHAPE = set("cosvwxzCOSVWXZ")
_SMALL = set("aemnru")
_TALL = set("bdfhklt0123456789ABDEFGHKLMNPRTUY")
# The two heights must be this far apart, as a share of the crop's height, to tell them apart.
_MIN_SPREAD = 0.06
# The model's weight for the other case, at least: where it is sure, the height was misjudged (a V whose
# open top a neighbour ran into).
_MIN_WEIGHT = 0.1


def letter_case(line: DecodedLine, line_ink: LineInk, probs: np.ndarray, index: dict[str, int]) -> DecodedLine:
    """``line`` with each same-shaped letter in the case its height on ``line_ink`` (of the image read) shows, where
    ``probs`` (the line's class weights per step) give that case some weight too."""
    chars = line.chars

    def other_weight(c) -> float:
        k = index.get(c.char.swapcase())
        return float(probs[c.start : c.end, k].max()) if k is not None and c.end > c.start else 0.0

    todo = [i for i, c in enumerate(chars) if c.char in SAME_SHAPE and _wanted(chars, i) is not None
            and other_weight(c) >= _MIN_WEIGHT]
    if not todo:
        return line
    measure = _heights(line, line_ink)
    if measure is None:
        return line
    out = list(chars)
    for i in todo:
        upper = measure(i)
        if upper is not None and upper == _wanted(chars, i):
            out[i] = replace(chars[i], char=chars[i].char.upper() if upper else chars[i].char.lower())
    return DecodedLine(tuple(out), line.steps) if out != list(chars) else line


def shows_capital(line: DecodedLine, line_ink: LineInk, i: int) -> bool | None:
    """Whether the same-shaped letter at ``i`` reaches the capitals' height on ``line_ink`` (None: the line's
    other letters do not show both heights, the letter has no ink, or it shows the case other than read
    where its word does not allow that one, as ``letter_case`` leaves it)."""
    measure = _heights(line, line_ink)
    upper = measure(i) if measure is not None else None
    if upper is None or upper == line.chars[i].char.isupper() or _wanted(line.chars, i) == upper:
        return upper
    return None


def _heights(line: DecodedLine, line_ink: LineInk):
    """A measure of whether the glyph at an index stands capital-high (None where it has no ink), or None
    where the line does not show its small letters' and its tall glyphs' heights apart."""
    chars = line.chars
    glyphs = _glyph_ink(line_ink, line)
    height, width = line_ink.shape
    scale = width / max(1, line.steps)
    centres = [(c.start + c.end) / 2 * scale for c in chars]
    tops: dict[int, float | None] = {}

    def top(i: int) -> float | None:
        if i not in tops:
            tops[i] = _top(glyphs, centres, i)
        return tops[i]

    # The tops of the line's small letters and of its tall glyphs, as a straight line each (one slope:
    # a line left a little tilted in its crop rises or falls along it).
    refs = [(centres[i], t, c.char in _TALL) for i, c in enumerate(chars)
            if (c.char in _SMALL or c.char in _TALL) and (t := top(i)) is not None]
    if len(refs) < 3 or all(r[2] for r in refs) or not any(r[2] for r in refs):
        return None
    a = np.array([[1.0, x / height, float(tall)] for x, _, tall in refs])
    (base, slope, rise), *_ = np.linalg.lstsq(a, np.array([t for _, t, _ in refs]), rcond=None)
    if -rise < _MIN_SPREAD * height:
        return None

    def upper(i: int) -> bool | None:
        t = top(i)
        if t is None:
            return None
        small_top = base + slope * centres[i] / height
        return bool(abs(t - (small_top + rise)) < abs(t - small_top))

    return upper


def _wanted(chars, i: int) -> bool | None:
    """The case the letter at ``i`` may be changed to (True: capital), by its word's letters beside it:
    a capital before a small letter may be small (digits skipped: ``W3m``); a small one opening a word, beside
    a capital and no small letter, or ending a word that opens with a capital, may be a capital. None: neither."""
    # A word opens after a space or an ideograph (Chinese sets Latin words in its text), not after a mark (o’clock).
    prev = chars[i - 1].char if i > 0 else " "
    prev = " " if is_ideograph(prev) else prev
    ch = chars[i].char
    after = next((chars[j].char for j in range(i + 1, len(chars)) if not chars[j].char.isdigit()), " ")
    nxt = chars[i + 1].char if i + 1 < len(chars) else " "
    if ch.isupper() and after.islower() and not prev.isupper():
        return False
    if ch.islower() and ((prev == " " and nxt.isalpha() and not is_ideograph(nxt)) or
                         ((prev.isupper() or nxt.isupper()) and not prev.islower() and not nxt.islower())):
        return True
    # The last letter of a word that opens with a capital may be one (TeX, LuaTeX: a recognizer reading the
    # word as no English one takes the X for the small x).
    if ch.islower() and prev.islower() and not (nxt.isascii() and nxt.isalpha()):
        start = i
        while start > 0 and chars[start - 1].char.isascii() and chars[start - 1].char.isalpha():
            start -= 1
        if chars[start].char.isupper():
            return True
    return None


def _glyph_ink(line_ink: LineInk, line: DecodedLine) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The crop's ink pieces without specks and rules (pieces at least a fifth of the crop tall and at most
    four letters' pitch wide): the label image, the pieces' stats and the kept ink."""
    n, labels, stats, _ = line_ink.pieces
    height, width = line_ink.shape
    pitch = width / max(1, len(line.chars))
    keep = (stats[:, cv2.CC_STAT_HEIGHT] >= 0.2 * height) & (stats[:, cv2.CC_STAT_WIDTH] <= 4 * pitch)
    keep[0] = False
    return labels, stats, keep[labels]


def _top(glyphs: tuple[np.ndarray, np.ndarray, np.ndarray], centres: list[float], i: int) -> float | None:
    """The top row of the glyph at ``i``: that of the ink piece under its centre when the piece stays within
    its share of the line (a V or an X is open at the top in its middle), else, a neighbour run into it by
    blur, the highest ink near its centre. None: no ink."""
    labels, stats, kept = glyphs
    x = int(round(centres[i]))
    if not 0 <= x < labels.shape[1]:
        return None
    left = centres[i] - centres[i - 1] if i > 0 else labels.shape[0]
    right = centres[i + 1] - centres[i] if i + 1 < len(centres) else labels.shape[0]
    pieces = [k for k in np.unique(labels[:, max(0, x - 1) : x + 2][kept[:, max(0, x - 1) : x + 2]])]
    if pieces:
        k = max(pieces, key=lambda k: stats[k, cv2.CC_STAT_AREA])
        x0, w = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_WIDTH]
        if x0 >= centres[i] - 0.75 * left and x0 + w <= centres[i] + 0.75 * right:
            return float(stats[k, cv2.CC_STAT_TOP])
    reach = 0.3 * min(left, right)
    x0, x1 = int(round(centres[i] - reach)), int(round(centres[i] + reach)) + 1
    rows = np.flatnonzero(kept[:, max(0, x0) : max(0, x1)].any(axis=1))
    return float(rows[0]) if len(rows) else None
