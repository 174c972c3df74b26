"""A panel's rows the detector joined across its two blocks, cut at the blocks' gap before reading order.

Two addresses side by side (``pipeline/panels.py``) stand only a word space or two apart, and the detector
often runs a row of both, or every row, into one box (``http://silmaril.ie http://epu.ucc.ie/latex/``): no
reading order can then read the left block before the right one. Such rows follow each other at their
type's pitch, start at one left edge, and each has a gap free of ink, wider than its word spaces, ending
at the same place in every row: the right block's left edge, where the right piece of a row the detector
did part starts (runs are grown from such a row only: a listing's spaces line up in a typewriter face,
row after row, and parted rows tell the blocks' gap from them). Each joined row is cut in that gap, each
character going with the side its step is on; the cuts are kept only when the pieces then make a panel,
filled blocks and all, with their rows.
"""
from __future__ import annotations

import numpy as np

from pipeline.geometry import crop_quad
from pipeline.joined_notes import INK_LEVEL, cut_line
from pipeline.layout import LayoutSettings, layout_boxes
from pipeline.medians import median, percentile
from pipeline.panels import ALIGN, MAX_GAP, MAX_PITCH, MIN_ROWS, Panel, find_panels, level_matrix, neighbours, row_pairs
from pipeline.read_extents import read_extents

# A joined row's gap between the blocks is at least this many type heights wide (a word space is a
# third of one) and this many times as wide as the row's next widest gap.
MIN_GAP = 0.6
WIDER = 1.5


def split_panel_rows(gray: np.ndarray, boxes: list[list[float]], quads: list[np.ndarray], decoded: list,
                     settings: LayoutSettings):
    """``(boxes, quads, decoded)`` with each line joined across a panel's two blocks cut in two (``quads`` in
    ``gray``'s pixels, ``boxes`` the same lines upright)."""
    if len(boxes) < MIN_ROWS:
        return boxes, quads, decoded
    work = _text_boxes(boxes, decoded, settings)
    level = level_matrix(work)
    heights = work[:, 3] - work[:, 1]
    # Alone on its row: no level box within the widest gap a panel's blocks leave.
    left, right = neighbours(work, level)
    room = MAX_GAP * heights
    overlapping = (level & (work[None, :, 0] <= work[:, None, 2]) & (work[None, :, 2] >= work[:, None, 0])).any(axis=1)
    alone = ~overlapping & ((left < 0) | (work[:, 0] - work[left, 2] > room)) \
        & ((right < 0) | (work[right, 0] - work[:, 2] > room))
    # Each row's possible right-block edges: a parted row's right piece, a joined line's wide gaps (measured
    # only for lines a run of rows reaches).
    pairs = {i: j for i, j in row_pairs(work, level)}
    measured: dict[int, list[tuple[float, float | None]]] = {}

    def edges(k: int) -> list[tuple[float, float | None]]:
        if k not in measured:
            wide = _wide_gaps(gray, boxes[k], quads[k], float(heights[k])) \
                if alone[k] and work[k, 2] - work[k, 0] > 4 * MIN_GAP * heights[k] else []
            # (a joined row's pair may be another column's line: it keeps its gaps)
            measured[k] = wide + ([(float(work[pairs[k], 0]), None)] if k in pairs else [])
        return measured[k]

    cuts: dict[int, float] = {}
    for chain, edge in _chains(work, pairs, edges):
        near = ALIGN * _h(work, chain)
        cuts.update({k: f for k in chain for x, f in edges(k) if f is not None and abs(x - edge) <= near})
    if not cuts:
        return boxes, quads, decoded
    out = (list(boxes), list(quads), list(decoded))
    for k in sorted(cuts, reverse=True):  # from the end: the indices before stay
        cut_line(out, k, cuts[k], (boxes[k][1], boxes[k][3]), (boxes[k][1], boxes[k][3]))
    # Kept where every cut line's pieces stand in a panel.
    pieces = [k + n for n, k in enumerate(sorted(cuts))]
    panels = find_panels(_text_boxes(out[0], out[2], settings))
    kept = {k for k, p in zip(sorted(cuts), pieces) if _in_panel(panels, p)}
    if kept == set(cuts):
        return out
    if not kept:
        return boxes, quads, decoded
    out = (list(boxes), list(quads), list(decoded))
    for k in sorted(kept, reverse=True):
        cut_line(out, k, cuts[k], (boxes[k][1], boxes[k][3]), (boxes[k][1], boxes[k][3]))
    return out


