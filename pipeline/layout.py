"""Reading order: lines → blocks, top to bottom, column by column.

A recursive XY-cut over the line boxes. A region is first split at a vertical gutter that few boxes cross,
when both sides look like text columns: wide, and filled by their lines (prose) or by their rows (a
reference card's keys and descriptions, an index's entries; see ``_looks_like_column``; a column may hold a
table or a figure's labels, as long as most of the text of its lines standing alone on their rows is in full
lines); the boxes crossing it (titles, headings) cut the columns into bands, each read left column first.
Boxes crossing it that have lines level beside them (a display and its note above the columns) are no
heading: the region is then cut at its widest horizontal gap first. Blocks beside each other whose lines do
not line up (a listing and its output), or that are each centred on their own axis (a title page's
authors), are read one after the other. Otherwise the region is cut at its widest horizontal gap, and
finally a row is split into cells at its vertical gaps; lines with no gap between them at all (small print)
are read in rows. Tables therefore read row by row (their cells are narrow or short, so their gutters are
not taken as columns), while two-column text reads column by column even when one column runs longer than
the other, unless both columns break level, group by group, into balanced bands (an index's letters:
``pipeline/bands.py``). A running head above the columns is read first (``pipeline/heads.py``), as is a
masthead (a title beside a logo: ``pipeline/mastheads.py``); a caption beside a block is read as a block of
its own (``pipeline/captions.py``), a table row's wrapped cells each whole (``pipeline/wrapped_cells.py``),
two blocks of lines that fill them side by side in a panel (two addresses, level line for line) each whole,
left first (``pipeline/panels.py``).
Margin notes (a narrow column of short lines in smaller type left of the body, or side headings right of
it) are taken out first and read after the entry they stand beside, or before the line they start level
with (``pipeline/margins.py``). Boxes must be upright (de-skewed) for this; boxes the detector joined across
a gutter are cut before (``pipeline/gutters.py``), boxes reaching far past their text cut back to it
(``pipeline/read_extents.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.bands import shared_breaks
from pipeline.box_rows import (centred_beside_pairs, density, ink_median, intervals_gaps, level_share, pieces_per_row,
                               row_extents, rows_by_centres, shares_row)
from pipeline.captions import caption_beside
from pipeline.centred_blocks import centred_blocks
from pipeline.close_rows import rows_set_close
from pipeline.gutter_ends import gutter_ends
from pipeline.heads import head_apart
from pipeline.margins import margin_apart
from pipeline.mastheads import masthead_apart
from pipeline.medians import median
from pipeline.panels import panel_blocks
from pipeline.recognize import RecognizerSettings
from pipeline.wrapped_cells import CellSettings, cell_tail_up, wrapped_cells


@dataclass(frozen=True)
class LayoutSettings:
    # A gutter must be at least this many line heights wide to split columns (CJK columns are often set less
    # than one line height apart; justified columns' boxes, marks hung into the gutter, leave a fifth of one).
    min_gutter: float = 0.2
    # Share of a region's boxes that may cross a gutter (titles, headings) ...
    max_spanning: float = 0.1
    # ... by more than this many line heights.
    max_poke: float = 0.5
    # Each column side must be at least this many line heights wide ...
    min_column_width: float = 10.0
    # ... where the lines' text gives the type's em, this many ems instead (``pipeline/type_size.py``:
    # the scans' boxes are a median 1.3 ems tall, so the line heights' figure in ems).
    min_column_ems: float = 13.0
    # ... and its lines must fill this share of it (median), as prose does.
    min_fill: float = 0.55
    # ... or most of the text of its lines that have their row to themselves (not a table's cells, nor
    # a table of contents' leaders and numbers) is in such lines, and its lines cover this share of its height.
    min_ink_density: float = 0.5
    # ... or it is at least this many rows (pieces of one row merged) starting
    # within this many line heights of its left edge, which fill it as prose
    # does or are a list (an index) beside a gutter at most this share of its width.
    min_list_rows: int = 8
    max_row_indent: float = 3.0
    max_list_gutter: float = 0.5
    # Such rows beside a gutter narrower than this many line heights must not
    # stand level with the rows across it (a table of contents broken at its
    # leaders), and must cover this share of the column's height.
    min_row_gutter: float = 2.0
    min_row_density: float = 0.5
    # ... unless at least this share of them, and this many, run flush across their side (an index).
    min_flush: float = 0.8
    min_flush_rows: int = 3
    # Gutter candidates tried before a region is taken as one column.
    max_gutter_tries: int = 3
    # Share of a box's height its sides were padded with for recognition.
    pad_x: float = RecognizerSettings.pad_x
    # A box side with more than this many line heights unread is cut back to its text (``pipeline/read_extents.py``).
    min_unread: float = 0.3
    # A running head above the columns, broken at their gutter, stands in boxes at most this many line heights tall.
    max_head_lines: float = 1.5
    # A masthead above the columns (``pipeline/mastheads.py``): clear of them by this many line heights, its
    # boxes a median this many times as tall as the region's.
    min_masthead_gap: float = 2.5
    min_masthead_type: float = 1.3
    # Vertical gap (in line heights) that starts a new block within a column.
    block_gap: float = 1.2
    # Side-by-side blocks (code and its output) need a clean gutter this many
    # line heights wide; they are told from a table by their rows, which do
    # not line up: on each side, below this share of lines has a level partner.
    min_block_gutter: float = 1.0
    max_aligned: float = 0.8
    # Median line width (line heights) of a block that can stand on its own.
    min_block_line: float = 2.0
    # A caption beside a block (``pipeline/captions.py``): the block at least this many lines, the caption's
    # type at most this share of the block's line height, its width at least this share of the block's lines'.
    min_caption_block: int = 3
    max_caption_type: float = 1.0
    min_caption_width: float = 0.6
    # A table row's cells whose text wraps, read each whole (``pipeline/wrapped_cells.py``).
    cells: CellSettings = CellSettings()
    # Margin notes (``pipeline/margins.py``): their column at most this share of the body's width, their
    # lines' text-weighted width at most this share of the body's, their type at most this share of its height.
    max_margin_width: float = 0.3
    max_margin_line: float = 0.25
    max_margin_type: float = 0.9
    # Notes in boxes as tall as the body's (a mono type's short glyphs beside CJK) pass when few and far
    # between: at least this many body lines a note (a definition list has a term at every entry).
    min_body_per_tall_note: float = 4.0
    # Share of the boxes that may cross its gutter: notes the detector joined to their entry's first line.
    max_margin_spanning: float = 0.25
    # How far (line heights) a note's box may reach past the body's left edge (boxes are padded).
    margin_reach: float = 0.75
    # Notes closer than this many line heights are one (an option's name and its date).
    margin_cluster_gap: float = 0.75
    # Share of notes whose first line stands level with a body line.
    min_level_notes: float = 0.5
    # Right-hand notes: at least this many body lines a note line.
    min_body_per_note: float = 2.0


@dataclass(frozen=True)
class Ordered:
    index: int  # position in the caller's list
    block: int


def _looks_like_column(boxes: np.ndarray, line_h: float, s: LayoutSettings, gutter: float) -> bool:
    """Prose, or a column of rows (a reference card's keys and descriptions,
    an index's short entries) set apart by a real gutter.

    Prose lines fill the column. Rows of short pieces do too once merged
    (``row_extents``), or are a long list beside a gutter narrow for its width; but
    a table's label column beside wrapped cells qualifies that way as well,
    so such a side must also be a wide gutter away and its rows must follow
    each other down the page rather than stand level with the tops of the
    cells beside them, leaving gaps.
    """
    width = boxes[:, 2].max() - boxes[:, 0].min()
    if width < s.min_column_width * line_h:
        return False
    widths = boxes[:, 2] - boxes[:, 0]
    if median(widths) / max(width, 1e-6) >= s.min_fill:
        return True
    # Most of its text in full lines, among a table's or a figure's small labels; but a definition
    # list's terms beside their descriptions, one at each entry's first line, leave gaps between them.
    solo = ~shares_row(boxes)
    if solo.any() and ink_median(widths[solo]) / max(width, 1e-6) >= s.min_fill \
            and density(boxes) >= s.min_ink_density:
        return True
    if not gutter or density(boxes) < s.min_row_density:
        return False
    rows = row_extents(boxes)
    # A column's rows are many (a table's are few) and start at its left
    # edge, give or take an indent (a table of contents' page numbers do not).
    if len(rows) < s.min_list_rows or median(rows[:, 0] - rows[:, 0].min()) > s.max_row_indent * line_h:
        return False
    # Three or more pieces a row are a table's cells (quantity, price, amount), not keys and descriptions.
    if pieces_per_row(boxes) >= 3:
        return False
    return bool(median(rows[:, 1] - rows[:, 0]) / max(width, 1e-6) >= s.min_fill or gutter <= s.max_list_gutter * width)


def _find_columns(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings):
    """Split ``idx`` at a vertical gutter into (left, right, spanning), or None.

    A gutter is an x-range that few boxes cross: headings and titles may
    span it, which is why a plain "no box crosses" cut is not enough.
    Both sides must look like text columns.
    """
    b = boxes[idx]
    if len(idx) < 4:
        return None
    x_lo, x_hi = float(b[:, 0].min()), float(b[:, 2].max())
    res = max(1.0, line_h / 16)
    n = int((x_hi - x_lo) / res) + 2
    # Boxes over each x-step: +1 where a box starts, -1 where it ends, summed along.
    x0, x1 = ((b[:, 0] - x_lo) / res).astype(int), np.ceil((b[:, 2] - x_lo) / res).astype(int)
    cover = np.cumsum(np.bincount(x0[x1 > x0], minlength=n + 1) - np.bincount(x1[x1 > x0], minlength=n + 1))[:n]
    allowed = max(1, int(s.max_spanning * len(idx)))
    # A gutter is a run of steps crossed by few boxes with columns on both sides, so inside the outer steps.
    if not (cover[1 : n - 1] <= allowed).any():
        return None
    # Gutters at each level of crossing, the least crossed and widest first.
    # A run is taken at the level it needs, not wider: the low-crossing run
    # around a page's gutter often reaches on into the next column's gap
    # between keys and their descriptions, and cutting there splits a column.
    candidates: dict[tuple[int, int], tuple[int, float]] = {}
    for level in np.flatnonzero(np.bincount(cover[cover <= allowed])).tolist():
        open_ = np.concatenate([[False], cover <= level, [False]])
        edges = np.flatnonzero(np.diff(open_.astype(np.int8)))
        for i, j in zip(edges[::2], edges[1::2]):
            width = (j - i) * res
            if i > 0 and j < n and width >= s.min_gutter * line_h and (i, j) not in candidates:
                candidates[(i, j)] = (level, -width)
    for (i, j), _ in sorted(candidates.items(), key=lambda kv: kv[1])[: s.max_gutter_tries]:
        split = _split_at(idx, boxes, line_h, s, x_lo + i * res, x_lo + j * res)
        if split is not None:
            return split
    return None


def _split_at(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings, start: float, end: float):
    b = boxes[idx]
    # A line's last mark (a comma, a hyphen hung into a narrow gutter) reaching just past it is no heading.
    poke = s.max_poke * line_h
    on_left = (b[:, 2] <= end) | ((b[:, 2] <= end + poke) & (b[:, 0] < start - poke))
    on_right = b[:, 0] >= start
    # Masks, not set tests on the indices (which are distinct): the region's own order kept.
    left, right, spanning = idx[on_left & ~on_right], idx[on_right], idx[~(on_left | on_right)]
    # Nor is a right-hand line whose box reaches back into a narrow gutter (cut from a box the detector ran
    # across it, then padded) beside a left-hand line level with it: a heading across the columns has none.
    beside = _pokes_back(spanning, left, boxes, start - poke)
    right, spanning = np.concatenate([right, spanning[beside]]), spanning[~beside]
    left, right, spanning = gutter_ends(left, right, spanning, boxes)  # a page number centred under the columns
    if len(left) < 2 or len(right) < 2:
        return None
    gutter = end - start
    # Rows level across a narrow gutter are one row broken at a gap (a table
    # of contents' leaders), not two columns of rows.
    if gutter < s.min_row_gutter * line_h and level_share(boxes[left], boxes[right], line_h) >= s.max_aligned:
        # Unless each side's rows run flush from edge to edge (an index's entries and page numbers):
        # a table of contents' titles end short of the leaders' gap, each where it ends.
        if _flush_rows(boxes[left], line_h, s) and _flush_rows(boxes[right], line_h, s):
            return left, right, spanning
        gutter = 0.0
    if not (_column_side(left, boxes, line_h, s, gutter) and _column_side(right, boxes, line_h, s, gutter)):
        return None
    return left, right, spanning


def _pokes_back(spanning: np.ndarray, left: np.ndarray, boxes: np.ndarray, least: float) -> np.ndarray:
    """Which of ``spanning`` start right of ``least`` and stand level with a box of ``left`` reaching past
    their start or past ``least`` (bool): a left-hand line ending just short of the right-hand one (an
    index's page number beside the next column's entry) leaves no room for a heading across both."""
    if not len(spanning) or not len(left):
        return np.zeros(len(spanning), dtype=bool)
    a, b = boxes[spanning], boxes[left]
    overlap = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    shorter = np.minimum((a[:, 3] - a[:, 1])[:, None], (b[:, 3] - b[:, 1])[None, :])
    level = (overlap >= 0.5 * shorter) & (b[None, :, 2] > np.minimum(a[:, None, 0], least))
    return (a[:, 0] >= least) & level.any(axis=1)


def _flush_rows(boxes: np.ndarray, line_h: float, s: LayoutSettings) -> bool:
    """A wide side whose rows (pieces of one row merged) nearly all reach its right edge and start at
    its left edge, give or take an indent."""
    rows = row_extents(boxes)
    if len(rows) < s.min_flush_rows or rows[:, 1].max() - rows[:, 0].min() < s.min_column_width * line_h:
        return False
    flush = (rows[:, 1] >= rows[:, 1].max() - line_h) & (rows[:, 0] <= rows[:, 0].min() + s.max_row_indent * line_h)
    return bool(flush.mean() >= s.min_flush)


def _column_side(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings, gutter: float) -> bool:
    """One side of a gutter is a text column, or itself columns (a three-column page)."""
    return _looks_like_column(boxes[idx], line_h, s, gutter) or _find_columns(idx, boxes, line_h, s) is not None


def _side_by_side(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings):
    """Split ``idx`` into (left, right) blocks read one after the other, or None.

    Needs a gutter no box crosses, and rows that do not line up across it:
    a table's cells sit level with each other, the lines of two separate
    blocks (a listing and its output, each with its own pitch) mostly not,
    unless each block is centred on its own axis (``pipeline/centred_blocks.py``).
    """
    if len(idx) < 4:  # two lines a side
        return None
    b = boxes[idx]
    gaps = [g for g in intervals_gaps(b[:, 0], b[:, 2]) if g[1] - g[0] >= s.min_block_gutter * line_h]
    if not gaps:
        return None
    start, end = max(gaps, key=lambda g: g[1] - g[0])
    is_left = b[:, 2] <= start
    if is_left.sum() < 2 or (~is_left).sum() < 2:
        return None
    widths = b[:, 2] - b[:, 0]
    if min(median(widths[is_left]), median(widths[~is_left])) < s.min_block_line * line_h:
        # A column of page numbers or short labels belongs to the rows beside
        # it, even where a slight skew puts the two out of level.
        return None
    centre = (b[:, 1] + b[:, 3]) / 2
    level = np.abs(centre[is_left][:, None] - centre[~is_left][None, :]) < 0.25 * line_h
    # In a table every cell of the side with fewer lines (the one-line cells
    # beside wrapped ones) sits level with a line across the gutter, or centred on a wrapped cell beside it.
    left, right = b[is_left], b[~is_left]
    left_level = level.any(axis=1) | centred_beside_pairs(left, right, line_h)
    right_level = level.any(axis=0) | centred_beside_pairs(right, left, line_h)
    if max(left_level.mean(), right_level.mean()) >= s.max_aligned and not centred_blocks(left, right, line_h):
        return None
    return idx[is_left], idx[~is_left]


def _band_apart(idx: np.ndarray, columns, boxes: np.ndarray, line_h: float, s: LayoutSettings,
                out: list[list[int]]) -> bool:
    """Cut the region at its widest horizontal gap, and read above before below, when boxes crossing the
    gutter have lines level beside them: they are a block of their own beside another (a display and its
    note), not a heading across the columns, so the gutter belongs only to the band below them."""
    left, right, spanning = columns
    sides = np.concatenate([left, right])
    overlap = np.minimum(boxes[spanning, None, 3], boxes[None, sides, 3]) - \
        np.maximum(boxes[spanning, None, 1], boxes[None, sides, 1])
    heights = boxes[:, 3] - boxes[:, 1]
    shorter = np.minimum(heights[spanning][:, None], heights[sides][None, :])
    if not len(spanning) or not (overlap >= 0.5 * shorter).any():
        return False
    b = boxes[idx]
    gaps = [g for g in intervals_gaps(b[:, 1], b[:, 3]) if g[1] - g[0] >= s.block_gap * line_h]
    if not gaps:
        return False
    start, end = max(gaps, key=lambda g: g[1] - g[0])
    cut = (start + end) / 2
    _xy_cut(idx[b[:, 3] <= cut], boxes, line_h, s, out)
    _xy_cut(idx[b[:, 1] >= cut], boxes, line_h, s, out)
    return True


def _xy_cut(idx: np.ndarray, boxes: np.ndarray, line_h: float, s: LayoutSettings, out: list[list[int]]) -> None:
    """Append the regions of ``idx`` to ``out`` in reading order; each region is a column piece."""
    if len(idx) == 1:
        out.append([int(idx[0])])
        return
    if margin_apart(idx, boxes, line_h, s, lambda part, o: _xy_cut(part, boxes, line_h, s, o), out):
        return
    columns = _find_columns(idx, boxes, line_h, s)
    read = lambda part, o: _xy_cut(part, boxes, line_h, s, o)  # noqa: E731
    split = lambda part: _find_columns(part, boxes, line_h, s)  # noqa: E731
    if columns is not None and (head_apart(idx, columns, boxes, line_h, s, read, out)
                                or masthead_apart(idx, columns, boxes, line_h, s, split, read, out)
                                or _band_apart(idx, columns, boxes, line_h, s, out)):
        return
    if columns is not None:
        left, right, spanning = columns
        cuts = shared_breaks(idx, left, right, boxes, line_h)
        # Balanced groups stacked down two columns (an index's letters): each band left column first. Not
        # across three or more: a reference card's sections, the same lengths by chance, stand level.
        if cuts and _find_columns(left, boxes, line_h, s) is None and _find_columns(right, boxes, line_h, s) is None:
            for lo, hi in zip([-np.inf, *cuts], [*cuts, np.inf]):
                band = [part[(boxes[part, 1] + boxes[part, 3] >= 2 * lo) & (boxes[part, 1] + boxes[part, 3] < 2 * hi)]
                        for part in (left, right, spanning)]
                for part in ([np.concatenate(band)] if len(band[2]) else band[:2]):
                    if len(part):
                        _xy_cut(part, boxes, line_h, s, out)
            return
        # Boxes spanning the gutter (titles, wide headings) cut the page into
        # bands; each band is read left column first, then right.
        cuts = sorted(spanning, key=lambda i: boxes[i, 1])
        lo = -np.inf
        for c in [*cuts, None]:
            hi = np.inf if c is None else (boxes[c, 1] + boxes[c, 3]) / 2
            for side in (left, right):
                centre = (boxes[side, 1] + boxes[side, 3]) / 2
                band = side[(centre >= lo) & (centre < hi)]
                if len(band):
                    _xy_cut(band, boxes, line_h, s, out)
            if c is not None:
                out.append([int(c)])
            lo = hi
        return
    blocks = wrapped_cells(idx, boxes, line_h, s.cells) or _side_by_side(idx, boxes, line_h, s) \
        or panel_blocks(idx, boxes) or caption_beside(idx, boxes, line_h, s)
    if blocks is not None:
        for block in blocks:
            _xy_cut(block, boxes, line_h, s, out)
        return
    b = boxes[idx]
    ygaps = intervals_gaps(b[:, 1], b[:, 3])
    if ygaps:
        start, end = max(ygaps, key=lambda g: g[1] - g[0])
        cut = (start + end) / 2
        upper, lower = cell_tail_up(idx[b[:, 3] <= cut], idx[b[:, 1] >= cut], boxes, line_h, s.cells)
        _xy_cut(upper, boxes, line_h, s, out)
        _xy_cut(lower, boxes, line_h, s, out)
        return
    xgaps = intervals_gaps(b[:, 0], b[:, 2])
    if xgaps:
        # A row of separate cells (one may hold several lines): each cell
        # left to right, its own lines top to bottom; unless they are a
        # table's rows set close (``pipeline/close_rows.py``).
        edges = [-np.inf, *[(g0 + g1) / 2 for g0, g1 in xgaps], np.inf]
        centre = (b[:, 0] + b[:, 2]) / 2
        cells = [idx[(centre >= lo) & (centre < hi)] for lo, hi in zip(edges, edges[1:])]
        cells = [c for c in cells if len(c)]
        if not rows_set_close(cells, boxes, s.max_aligned):
            for cell in cells:
                _xy_cut(cell, boxes, line_h, s, out)
            return
    # Boxes overlapping both ways: small print set closer than its box margins (or a residual skew) leaves no
    # gap between them, and detections may collide.
    out.append([int(i) for i in idx[rows_by_centres(b)]])


def layout_boxes(arr: np.ndarray, settings: LayoutSettings) -> tuple[np.ndarray, float]:
    """The boxes as the XY-cut sees them, and the page's line height."""
    heights = arr[:, 3] - arr[:, 1]
    line_h = max(float(median(heights)), 1.0)
    # Shrink boxes vertically a little: detector boxes of adjacent lines
    # often touch after unclipping, which would hide the gap between them.
    shrink = np.minimum(heights * 0.15, line_h * 0.15)
    work = arr.copy()
    work[:, 1] += shrink
    work[:, 3] -= shrink
    # And horizontally by the margin the recognizer's crops were padded with
    # (about a third of the line height each side, for a final comma), which
    # closes a gutter of two columns set close together.
    side = np.minimum(heights * settings.pad_x, (arr[:, 2] - arr[:, 0]) * 0.25)
    work[:, 0] += side
    work[:, 2] -= side
    return work, line_h


def reading_order(boxes: list[list[float]], settings: LayoutSettings = LayoutSettings()) -> list[Ordered]:
    """Order upright ``[x0, y0, x1, y1]`` boxes for reading; assign block numbers."""
    if not boxes:
        return []
    arr = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    work, line_h = layout_boxes(arr, settings)
    regions: list[list[int]] = []
    _xy_cut(np.arange(len(arr)), work, line_h, settings, regions)

    result: list[Ordered] = []
    block = 0
    prev: int | None = None
    for region in regions:
        for i in region:
            if prev is not None:
                gap = arr[i, 1] - arr[prev, 3]
                new_column = arr[i, 1] < arr[prev, 1] - line_h * 0.5
                same_row = arr[i, 1] < arr[prev, 3] and arr[i, 3] > arr[prev, 1]
                if not same_row and (new_column or gap > settings.block_gap * line_h):
                    block += 1
            result.append(Ordered(index=i, block=block))
            prev = i
    return result
