"""Detector boxes cut at column gutters.

Columns set close together (an index's, a dictionary's: a gutter under one
line height) are joined by the text detector into boxes running across the
gutter, so two columns' lines come out as one line and no reading order can
separate them again. Such a gutter shows on the page as a vertical channel
free of ink that runs through many lines with text on both sides of it, at
the same place in every line; a gap between words lines up with gaps in the
lines above and below only by chance, for a line or two. Each box crossing
such a channel is cut in two there, before recognition.

Found on the upright (levelled) page, in the ink inside the boxes' middle
rows only, so rules, figures and the gaps between lines play no part.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline import preprocess
from pipeline.geometry import interpolate_on_quad, quad_to_box
from pipeline.medians import median
from pipeline.ink_pieces import ink_pieces


@dataclass(frozen=True)
class GutterSettings:
    # A gutter is at least this many line heights wide (words stand about a fifth of one apart).
    min_gap: float = 0.6
    # ... runs free of ink past at least this many rows with ink beside it on both sides ...
    min_rows: int = 4
    # ... within this many line heights of its edges, and reaching on (median of those rows) at least
    # this many line heights away from it on both sides: columns, not a table of contents' numbers
    # beside their titles, nor a table's narrow cells.
    beside: float = 1.0
    min_side: float = 4.0
    # The channel tested is narrower by this many line heights each side: a column's right-aligned
    # edge (page numbers) wavers by a pixel or two between lines.
    slack: float = 0.25
    # ... and still this many wide ...
    min_channel: float = 0.1
    # ... running past at least this many rows of text (on either side): a river of gaps between words
    # in justified prose runs through a few lines, then ends in a word; a gutter runs down the column.
    min_span_rows: int = 8
    # ... and wider, by this factor, than the box's other gaps that run down as channels as long but with
    # less text beside them: in monospaced lines of like words every space falls at the same place in
    # every line, and the one with enough text on both sides is no wider than the others.
    wider_than_spaces: float = 1.3
    # Share of a box's height taken as its middle rows (where its glyphs' bodies are).
    core: float = 0.5
    # Ink: this many grey levels darker than the paper around it (within ``paper_lines`` line heights).
    ink_level: int = 40
    paper_lines: float = 0.25
    # Marks smaller than this share of a line height squared are scan noise and do not close a
    # gutter (periods and commas are larger, and do: an index's leaders are ink).
    min_mark: float = 0.07
    # The page is looked at scaled so that a line is at most this many pixels high (cost).
    max_line_px: float = 16.0


def cut_at_gutters(gray: np.ndarray, quads: list[np.ndarray], skew: float,
                   settings: GutterSettings = GutterSettings()) -> list[np.ndarray]:
    """``quads`` (in ``gray``'s pixels, the page tilted by ``skew`` degrees) with those
    crossing a column gutter cut there; the others unchanged, in their order."""
    s = settings
    if len(quads) < 2 * s.min_rows:
        return quads
    h, w = gray.shape
    level = np.eye(3)
    if skew:
        level = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0), [0, 0, 1]])
    boxes = np.array([quad_to_box(preprocess.transform(q, level)) for q in quads], dtype=np.float64)
    line_h = float(median(boxes[:, 3] - boxes[:, 1]))
    if line_h < 4:
        return quads
    scale = min(1.0, s.max_line_px / line_h)
    ink = _core_ink(gray, skew, scale, boxes * scale, line_h * scale, s)
    out: list[np.ndarray] = []
    for quad, box in zip(quads, boxes):
        cuts = _gutters_in(box * scale, ink, line_h * scale, s)
        if not cuts:
            out.append(quad)
            continue
        x0, x1 = box[0] * scale, box[2] * scale
        edges = [x0, *[x for gap in cuts for x in gap], x1]
        for lo, hi in zip(edges[::2], edges[1::2]):
            out.append(interpolate_on_quad(quad, (lo - x0) / (x1 - x0), (hi - x0) / (x1 - x0)))
    return out


def levelled(gray: np.ndarray, skew: float, scale: float) -> np.ndarray:
    """The page scaled by ``scale`` and turned by ``-skew`` degrees about its centre, paper filling the corners."""
    small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if not skew:
        return small
    h, w = small.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    return cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def core_rows(shape: tuple[int, int], boxes: np.ndarray, s: GutterSettings) -> np.ndarray:
    """Mask (bool) of the boxes' middle rows, the share ``s.core`` of each box's height."""
    h, w = shape
    rows = np.zeros((h, w), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        margin = (1 - s.core) / 2 * (y1 - y0)
        a, b = int(max(0, y0 + margin)), int(min(h, np.ceil(y1 - margin)))
        rows[a:b, int(max(0, x0)):int(min(w, np.ceil(x1)))] = True
    return rows


def _core_ink(gray: np.ndarray, skew: float, scale: float, boxes: np.ndarray, line_h: float,
              s: GutterSettings) -> np.ndarray:
    """Ink of the levelled, scaled page inside the boxes' middle rows (bool)."""
    small = levelled(gray, skew, scale)
    h, w = small.shape
    k = max(3, int(s.paper_lines * line_h * 4) | 1)
    rows = core_rows(small.shape, boxes, s)
    # Ink is wanted inside the rows only: measured on their bounding region (with the paper window's reach
    # around it, so the dilation sees every pixel it did on the whole page) and labelled there.
    ys, xs = np.flatnonzero(rows.any(axis=1)), np.flatnonzero(rows.any(axis=0))
    out = np.zeros((h, w), dtype=bool)
    if not len(ys):
        return out
    top, bottom, left, right = int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1
    r = k // 2
    t0, l0 = max(0, top - r), max(0, left - r)
    around = small[t0:min(h, bottom + r), l0:min(w, right + r)]
    paper = cv2.dilate(around, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    inner = (slice(top - t0, bottom - t0), slice(left - l0, right - l0))
    ink = (cv2.subtract(paper[inner], around[inner]) > s.ink_level) & rows[top:bottom, left:right]
    _, labels, stats, _ = ink_pieces(ink.view(np.uint8))
    keep = stats[:, cv2.CC_STAT_AREA] >= (s.min_mark * line_h) ** 2
    keep[0] = False
    out[top:bottom, left:right] = keep[labels]
    return out


def _gutters_in(box: np.ndarray, ink: np.ndarray, line_h: float, s: GutterSettings) -> list[tuple[float, float]]:
    """The gutters (x-ranges) this box crosses, left to right."""
    h, w = ink.shape
    x0, x1 = int(max(0, box[0])), int(min(w, np.ceil(box[2])))
    margin = (1 - s.core) / 2 * (box[3] - box[1])
    y0, y1 = int(max(0, box[1] + margin)), int(min(h, np.ceil(box[3] - margin)))
    if x1 - x0 < 3 * line_h or y1 <= y0:
        return []
    cols = np.flatnonzero(ink[y0:y1, x0:x1].any(axis=0))
    widths = np.diff(cols)
    found, channels = {}, [0]
    # White runs between the box's first and last ink, wide enough to be a gutter (or, a little narrower,
    # to show that the box's spaces run down in channels as long).
    for j in np.flatnonzero(widths > s.min_gap / s.wider_than_spaces * line_h):
        a, b = x0 + int(cols[j]) + 1, x0 + int(cols[j + 1])
        kind = _channel(a, b, (y0 + y1) // 2, ink, line_h, s)
        if kind == "gutter" and widths[j] > s.min_gap * line_h:
            found[int(j)] = (float(a), float(b))
        elif kind:
            channels.append(int(widths[j]))  # a channel as long, with words beside it on a side: spaces
    return [found[j] for j in sorted(found) if widths[j] >= s.wider_than_spaces * max(channels)]


def _channel(a: int, b: int, y: int, ink: np.ndarray, line_h: float, s: GutterSettings) -> str | None:
    """What the ink-free channel through columns [a, b) around row ``y`` is: ``"gutter"`` if it passes at least
    ``min_rows`` rows with ink close beside it on both sides, runs past ``min_span_rows`` rows of text and the
    text of those rows reaches far from it; ``"channel"`` if only the first holds; else None."""
    m = int(round(s.slack * line_h))
    if b - a - 2 * m < s.min_channel * line_h:
        return None
    blocked = ink[:, a + m:b - m].any(axis=1)
    above = np.flatnonzero(blocked[:y])
    below = np.flatnonzero(blocked[y:])
    top = int(above[-1]) + 1 if len(above) else 0
    bottom = y + int(below[0]) if len(below) else ink.shape[0]
    reach = int(np.ceil(s.beside * line_h))
    band = ink[top:bottom]
    left, right = band[:, max(0, a - reach):a].any(axis=1), band[:, b:b + reach].any(axis=1)
    both = left & right
    if _runs(both) < s.min_rows or _runs(left | right) < s.min_rows:
        return None
    if _runs(left | right) < s.min_span_rows:
        return "channel"
    rows = band[both]
    far_left = a - np.argmax(rows[:, :a], axis=1)  # distance to each row's first ink left of the channel
    far_right = rows.shape[1] - b - np.argmax(rows[:, b:][:, ::-1], axis=1)
    return "gutter" if min(median(far_left), median(far_right)) >= s.min_side * line_h else "channel"


def _runs(rows: np.ndarray) -> int:
    """Rows of text, not pixel rows: the runs of True."""
    return int(np.count_nonzero(np.diff(np.concatenate([[0], rows.astype(np.int8)])) == 1))
