"""Margin notes: a narrow column of short lines in smaller type beside the body (a manual's option
names and version stamps on the left, a proposal's side headings on the right), read as blocks of
their own: a left-hand note after the entry it annotates, a right-hand one of two lines or more before
the body line it starts level with (a side heading, set where its paragraph starts); a one-line note on
the right is read at the end of its line's row.

Read with the body row by row, each note would be cut into the lines beside it. A note's entry is the
body text from the line level with the note's top down to the next note, a gap between paragraphs,
a line reaching into the margin (a note the detector joined to its entry's first line starts the
next entry), or, below a listing's description, a paragraph marked by its indent alone. Documents set
such notes after the entry in their text (fduthesis, ctex), so they are read after its last line.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.medians import median

# The body's edge: where at least this share of its full lines start, within this many box heights.
EDGE_SHARE = 0.2
EDGE_SPREAD = 0.5
# A paragraph's first line starts this many line heights in from the body's edge, or follows a line
# ending this many short of the body's right edge.
PARAGRAPH_INDENT = 0.5
PARAGRAPH_SHORT = 2.0
# ... but at most this many (further in, a line is a display or a quotation, not a paragraph's first).
MAX_INDENT = 4.0
# Paragraphs set solid follow at most this many times the body's line pitch (centre to centre).
SOLID_PITCH = 1.1
# A page footer (a page number) is at most this many line heights wide.
FOOTER_WIDTH = 4.0
# Lines of one note follow each other at most this many times the body's pitch and the notes' (centre to
# centre). Box heights tell it poorly: a clean render's boxes hug their glyphs, a scan's blur grows them.
NOTE_PITCH = 1.1
# Notes whose own lines are at most this share of the body's pitch apart, at least twice, are set in a
# smaller type whatever their boxes' heights (a mono type's ascenders beside CJK).
SMALLER_PITCH = 0.85


def margin_apart(idx: np.ndarray, boxes: np.ndarray, line_h: float, s, read: Callable, out: list[list[int]]) -> bool:
    """If ``idx`` is a body with margin notes beside it, append its regions to ``out`` in reading order
    (``read(idx, out)`` orders a part) and return True."""
    if len(idx) < 6:
        return False
    split = _find_margin(idx, boxes, line_h, s)
    if split is None:
        return False
    body, notes, edge, right = split
    clusters = _clusters(notes, boxes, line_h, s, _median_step(boxes[body], line_h))
    # A note starts level with a line of its entry; a term on a line of its own above its description
    # (a definition list set in a smaller type) is read where it stands.
    if np.mean([_level_with(c[0], body, boxes) for c in clusters]) < s.min_level_notes:
        return False
    ends: dict[int, list[int]] = {}
    if right:
        # A one-line note on the right is a reference at the end of its line (a book's page reference),
        # read with that line's row; side headings run to two lines or more, or stand beside the first line
        # of a paragraph.
        refs = [c[0] for c in clusters if len(c) == 1 and not _opens_paragraph(c[0], body, boxes, line_h, s)]
        clusters = [c for c in clusters if c[0] not in refs]
        # Put after the line it ends, not read again with the body: cut into paragraphs, the body's parts
        # would judge a reference beside a part's first line a side heading, read before its line.
        for r in refs:
            line = _row_end(r, body, boxes)
            if line is None:
                body = np.sort(np.append(body, r)).astype(body.dtype)
            else:
                ends.setdefault(line, []).append(r)
        if not clusters and not ends:
            return False
    regions: list[list[int]] = []
    read(body, regions)
    regions = [[j for i in region for j in (i, *ends.get(i, ()))] for region in regions]
    order = [i for region in regions for i in region]
    rank = {i: k for k, i in enumerate(order)}
    after: dict[int, list[list[int]]] = {}
    before: dict[int, list[list[int]]] = {}
    for cluster in clusters:
        if right:
            before.setdefault(_level_line(cluster, body, boxes, line_h, rank), []).append(cluster)
        else:
            after.setdefault(_entry_end(cluster, body, notes, edge, boxes, line_h, s, rank), []).append(cluster)
    out.extend(after.pop(-1, []))  # notes above the first body line
    for region in regions:
        piece: list[int] = []
        for i in region:
            if i in before:
                if piece:
                    out.append(piece)
                piece = []
                out.extend(before.pop(i))
            piece.append(i)
            if i in after:
                out.append(piece)
                piece = []
                out.extend(after.pop(i))
        if piece:
            out.append(piece)
    for rest in [*after.values(), *before.values()]:  # notes below the last body line
        out.extend(rest)
    return True


def _find_margin(idx: np.ndarray, boxes: np.ndarray, line_h: float, s):
    """(body, notes, the body's edge, whether on the right): notes ending at most ``margin_reach`` line heights past the left edge of the body's
    full lines and starting well left of it (detector boxes overlap across a narrow gutter), or None."""
    for right in (False, True):
        # The right margin as the left one, mirrored.
        b = boxes[idx][:, [2, 1, 0, 3]] * [-1, 1, -1, 1] if right else boxes[idx]
        edge = left_edge(b)
        if edge is None:
            return None
        notes = (b[:, 2] <= edge + s.margin_reach * line_h) & (b[:, 0] < edge - 2 * line_h)
        crossing = (b[:, 0] < edge - line_h) & ~notes
        if crossing.sum() <= s.max_margin_spanning * len(idx) and _is_margin(b[notes], b[~notes & ~crossing], line_h, s, right):
            notes |= _note_tails(b, notes, edge, line_h, s)
            return idx[~notes], idx[notes], edge, right
    return None


def _note_tails(b: np.ndarray, notes: np.ndarray, edge: float, line_h: float, s) -> np.ndarray:
    """Short last lines of notes (a character or two: too narrow to reach past the body's edge as a note
    must): boxes wholly in the margin, on the line below a note and flush with it on the side facing the body."""
    tails = np.zeros(len(b), dtype=bool)
    for i in np.flatnonzero(~notes & (b[:, 2] <= edge + s.margin_reach * line_h) & (b[:, 0] < edge)):
        gap = b[i, 1] - b[notes, 3]
        above = notes.nonzero()[0][(gap >= -0.25 * line_h) & (gap < s.margin_cluster_gap * line_h)
                                   & (np.abs(b[notes, 2] - b[i, 2]) <= 0.5 * line_h)]
        tails[i] = len(above) > 0
    return tails


def _is_margin(notes: np.ndarray, body: np.ndarray, line_h: float, s, right: bool = False) -> bool:
    """Notes: at least two, in a column much narrower than the body, their lines words long but much shorter than the
    body's and, on the left, in smaller type (a definition list's terms are set in the body's type), or in boxes
    at most as tall as the body's but few beside a long body (a small Latin type's boxes beside CJK lines stand
    as tall as theirs; a definition list has a term at every entry); on the right,
    side headings may be in the body's type, but they stand beside a few places of a long body (a table's last
    column has a cell on every row)."""
    if len(notes) < 2 or len(body) < 4:
        return False
    body_w = body[:, 2].max() - body[:, 0].min()
    if notes[:, 2].max() - notes[:, 0].min() > s.max_margin_width * body_w:
        return False
    widths = notes[:, 2] - notes[:, 0]
    # Words, not a column of operators or markers beside a table or a listing.
    if median(widths) < s.min_block_line * line_h:
        return False
    if _ink_median(widths) > s.max_margin_line * _ink_median(body[:, 2] - body[:, 0]):
        return False
    if right:
        return len(body) >= s.min_body_per_note * len(notes)
    type_ratio = median(notes[:, 3] - notes[:, 1]) / median(body[:, 3] - body[:, 1])
    return bool(type_ratio <= s.max_margin_type
                or (type_ratio <= 1.0 and len(body) >= s.min_body_per_tall_note * len(notes))
                or _closer_set(notes, body, line_h))


def _closer_set(notes: np.ndarray, body: np.ndarray, line_h: float) -> bool:
    """Whether the notes' lines follow each other closer than the body's (a smaller type); a definition list's
    terms of one line each give no steps, terms of two lines step at the body's pitch."""
    steps = _steps(notes, line_h)
    body_pitch = _median_step(body, line_h)
    return bool(len(steps) >= 2 and body_pitch and median(steps) <= SMALLER_PITCH * body_pitch)


