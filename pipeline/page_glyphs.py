"""Look-alike glyphs (1 I l) told apart by the page's own print of them.

At 200 DPI a serif face's capital I (serifs on both sides at the top) and its digit 1 (a flag to the top
left) differ by a pixel or two, and the recognizer's weights for the two overlap; a typewriter face's l
and 1 likewise. A page prints each many times in one face, and many of them are read where the line
decides them: a 1 beside digits (``10``, ``2051``), an I beside capitals (``ID``, ``UI``), an l beside
small letters (``file``). Those readings give the page's own pictures of its 1, I and l (a few measures
of the glyph's ink: its width, the serif ink beside its stem at top and foot). A look-alike read where
its line does not decide it (``I:226``, ``Table 1``, a lone ``l``) becomes the look-alike the model
weighs next when its picture is clearly nearer that glyph's pictures than its reading's: only where the
page shows enough of both at its size, tells its own sure ones apart by the same comparison, and the
line allows it (a letter is not made a digit beside letters, nor a digit a letter beside digits).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import cv2
import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.line_ink import LineInk
from pipeline.medians import percentile
from pipeline.page_rereads import Crops, inks_of


LOOK_ALIKES = "1Il"
# A reading taken as the page's picture of its glyph must be this sure (its best step's weight).
_SURE = 0.9
# … or this sure where the line does not decide it.
_SURE_OPEN = 0.5
# Pictures wanted of each of the two glyphs before an open reading is judged between them; of the glyph it
# was read as, more: a page whose few sure 1s are set in another face (a heading's, a footer's) than its
# text's 1s would otherwise turn those into the text's Is.
_MIN_EXEMPLARS = 3
_MIN_OWN = 6
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
    allowed: str  # the look-alikes it may be changed to
    height: int
    # The glyph's measures (glyph_picture), taken on first use: most pages never compare the glyphs.
    measure: Callable[[], np.ndarray] = field(compare=False, repr=False)

    @property
    def picture(self) -> np.ndarray:
        return self.measure()


def page_glyphs(decoded: list[DecodedLine], crops: Crops | None) -> list[DecodedLine]:
    """``decoded`` with each look-alike read where its line does not decide it made the glyph the page's
    sure readings show its ink to be; unchanged where the page lacks the pictures to tell."""
    if crops is None or not _may_change(decoded):
        return decoded  # nothing to decide: the crops are not cut again
    wanted = [i for i, d in enumerate(decoded) if any(c in LOOK_ALIKES for c in d.text)]
    pictures = glyph_pictures(crops)
    glyphs = [g for i, ink in zip(wanted, inks_of(crops, wanted)) for g in _line_glyphs(i, decoded[i], ink, pictures)]
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


def _may_change(decoded: list[DecodedLine]) -> bool:
    """Whether a look-alike is open (``_open``) and its reading and the model's next choice each have as many
    readings that may show the page's print as ``_nearer`` wants (``_exemplars`` without their ink: a reading
    whose glyph is not found, or of another size, only lowers the count). Told from the text alone, before any
    crop is cut or labelled."""
    spots = [(d.chars, k) for d in decoded for k, c in enumerate(d.chars) if c.char in LOOK_ALIKES]
    opens = [chars[k] for chars, k in spots if _open(chars, k)]
    if not opens:
        return False
    most: dict[str, int] = dict.fromkeys(LOOK_ALIKES, 0)
    for chars, k in spots:
        c = chars[k]
        most[c.char] += c.confidence >= (_SURE if _decided(chars, k) else _SURE_OPEN)
    return any(most[c.char] >= _MIN_OWN and most.get(c.second, 0) >= _MIN_EXEMPLARS for c in opens)


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
    """The look-alike the model weighs next on ``g`` when ``g``'s picture is clearly nearer that glyph's
    sure pictures than its reading's, where the page's print tells the two apart; else None. The model's
    choice is asked for because a page may lack the right glyph's pictures: an I unlike the page's 1s is
    nearer its l's than its 1s when the page shows no I."""
    if g.second not in g.allowed or not g.second:
        return None
    mine = [s for s in sure if s.char == g.char]
    other = [s for s in sure if s.char == g.second]
    if len(mine) < _MIN_OWN or len(other) < _MIN_EXEMPLARS:
        return None
    return g.second if clearly_nearer(g.picture, _pictures(other), _pictures(mine)) else None


