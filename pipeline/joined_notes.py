"""Margin notes the detector joined to the line beside them, split off before reading order.

A manual's option names stand in the left margin, flush against the first line of their entry,
often less than a word space away (fduthesis, ctex), and the detector takes the two as one line.
Read as one line, the note lands inside its entry instead of after it (``pipeline/margins.py``).
Such a line starts in the margin and runs on into the body: on a page whose other notes stand
apart, it is cut at its widest gap free of ink near the body's left edge (the gutter between note and
body, wider than the gaps between glyphs), each character going with the side its step is on.
A proposal's side headings stand in the right margin a little past the body's justified edge, and
lines running on past that edge are cut there the same way, when their notes start level with each
other (a column of notes).
"""
from __future__ import annotations

import numpy as np

from pipeline.ctc import DecodedChar, DecodedLine
from pipeline.geometry import crop_quad, interpolate_on_quad
from pipeline.layout import LayoutSettings, layout_boxes
from pipeline.margins import has_left_notes, left_edge
from pipeline.medians import median, percentile

# The cut is looked for this many line heights left of the body's edge and right of it ...
LEFT_REACH = 2.0
RIGHT_REACH = 0.5
# (mirrored for notes on the right) ...
# ... in a gap free of ink at least this many line heights wide (between two CJK glyphs is less) ...
MIN_GAP = 0.25
# ... where ink is this many grey levels darker than the paper.
INK_LEVEL = 40
# Lines ending this many line heights past the body's right edge may hold a note; the notes' starts,
# within this many line heights of their median, make a column.
NOTE_PAST_EDGE = 1.0
NOTE_ALIGN = 0.5


def split_joined_notes(gray: np.ndarray, boxes: list[list[float]], quads: list[np.ndarray],
                       decoded: list[DecodedLine], settings: LayoutSettings):
    """``(boxes, quads, decoded)`` with each note joined to its entry's line cut off it (``quads`` in
    ``gray``'s pixels, ``boxes`` the same lines upright)."""
    boxes, quads, decoded = _split_left(gray, boxes, quads, decoded, settings)
    return _split_right(gray, boxes, quads, decoded, settings)


def _split_left(gray: np.ndarray, boxes: list[list[float]], quads: list[np.ndarray],
                decoded: list[DecodedLine], settings: LayoutSettings):
    """Notes in the left margin cut off the first line of their entry."""
    if len(boxes) < 6:
        return boxes, quads, decoded
    arr = np.asarray(boxes, dtype=np.float64)
    work, line_h = layout_boxes(arr, settings)
    edge = left_edge(work)
    # Only beside a body that has margin notes of its own (not a listing's lines indented less than prose).
    if edge is None or not has_left_notes(work, line_h, settings):
        return boxes, quads, decoded
    # Lines that start where notes do and run on into the body.
    joined = np.flatnonzero((work[:, 0] < edge - 2 * line_h) & (work[:, 2] > edge + 2 * line_h))
    out_b, out_q, out_d = list(boxes), list(quads), list(decoded)
    for i in joined[::-1]:
        x0, x1 = arr[i, 0], arr[i, 2]
        crop = crop_quad(gray, quads[i])
        gap = ink_gap_at(crop, (edge - x0) / (x1 - x0), line_h / (x1 - x0), LEFT_REACH, RIGHT_REACH)
        if gap is None:
            continue
        cut = sum(gap) / 2
        cut_line((out_b, out_q, out_d), i, cut, _note_rows(crop, cut, arr[i, 1], arr[i, 3]), (arr[i, 1], arr[i, 3]))
    return out_b, out_q, out_d


def _split_right(gray: np.ndarray, boxes: list[list[float]], quads: list[np.ndarray],
                 decoded: list[DecodedLine], settings: LayoutSettings):
    """Side headings set in the right margin a word space or two past the body's justified edge (a
    proposal's), taken by the detector into the line beside them, cut off at the edge; only where two or
    more such notes start level with each other, a column of notes (not ragged lines running on)."""
    if len(boxes) < 6:
        return boxes, quads, decoded
    arr = np.asarray(boxes, dtype=np.float64)
    work, line_h = layout_boxes(arr, settings)
    edge = left_edge(work[:, [2, 1, 0, 3]] * [-1, 1, -1, 1])  # the body's right edge, mirrored
    if edge is None:
        return boxes, quads, decoded
    edge = -edge
    joined = np.flatnonzero((work[:, 2] > edge + NOTE_PAST_EDGE * line_h) & (work[:, 0] < edge - 2 * line_h))
    gaps: dict[int, tuple[float, float]] = {}
    for i in joined:
        x0, x1 = arr[i, 0], arr[i, 2]
        gap = ink_gap_at(crop_quad(gray, quads[i]), (edge - x0) / (x1 - x0), line_h / (x1 - x0), RIGHT_REACH,
                         LEFT_REACH)
        if gap is not None:
            gaps[int(i)] = gap
    starts = {i: arr[i, 0] + hi * (arr[i, 2] - arr[i, 0]) for i, (_, hi) in gaps.items()}
    if not starts:
        return boxes, quads, decoded
    middle = float(median(list(starts.values())))
    column = [i for i, x in starts.items() if abs(x - middle) <= NOTE_ALIGN * line_h]
    # The margin holds no other line reaching into the notes' column (a listing's long line runs on there).
    others = np.setdiff1d(np.arange(len(arr)), column)
    if len(column) < 2 or (len(others) and work[others, 2].max() > middle - NOTE_ALIGN * line_h):
        return boxes, quads, decoded
    out_b, out_q, out_d = list(boxes), list(quads), list(decoded)
    for i in sorted(column, reverse=True):
        cut_line((out_b, out_q, out_d), i, sum(gaps[i]) / 2, (arr[i, 1], arr[i, 3]), (arr[i, 1], arr[i, 3]))
    return out_b, out_q, out_d