def _steps(boxes: np.ndarray, line_h: float) -> np.ndarray:
    """Centre-to-centre steps from each line to the next below it that it overlaps across, within two line
    heights (a paragraph's or a note's next line; not the next paragraph after a gap, most often)."""
    order = np.argsort(boxes[:, 1] + boxes[:, 3], kind="stable")
    b = boxes[order]
    centre = (b[:, 1] + b[:, 3]) / 2
    out = []
    for k in range(len(b) - 1):
        below = np.flatnonzero((centre[k + 1:] - centre[k] >= 0.5 * line_h)
                               & (np.minimum(b[k + 1:, 2], b[k, 2]) > np.maximum(b[k + 1:, 0], b[k, 0])))
        if len(below) and centre[k + 1 + below[0]] - centre[k] <= 2.0 * line_h:
            out.append(centre[k + 1 + below[0]] - centre[k])
    return np.asarray(out)


def _median_step(boxes: np.ndarray, line_h: float) -> float:
    """The lines' median step (centre to centre) to the line below them; 0 when none follows within reach."""
    steps = _steps(boxes, line_h)
    return float(median(steps)) if len(steps) else 0.0


def _ink_median(widths: np.ndarray) -> float:
    order = np.sort(widths)
    cum = np.cumsum(order)
    return float(order[np.searchsorted(cum, cum[-1] / 2)])


