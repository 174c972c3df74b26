"""Text set lighter than its line between a pair of brackets read empty: a coloured citation's number.

A citation or link set in a light colour (hyperref's green ``[12]``, turned grey) is much fainter than the
black text around it; the recognizer reads the dark brackets and nothing between them (``[]``, ``[ ]``).
The ink is still there. Between brackets read empty, ink darker than the paper around it by a glyph's
contrast, as tall as a digit, is read again on its own: the brackets and what they hold cut from the line's
crop with the grey scale stretched from that faint ink (black) to the paper between the brackets (white),
and the characters read between the brackets put in when they are few and sure. Brackets with paper only
between them (``a[]`` in code) stay as read.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.ink_pieces import ink_pieces

_PAIRS = {"[": "]", "(": ")"}


@dataclass(frozen=True)
class FaintCitationSettings:
    # Each bracket's own ink lies within this many line heights of its centre; the span between is the rest.
    bracket: float = 0.12
    min_span: float = 0.25  # line heights between the brackets, at least: room for a glyph
    # The faint ink: at least this many grey levels darker than the span's paper (its median) …
    min_contrast: float = 12.0
    # … and as one piece at least this share of the line's height tall (a digit; scan noise is specks).
    min_height: float = 0.35
    context: float = 2.0  # line heights of the line's crop kept beyond the span for the second reading
    max_chars: int = 4
    min_confidence: float = 0.6


def faint_citations(decoded: list[DecodedLine], crops_of, read,
                    settings: FaintCitationSettings = FaintCitationSettings()) -> list[DecodedLine]:
    """``decoded`` with what faint ink between brackets read empty holds put between them; ``crops_of(indices)``
    gives the lines' crops as read, ``read`` a recognizer (a list of crops in, their lines out)."""
    todo = [i for i, d in enumerate(decoded) if _empty_pairs(d)]
    if not todo:
        return decoded
    out = list(decoded)
    for i, crop in zip(todo, crops_of(todo)):
        out[i] = _filled(decoded[i], crop, read, settings)
    return out


def _empty_pairs(line: DecodedLine) -> list[tuple[int, int]]:
    """(open, close) indices of bracket pairs with nothing but a space read between them."""
    chars, pairs = line.chars, []
    for i, c in enumerate(chars):
        if c.char in _PAIRS:
            j = i + 1 + (i + 1 < len(chars) and chars[i + 1].char == " ")
            if j < len(chars) and chars[j].char == _PAIRS[c.char]:
                pairs.append((i, j))
    return pairs


def _filled(line: DecodedLine, crop: np.ndarray, read, s: FaintCitationSettings) -> DecodedLine:
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    h = gray.shape[0]
    scale = gray.shape[1] / max(1, line.steps)
    chars = list(line.chars)
    blurred = cv2.GaussianBlur(gray, (3, 3), 0).astype(np.float32)
    # The line's own ink (its Otsu threshold) and the grey edge around it: the brackets, not what they hold.
    level = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]
    own = (blurred < level).astype(np.uint8)
    dark = cv2.dilate(own, np.ones((5, 5), np.uint8)) > 0
    inked = own.any(axis=0)
    for i, j in reversed(_empty_pairs(line)):
        a, b = ((chars[k].start + chars[k].end) / 2 * scale for k in (i, j))
        # The span from the opening bracket's ink to the next ink of the line's own (the closing one's): the
        # time steps trail the glyphs, so the brackets are found in the ink.
        lo = _run_end(inked, int(a - s.bracket * h), int(a + s.bracket * h))
        hi = lo + int(np.argmax(inked[lo:])) if lo is not None and inked[lo:].any() else None
        if lo is None or hi is None or hi - lo < s.min_span * h or hi > b + 2 * s.bracket * h + s.min_span * h:
            continue
        span, light = blurred[:, lo:hi], ~dark[:, lo:hi]
        if not light.any():
            continue
        paper, faint = float(np.median(span[light])), float(np.percentile(span[light], 0.5))
        if paper - faint < s.min_contrast or not _glyph_tall((span < (paper + faint) / 2) & light, s.min_height * h):
            continue
        # Only the span is stretched: the words around keep their grey, and the reading its context.
        x0, x1 = max(0, int(lo - s.context * h)), min(gray.shape[1], int(hi + s.context * h) + 1)
        piece = gray[:, x0:x1].copy()
        piece[:, lo - x0 : hi - x0] = np.clip((span - faint) / (paper - faint) * 255, 0, 255).astype(np.uint8)
        again = read([piece])[0]
        inner = _between(again, chars[i].char, chars[j].char)
        if not inner or len(inner) > s.max_chars or min(c.confidence for c in inner) < s.min_confidence:
            continue
        # Their time steps as the piece's, moved to the line's (its columns from x0).
        step = (x1 - x0) / max(1, again.steps) / scale
        at = x0 / scale
        chars[i + 1 : j] = [replace(c, start=int(at + c.start * step), end=max(int(at + c.start * step) + 1,
                                                                             int(at + c.end * step)))
                            for c in inner]
    return line if tuple(chars) == line.chars else DecodedLine(tuple(chars), line.steps)


def _run_end(inked: np.ndarray, lo: int, hi: int) -> int | None:
    """The column after the last of the first run of ink columns starting in [lo, hi), or None."""
    lo, hi = max(0, lo), min(len(inked), hi)
    starts = np.flatnonzero(inked[lo:hi])
    if not len(starts):
        return None
    k = lo + int(starts[0])
    rest = np.flatnonzero(~inked[k:])
    return k + int(rest[0]) if len(rest) else None


def _glyph_tall(ink: np.ndarray, least: float) -> bool:
    """Whether one 8-connected piece of ``ink`` is at least ``least`` pixels tall."""
    n, _, stats, _ = ink_pieces(ink.astype(np.uint8))
    return bool(n > 1 and stats[1:, cv2.CC_STAT_HEIGHT].max() >= least)


def _between(again: DecodedLine, opening: str, closing: str) -> list:
    """The characters the second reading puts between the pair (letters and digits only), or [] when it
    does not read the pair with something between."""
    text = [c for c in again.chars if c.char != " "]
    opens = [k for k, c in enumerate(text) if c.char == opening]
    closes = [k for k, c in enumerate(text) if c.char == closing]
    if len(opens) != 1 or len(closes) != 1 or closes[0] - opens[0] < 2:
        return []
    inner = text[opens[0] + 1 : closes[0]]
    return inner if all(c.char.isalnum() for c in inner) else []