def _pictures(glyphs: list[_Glyph]) -> np.ndarray:
    return np.array([s.picture for s in glyphs])


def clearly_nearer(p: np.ndarray, group: np.ndarray, other: np.ndarray) -> bool:
    """Whether the picture ``p`` lies near ``group`` and clearly nearer it than ``other``, two groups the page
    tells apart (shared with ``typewriter_ls``)."""
    spread = picture_spread([group, other])
    near = picture_distance(p, group, spread)
    return near <= _NEAR and picture_distance(p, other, spread) - near >= _MARGIN and _told_apart(group, other, spread)


def picture_spread(groups: list[np.ndarray]) -> np.ndarray:
    """Each measure's spread within the groups (pooled), floored so a measure every glyph shares does not
    count for a hair's difference."""
    within = np.concatenate([g - g.mean(axis=0) for g in groups])
    return np.maximum(np.sqrt((within**2).mean(axis=0)), _MIN_SPREAD)


def picture_distance(p: np.ndarray, group: np.ndarray, spread: np.ndarray) -> float:
    """How far ``p`` lies from the group's mean picture, in spreads."""
    return float(np.linalg.norm((p - group.mean(axis=0)) / spread))


def _told_apart(a: np.ndarray, b: np.ndarray, spread: np.ndarray) -> bool:
    """Whether nearly all the sure pictures of both groups lie nearer their own group's mean (each left out
    of it) than the other's: the page's print tells the two glyphs apart."""
    right = total = 0
    for mine, other in ((a, b), (b, a)):
        for k in range(len(mine)):
            rest = np.delete(mine, k, axis=0)
            right += picture_distance(mine[k], rest, spread) < picture_distance(mine[k], other, spread)
            total += 1
    return right >= _SELF_CHECK * total


def _line_glyphs(index: int, line: DecodedLine, ink: LineInk, pictures: Pictures) -> list[_Glyph]:
    chars = line.chars
    spots = [k for k, c in enumerate(chars) if c.char in LOOK_ALIKES]
    if not spots:
        return []
    pieces = glyph_boxes(ink, line)
    out = []
    for k in spots:
        decided = _decided(chars, k)
        if k not in pieces or (decided and chars[k].confidence < _SURE):
            continue
        box = pieces[k]
        if has_picture(ink.gray, box):
            out.append(_Glyph(index, k, chars[k].char, decided, chars[k].confidence, chars[k].second,
                              _allowed(chars, k), box[3], partial(pictures, ink, box)))
    return out


# A line's ink and a glyph's box there → the glyph's picture (None where it has none).
Pictures = Callable[[LineInk, tuple[int, int, int, int]], "np.ndarray | None"]


def glyph_pictures(crops: Crops) -> Pictures:
    """``glyph_picture`` of a box in a line's ink, each measured once a page: kept in the page's memo (shared with
    ``typewriter_ls``, which measures the same glyphs) under the ``LineInk`` itself, which the key holds (so its
    identity is never another's) and which is made anew for a moved box or another image. Plain crops (no page)
    keep the pictures for this call only."""
    work = getattr(crops, "work", None)
    kept = work.memo().setdefault("glyph_pictures", {}) if work is not None else {}

    def picture(ink: LineInk, box: tuple[int, int, int, int]) -> np.ndarray | None:
        key = (ink, box)
        if key not in kept:
            kept[key] = glyph_picture(ink.gray, box)
            if kept[key] is not None:
                kept[key].flags.writeable = False  # shared by both checks
        return kept[key]
    return picture