def cut_line(out: tuple[list, list, list], i: int, cut: float, left_rows: tuple[float, float],
         right_rows: tuple[float, float]) -> None:
    """Line ``i`` of ``out`` (boxes, quads, lines) replaced by its pieces left and right of ``cut`` (a fraction
    of its width), the pieces' boxes spanning these rows; unless a piece holds no character."""
    boxes, quads, lines = out
    pieces = _pieces(quads[i], lines[i], cut)
    if not (pieces[0][1].chars and pieces[1][1].chars):
        return
    quads[i:i + 1] = [q for q, _ in pieces]
    lines[i:i + 1] = [d for _, d in pieces]
    x0, x1 = boxes[i][0], boxes[i][2]
    xc = x0 + cut * (x1 - x0)
    boxes[i:i + 1] = [[x0, left_rows[0], xc, left_rows[1]], [xc, right_rows[0], x1, right_rows[1]]]


def ink_gap_at(crop: np.ndarray, edge: float, line: float, before: float, after: float) -> tuple[float, float] | None:
    """The widest ink-free run of columns of the crop's middle rows (fractions of its width) whose middle lies
    from ``before`` line heights left of ``edge`` to ``after`` right of it (``edge`` and ``line``, one line
    height, fractions of the crop's width too)."""
    h, w = crop.shape
    core = crop[h // 4: h - h // 4].astype(np.int16)
    paper = percentile(core, 90)
    ink = (paper - core > INK_LEVEL).any(axis=0)
    cols = np.flatnonzero(ink)
    if len(cols) < 2:
        return None
    best = None
    for a, b in zip(cols[:-1], cols[1:]):
        lo, hi = (a + 1) / w, b / w
        if hi - lo < MIN_GAP * line or not edge - before * line <= (lo + hi) / 2 <= edge + after * line:
            continue
        if best is None or hi - lo > best[1] - best[0]:
            best = (lo, hi)
    return best


def _note_rows(crop: np.ndarray, cut: float, top: float, bottom: float) -> tuple[float, float]:
    """The note's own rows: the joined box's, scaled by the height of the note's ink against the line's
    beside it (a note is set in smaller type, which tells it from the body; see ``pipeline/margins.py``)."""
    h, w = crop.shape
    k = int(round(cut * w))
    ink = crop.astype(np.int16) < percentile(crop, 90) - INK_LEVEL
    rows_l, rows_r = np.flatnonzero(ink[:, :k].any(axis=1)), np.flatnonzero(ink[:, k:].any(axis=1))
    if len(rows_l) < 2 or len(rows_r) < 2:
        return top, bottom
    ratio = min(1.0, (rows_l[-1] - rows_l[0] + 1) / (rows_r[-1] - rows_r[0] + 1))
    middle = top + (rows_l[0] + rows_l[-1] + 1) / 2 / h * (bottom - top)
    return middle - ratio * (bottom - top) / 2, middle + ratio * (bottom - top) / 2


def _pieces(quad: np.ndarray, line: DecodedLine, cut: float) -> list[tuple[np.ndarray, DecodedLine]]:
    """The line's quad and characters left and right of ``cut`` (a fraction of its width), each piece's
    time steps its own; a character goes with the side its step (the middle of its glyph) is on."""
    step = int(round(cut * line.steps))
    left = [c for c in line.chars if (c.start + c.end) / 2 < step]
    right = [DecodedChar(c.char, c.confidence, max(0, c.start - step), max(1, c.end - step))
             for c in line.chars if (c.start + c.end) / 2 >= step]
    return [(interpolate_on_quad(quad, 0.0, cut), DecodedLine(_strip(left), step)),
            (interpolate_on_quad(quad, cut, 1.0), DecodedLine(_strip(right), line.steps - step))]


def _strip(chars: list[DecodedChar]) -> tuple[DecodedChar, ...]:
    while chars and chars[0].char == " ":
        chars = chars[1:]
    while chars and chars[-1].char == " ":
        chars = chars[:-1]
    return tuple(chars)