def _clusters(notes: np.ndarray, boxes: np.ndarray, line_h: float, s, body_pitch: float) -> list[list[int]]:
    """Notes top to bottom, those following each other closely (a name and its date; a side heading's next
    line, at the body's pitch) as one."""
    out: list[list[int]] = []
    bottom = -np.inf
    centre = (boxes[:, 1] + boxes[:, 3]) / 2
    # The notes' own pitch as well: a note's second line may stand a body line's pitch above the next note.
    reach = NOTE_PITCH * min(body_pitch, _median_step(boxes[notes], line_h))
    for i in notes[np.argsort(boxes[notes, 1], kind="stable")]:
        if out and (boxes[i, 1] - bottom < s.margin_cluster_gap * line_h or centre[i] - centre[out[-1][-1]] <= reach):
            out[-1].append(int(i))
        else:
            out.append([int(i)])
        bottom = max(bottom, boxes[i, 3]) if len(out[-1]) > 1 else boxes[i, 3]
    return out


def _level_with(i: int, body: np.ndarray, boxes: np.ndarray) -> bool:
    return bool(len(_level_lines(i, body, boxes)))


def _level_lines(i: int, body: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """The lines of ``body`` level with box ``i``."""
    overlap = np.minimum(boxes[i, 3], boxes[body, 3]) - np.maximum(boxes[i, 1], boxes[body, 1])
    return body[overlap >= 0.5 * np.minimum(boxes[i, 3] - boxes[i, 1], boxes[body, 3] - boxes[body, 1])]


def _opens_paragraph(note: int, body: np.ndarray, boxes: np.ndarray, line_h: float, s) -> bool:
    """Whether the body line level with ``note`` starts a paragraph: indented from the body's left edge,
    or below a short line (a paragraph's last, a heading) or a gap between blocks."""
    level = _level_lines(note, body, boxes)
    edge = left_edge(boxes[body])
    if not len(level) or edge is None:
        return False
    line = level[np.argmin(boxes[level, 0])]
    if boxes[line, 0] >= edge + PARAGRAPH_INDENT * line_h:
        return True
    above = body[(boxes[body, 3] <= boxes[line, 1] + 0.25 * line_h) & (boxes[body, 2] > boxes[line, 0])]
    if not len(above):
        return True
    prev = above[np.argmax(boxes[above, 3])]
    short = boxes[prev, 2] <= boxes[body, 2].max() - PARAGRAPH_SHORT * line_h
    return bool(short or boxes[line, 1] - boxes[prev, 3] > s.block_gap * line_h)


def _row_end(note: int, body: np.ndarray, boxes: np.ndarray) -> int | None:
    """The body line level with ``note`` that ends nearest left of it: the note ends that line's row."""
    level = _level_lines(note, body, boxes)
    level = level[boxes[level, 2] <= boxes[note, 0]]
    return int(level[np.argmax(boxes[level, 2])]) if len(level) else None


def _level_line(cluster: list[int], body: np.ndarray, boxes: np.ndarray, line_h: float, rank: dict[int, int]) -> int:
    """The body line a right-hand note is read before: the first, in reading order, of those level with
    its top or below it (-1: none, the note is read last)."""
    top = boxes[cluster, 1].min()
    below = body[(boxes[body, 1] + boxes[body, 3]) / 2 >= top - 0.25 * line_h]
    return int(min(below, key=rank.__getitem__)) if len(below) else -2


def _entry_end(cluster: list[int], body: np.ndarray, notes: np.ndarray, edge: float, boxes: np.ndarray,
               line_h: float, s, rank: dict[int, int]) -> int:
    """The body line after which the note is read: the last, in reading order, of its entry."""
    top = boxes[cluster, 1].min()
    below = notes[boxes[notes, 1] > boxes[cluster, 3].max()]
    stop = boxes[below, 1].min() if len(below) else np.inf
    # A line level with the next note starts its entry: its middle below the note's top, or its bottom below
    # the note's middle (a note's short box sits on the line's baseline).
    stop_middle = ((boxes[below, 1] + boxes[below, 3]) / 2).min() if len(below) else np.inf
    centre = (boxes[body, 1] + boxes[body, 3]) / 2
    cand = body[(centre >= top - 0.25 * line_h)]
    cand = cand[np.argsort(boxes[cand, 1], kind="stable")]
    entry: list[int] = []
    full = 0.5 * (boxes[body, 2].max() - boxes[body, 0].min())
    footer = _footer(body, boxes, line_h)
    right = boxes[body, 2].max()
    pitch = _line_pitch(body, boxes, edge, right, line_h)
    prose = False
    for i in cand:
        gap = boxes[i, 1] - boxes[entry[-1], 3] > s.block_gap * line_h if entry else False
        # A note beside a listing (short lines, not prose) names it; its entry is the listing and the
        # paragraph describing it.
        listing = bool(entry) and boxes[entry[0], 2] - boxes[entry[0], 0] < full
        level = (boxes[i, 1] + boxes[i, 3]) / 2 >= stop or boxes[i, 3] >= stop_middle
        if entry and (level or (gap and prose) or boxes[i, 0] < edge - line_h
                      or i == footer or (listing and prose
                                         and _next_paragraph(i, entry[-1], edge, right, full, pitch, boxes, line_h))):
            break
        entry.append(int(i))
        prose = prose or boxes[i, 2] - boxes[i, 0] >= full
    if not entry:
        above = body[boxes[body, 1] < top]
        return int(max(above, key=rank.__getitem__)) if len(above) else -1
    return max(entry, key=rank.__getitem__)


def _next_paragraph(line: int, prev: int, edge: float, right: float, full: float, pitch: float,
                    boxes: np.ndarray, line_h: float) -> bool:
    """Whether ``line`` starts a paragraph of prose set solid after ``prev``: indented from the body's edge,
    running on to a full line, below a line ending short, at the body's line pitch. Below a listing's
    description, such a paragraph is the body's, read after the note (fduthesis sets the note after the
    description's first paragraph); paragraphs set apart by space run an entry on (ctex's options, a note
    read after them all)."""
    indented = edge + PARAGRAPH_INDENT * line_h <= boxes[line, 0] <= edge + MAX_INDENT * line_h
    solid = (boxes[line, 1] + boxes[line, 3] - boxes[prev, 1] - boxes[prev, 3]) / 2 <= SOLID_PITCH * pitch
    return bool(indented and solid and boxes[line, 2] - boxes[line, 0] >= full
                and boxes[prev, 2] <= right - PARAGRAPH_SHORT * line_h)


def _line_pitch(body: np.ndarray, boxes: np.ndarray, edge: float, right: float, line_h: float) -> float:
    """The body's pitch inside a paragraph: the median distance between the centres of a full line and the
    line below it starting at the edge (its paragraph's next), not across paragraphs nor between a listing's
    lines in a smaller type."""
    order = body[np.argsort(boxes[body, 1] + boxes[body, 3], kind="stable")]
    above, below = order[:-1], order[1:]
    steps = (boxes[below, 1] + boxes[below, 3] - boxes[above, 1] - boxes[above, 3]) / 2
    on = ((boxes[above, 2] >= right - PARAGRAPH_SHORT * line_h) & (boxes[below, 0] < edge + PARAGRAPH_INDENT * line_h)
          & (steps >= 0.5 * line_h) & (steps <= 2.5 * line_h))
    return float(median(steps[on])) if on.any() else 0.0


def _footer(body: np.ndarray, boxes: np.ndarray, line_h: float) -> int:
    """The body's last line when it is a page footer (-1 if not): alone in its row below all the rest,
    a few characters wide, centred on the body's lines. An entry of short lines would run on into it
    (no paragraph's full line before the gap to end it)."""
    last = body[np.argmax(boxes[body, 1])]
    rest = body[body != last]
    if not len(rest) or boxes[last, 1] < boxes[rest, 3].max():
        return -1
    centre = (boxes[body, 0].min() + boxes[body, 2].max()) / 2
    short = boxes[last, 2] - boxes[last, 0] <= FOOTER_WIDTH * line_h
    return int(last) if short and abs((boxes[last, 0] + boxes[last, 2]) / 2 - centre) <= line_h else -1


def left_edge(boxes: np.ndarray) -> float | None:
    """The left edge of the body's full lines (those at least half as wide as all the text), if two or more:
    the leftmost place where a fifth of them start together. Not their median start: where most paragraphs
    are one or two lines, their indented first lines are half the full lines; nor their leftmost: notes
    joined to their entry's first line start further left, each where its note does (set flush right)."""
    widths = boxes[:, 2] - boxes[:, 0]
    full = widths >= 0.5 * (boxes[:, 2].max() - boxes[:, 0].min())
    if full.sum() < 2:
        return None
    starts = np.sort(boxes[full, 0])
    reach = EDGE_SPREAD * float(median(boxes[:, 3] - boxes[:, 1]))
    need = max(2, int(np.ceil(EDGE_SHARE * len(starts))))
    # The starts within reach right of each start, as slices of the sorted starts: the first that holds enough.
    ends = np.searchsorted(starts, starts + reach, side="right")
    begins = np.searchsorted(starts, starts, side="left")
    enough = np.flatnonzero(ends - begins >= need)
    if len(enough):
        k = enough[0]
        return float(median(starts[begins[k] : ends[k]]))
    return float(median(starts))


def has_left_notes(boxes: np.ndarray, line_h: float, s) -> bool:
    """Whether the page is a body with notes in its left margin, each level with a line of its entry."""
    idx = np.arange(len(boxes))
    split = _find_margin(idx, boxes, line_h, s) if len(idx) >= 6 else None
    if split is None or split[3]:
        return False
    body, notes = split[0], split[1]
    clusters = _clusters(notes, boxes, line_h, s, _median_step(boxes[body], line_h))
    return bool(np.mean([_level_with(c[0], body, boxes) for c in clusters]) >= s.min_level_notes)