def has_picture(gray: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether ``glyph_picture`` gives the box a picture (any ink in its middle rows), without measuring it."""
    x, y, w, h = box
    x0, x1 = max(0, x - 2), min(gray.shape[1], x + w + 2)
    return bool((gray[y + int(h * 0.35) : y + min(h, max(int(h * 0.35) + 1, int(h * 0.65))), x0:x1] < 255).any())


def glyph_boxes(ink: LineInk, line: DecodedLine) -> dict[int, tuple[int, int, int, int]]:
    """The box of each character's ink piece, where the piece and the character are each other's nearest
    (by their centres along the line: a character's steps lag its glyph by up to half a glyph, so the
    piece under them may be the next one) and the piece is one narrow glyph at least a third of the
    crop tall (not two run together)."""
    gray = ink.gray
    stats = ink.pieces[2][1:]
    h = stats[:, cv2.CC_STAT_HEIGHT]
    tall = stats[(h >= max(8, gray.shape[0] / 3)) & (stats[:, cv2.CC_STAT_WIDTH] <= 0.8 * h)]
    ks = [k for k, c in enumerate(line.chars) if c.char != " "]
    if not len(tall) or not ks:
        return {}
    scale = gray.shape[1] / max(1, line.steps)
    at = np.array([(line.chars[k].start + line.chars[k].end) / 2 * scale for k in ks])
    centres = tall[:, cv2.CC_STAT_LEFT] + tall[:, cv2.CC_STAT_WIDTH] / 2
    gap = np.abs(centres[:, None] - at[None, :])
    piece_of = gap.argmin(axis=0)
    char_of = gap.argmin(axis=1)
    mutual = np.flatnonzero(char_of[piece_of] == np.arange(len(ks)))
    return {ks[j]: tuple(box) for j, box in zip(mutual.tolist(), tall[piece_of[mutual], :4].tolist())}


def glyph_picture(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """What tells the look-alikes apart, in the glyph's own units: its width to its height, and the ink
    beside its stem in its top and bottom fifths, left and right (a 1's flag and wide foot, an I's
    serifs both sides, an l's left serif alone), each over the stem's width."""
    x, y, w, h = box
    x0, x1 = max(0, x - 2), min(gray.shape[1], x + w + 2)
    ink = 255.0 - gray[y : y + h, x0:x1].astype(np.float32)
    ink = np.clip(ink / max(1.0, percentile(ink, 98)), 0.0, 1.0)
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


def _open(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """Whether the look-alike at ``k`` may be changed: its line does not decide it and allows the model's
    next choice."""
    c = chars[k]
    return c.char in LOOK_ALIKES and bool(c.second) and not _decided(chars, k) and c.second in _allowed(chars, k)


def _decided(chars: tuple[DecodedChar, ...], k: int) -> bool:
    """Whether the line decides the reading at ``k``: a 1 beside a digit (or one past a point or comma:
    ``4.1.4``, ``1,000``), an I beside a capital, an l beside a small letter."""
    c = chars[k]
    prev, nxt = _beside(chars, k)
    if c.char == "1":
        prev = _char(chars, k - 2) if prev and prev in ".," else prev
        nxt = _char(chars, k + 2) if nxt and nxt in ".," else nxt
    beside = {"1": str.isdigit, "I": str.isupper, "l": str.islower}[c.char]
    return any(beside(ch) and ch not in LOOK_ALIKES for ch in (prev, nxt) if ch)


def _allowed(chars: tuple[DecodedChar, ...], k: int) -> str:
    """What the look-alike at ``k`` may be made: a digit for a letter, a letter for a digit (I and l are told
    apart by other means: the recognizer's weights, small letters beside); no digit beside a letter of
    its word (``If`` is no ``1f``), no letter beside a digit."""
    near = "".join(_beside(chars, k))
    if chars[k].char != "1":
        return "" if any(ch.isalpha() and ch not in LOOK_ALIKES for ch in near) else "1"
    return "" if any(ch.isdigit() and ch not in LOOK_ALIKES for ch in near) else "Il"


def _beside(chars: tuple[DecodedChar, ...], k: int) -> tuple[str, str]:
    return _char(chars, k - 1), _char(chars, k + 1)


def _char(chars: tuple[DecodedChar, ...], k: int) -> str:
    return chars[k].char if 0 <= k < len(chars) else ""
