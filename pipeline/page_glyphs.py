"""Look-alike glyphs (1 I l) told apart by the page's own print of them.

At 200 DPI a serif face's capital I (serifs on both sides at the top) and its digit 1 (a flag to the top
left) differ by a pixel or two, and the recognizer's weights for the two overlap; a typewriter face's l
and 1 likewise. A page prints each many times in one face, and many of them are read where the line
decides them: a 1 beside digits (``10``, ``2051``), an I beside capitals (``ID``, ``UI``), an l beside
small letters (``file``). Those readings give the page's own pictures of its 1, I and l; a look-alike
read where the line does not decide it (``I:226``, ``Table 1``, a lone ``l``) takes the glyph whose
picture its ink is nearer, only when the page shows enough of both of the same size, its sure ones are
told apart by the same comparison, and the margin is clear.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.punct_widths import component_at

Crops = Callable[[list[int]], list[np.ndarray]]

LOOK_ALIKES = "1Il"
# A reading taken as the page's picture of its glyph must be this sure (its best step's weight).
_SURE = 0.9
# … or this sure where the line does not decide it.
_SURE_OPEN = 0.5
# Pictures wanted of each of the two glyphs before an open reading is judged between them.
_MIN_EXEMPLARS = 3
# Measures closer than this are not told apart (shares of the glyph's height or of its stem's width).
_MIN_SPREAD = 0.02
# Pictures are compared only with those of glyphs about as tall (the same face and size: headings and
# code print other 1s).
_SIZE_SLACK = 0.12
# How much nearer (in spreads) the other glyph's sure pictures must be; and how many of the page's
# sure pictures the comparison must place right (each against the others) for the page to be trusted.
_MARGIN = 1.0
_SELF_CHECK = 0.9
# How far (in spreads) from the nearer glyph's pictures a glyph may lie at most: one unlike every sure one
# (another face) is left as read.
_NEAR = 4.0


@dataclass(frozen=True)
class _Glyph:
    line: int
    pos: int
    char: str
    decided: bool  # the line decides the reading (a 1 beside digits …)
    weight: float  # the reading's weight
    second: str  # the look-alike the model weighs next
    height: int
    picture: np.ndarray  # unit vector, mean removed


def page_glyphs(decoded: list[DecodedLine], crops: Crops | None) -> list[DecodedLine]:
    """``decoded`` with each look-alike read where its line does not decide it made the glyph the page's
    sure readings show its ink to be; unchanged where the page lacks the pictures to tell."""
    if crops is None:
        return decoded
    wanted = [i for i, d in enumerate(decoded) if any(c in LOOK_ALIKES for c in d.text)]
    if not wanted:
        return decoded
    glyphs = [g for i, crop in zip(wanted, crops(wanted)) for g in _line_glyphs(i, decoded[i], crop)]
    open_ = [g for g in glyphs if not g.decided]
    sure = _exemplars(glyphs)
    if not open_ or not sure:
        return decoded
    changes: dict[tuple[int, int], str] = {}
    for g in open_:
        better = _nearer(g, [s for s in sure if s is not g and abs(s.height - g.height) <= _SIZE_SLACK * g.height])
        if better:
            changes[(g.line, g.pos)] = better
    if not changes:
        return decoded
    out = list(decoded)
    for i in {line for line, _ in changes}:
        chars = list(out[i].chars)
        for (line, pos), ch in changes.items():
            if line == i:
                chars[pos] = replace(chars[pos], char=ch)
        out[i] = DecodedLine(tuple(chars), out[i].steps)
    return out


def _exemplars(glyphs: list[_Glyph]) -> list[_Glyph]:
    """The glyphs that show the page's print of their reading: read with weight where the line decides
    them; for a glyph the page's lines never decide (a capital I standing alone, ``I:226``), read with
    much weight where they do not."""
    decided = [g for g in glyphs if g.decided and g.weight >= _SURE]
    out = list(decided)
    for ch in LOOK_ALIKES:
        if sum(g.char == ch for g in decided) < _MIN_EXEMPLARS:
            out += [g for g in glyphs if g.char == ch and not g.decided and g.weight >= _SURE_OPEN]
    return out


def _nearer(g: _Glyph, sure: list[_Glyph]) -> str | None:
    """The look-alike whose sure pictures ``g``'s is clearly nearer than its reading's, where the page's
    print tells the two apart; of two such (an I and an l, both unlike the page's 1), the clearly nearer
    one where the print tells those apart too; else None."""
    by_char = {ch: np.array([s.picture for s in sure if s.char == ch]) for ch in LOOK_ALIKES}
    by_char = {ch: group for ch, group in by_char.items() if len(group) >= _MIN_EXEMPLARS}
    if g.char not in by_char:
        return None
    found = [ch for ch in by_char if ch != g.char and _clearly_nearer(g.picture, by_char[ch], by_char[g.char])]
    if len(found) == 2 and not _clearly_nearer(g.picture, by_char[found[0]], by_char[found[1]]):
        found.reverse()
        if not _clearly_nearer(g.picture, by_char[found[0]], by_char[found[1]]):
            # Unlike the reading, alike each other on this page: the model's next choice, if it is one.
            return g.second if g.second in found else None
    return found[0] if found else None


def _clearly_nearer(p: np.ndarray, group: np.ndarray, other: np.ndarray) -> bool:
    spread = _spread([group, other])
    near = _distance(p, group, spread)
    return near <= _NEAR and _distance(p, other, spread) - near >= _MARGIN and _told_apart(group, other, spread)


def _spread(groups: list[np.ndarray]) -> np.ndarray:
    """Each measure's spread within the groups (pooled), floored so a measure every glyph shares does not
    count for a hair's difference."""
    within = np.concatenate([g - g.mean(axis=0) for g in groups])
    return np.maximum(np.sqrt((within**2).mean(axis=0)), _MIN_SPREAD)


def _distance(p: np.ndarray, group: np.ndarray, spread: np.ndarray) -> float:
    """How far ``p`` lies from the group's mean picture, in spreads."""
    return float(np.linalg.norm((p - group.mean(axis=0)) / spread))


def _told_apart(a: np.ndarray, b: np.ndarray, spread: np.ndarray) -> bool:
    """Whether nearly all the sure pictures of both groups lie nearer their own group's mean (each left out
    of it) than the other's: the page's print tells the two glyphs apart."""
    right = total = 0
    for mine, other in ((a, b), (b, a)):
        for k in range(len(mine)):
            rest = np.delete(mine, k, axis=0)
            right += _distance(mine[k], rest, spread) < _distance(mine[k], other, spread)
            total += 1
    return right >= _SELF_CHECK * total


def _line_glyphs(index: int, line: DecodedLine, crop: np.ndarray) -> list[_Glyph]:
    chars = line.chars
    spots = [k for k, c in enumerate(chars) if c.char in LOOK_ALIKES]
    if not spots:
        return []
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    scale = gray.shape[1] / max(1, line.steps)
    out = []
    for k in spots:
        piece = _piece(chars, k, labels, stats, scale)
        if piece is None:
            continue
        label, (x, y, w, h) = piece
        picture = _picture(gray, (x, y, w, h))
        decided = _decided(chars, k)
        if picture is None or (decided and chars[k].confidence < _SURE):
            continue
        out.append(_Glyph(index, k, chars[k].char, decided, chars[k].confidence, chars[k].second, h, picture))
    return out


def _piece(chars: tuple[DecodedChar, ...], k: int, labels: np.ndarray, stats: np.ndarray,
           scale: float) -> tuple[int, tuple[int, int, int, int]] | None:
    """The label and box of the ink piece the character's steps point at, when it is the glyph alone: within the
    character's share of the line (not run into a neighbour) and at least a third of the crop tall."""
    c = chars[k]
    centre = (c.start + c.end) / 2 * scale
    label = component_at(labels, int(centre), max(1, int(round(scale / 2))))
    if not label:
        return None
    x, y, w, h = (int(v) for v in stats[label, :4])
    left = centre - ((chars[k - 1].start + chars[k - 1].end) / 2 * scale if k > 0 else centre - 2 * w)
    right = ((chars[k + 1].start + chars[k + 1].end) / 2 * scale if k + 1 < len(chars) else centre + 2 * w) - centre
    if x < centre - 0.75 * left or x + w > centre + 0.75 * right or h < labels.shape[0] / 3 or h < 8:
        return None
    return label, (x, y, w, h)


def _picture(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """What tells the look-alikes apart, in the glyph's own units: its width to its height, and the ink
    beside its stem in its top and bottom fifths, left and right (a 1's flag and wide foot, an I's
    serifs both sides, an l's left serif alone), each over the stem's width."""
    x, y, w, h = box
    x0, x1 = max(0, x - 2), min(gray.shape[1], x + w + 2)
    ink = 255.0 - gray[y : y + h, x0:x1].astype(np.float32)
    ink = np.clip(ink / max(1.0, float(np.percentile(ink, 98))), 0.0, 1.0)
    middle = ink[int(h * 0.35) : max(int(h * 0.35) + 1, int(h * 0.65))].mean(axis=0)
    if middle.sum() <= 0:
        return None
    cols = np.arange(ink.shape[1])
    stem = float((middle * cols).sum() / middle.sum())
    half = float(middle.sum() / max(1e-6, middle.max())) / 2
    rows = max(2, int(round(h * 0.2)))
    left, right = cols < stem - half - 0.5, cols > stem + half + 0.5
    top, foot = ink[:rows], ink[-rows:]
    unit = 2 * half * rows
    return np.array([w / h, top[:, left].sum() / unit, top[:, right].sum() / unit,
                     foot[:, left].sum() / unit, foot[:, right].sum() / unit,
                     (stem - (x - x0) - w / 2) / h], np.float32)


def _decided(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """Whether the line decides the reading at ``k``: a 1 beside a digit, an I beside a capital, an l beside
    a small letter."""
    c = chars[k]
    prev = chars[k - 1].char if k > 0 else " "
    nxt = chars[k + 1].char if k + 1 < len(chars) else " "
    beside = {"1": str.isdigit, "I": str.isupper, "l": str.islower}[c.char]
    return (beside(prev) and prev not in LOOK_ALIKES) or (beside(nxt) and nxt not in LOOK_ALIKES)