def _text_boxes(boxes: list[list[float]], decoded: list, settings: LayoutSettings) -> np.ndarray:
    """The boxes as the reading order sees them: cut back to their read text, then by their padding."""
    text = read_extents(boxes, decoded, settings.pad_x, settings.min_unread)
    return layout_boxes(np.asarray(text, dtype=np.float64), settings)[0]


def _in_panel(panels: list[Panel], left_piece: int) -> bool:
    return any(left_piece in p.left and left_piece + 1 in p.right for p in panels)


def _h(work: np.ndarray, rows: list[int]) -> float:
    return float(median(work[rows, 3] - work[rows, 1]))


def _chains(work: np.ndarray, pairs: dict[int, int], edges):
    """Runs of at least ``MIN_ROWS`` rows through a row the detector parted, each next to the one before at
    their type's pitch, starting at one left edge and each with a possible edge (``edges(k)``) at the parted
    row's gap, holding a joined row: (rows, edge) pairs."""
    centre = (work[:, 1] + work[:, 3]) / 2
    partners = set(pairs.values())
    used: set[int] = set()
    for first in sorted(pairs, key=lambda k: centre[k]):
        if first in used:
            continue
        edge = float(work[pairs[first], 0])
        chain = [first]
        for step in (1, -1):  # down, then up
            last = first
            while True:
                h = _h(work, chain)
                # The lines just below (above), overlapping the run's extent (a parted row's right pieces
                # aside): one, starting at the run's edge, with a possible edge where the run's is.
                reach = step * (centre - centre[last])
                beside = (work[:, 0] < work[last, 2]) & (work[:, 2] > work[last, 0])
                nxt = [int(k) for k in np.flatnonzero((reach > 0) & (reach <= MAX_PITCH * h) & beside)
                       if int(k) not in partners]
                if len(nxt) != 1 or abs(work[nxt[0], 0] - work[first, 0]) > ALIGN * h or \
                        not any(abs(x - edge) <= ALIGN * h for x, _ in edges(nxt[0])):
                    break
                last = nxt[0]
                chain = [*chain, last] if step > 0 else [last, *chain]
        if len(chain) >= MIN_ROWS and any(f is not None for k in chain for _, f in edges(k)):
            used.update(chain)
            yield chain, edge


def _wide_gaps(gray: np.ndarray, box: list[float], quad: np.ndarray, h: float) -> list[tuple[float, float]]:
    """A line's gaps free of ink at least ``MIN_GAP`` type heights wide and ``WIDER`` times its other gaps:
    (where the gap ends on the page, the gap's middle as a fraction of the line's width)."""
    crop = crop_quad(gray, quad)
    ch, cw = crop.shape
    core = crop[ch // 4: ch - ch // 4].astype(np.int16)
    ink = np.flatnonzero((percentile(core, 90) - core > INK_LEVEL).any(axis=0))
    if len(ink) < 2:
        return []
    scale = (box[2] - box[0]) / cw  # page pixels a crop column
    widths = np.diff(ink) * scale
    order = np.argsort(widths)[::-1]
    wide = [j for j in order if widths[j] >= MIN_GAP * h]
    if not wide:
        return []
    others = widths[order[len(wide)]] if len(wide) < len(widths) else 0.0
    return [(box[0] + ink[j + 1] * scale, (ink[j] + ink[j + 1] + 1) / 2 / cw)
            for j in wide if widths[j] >= WIDER * others]
