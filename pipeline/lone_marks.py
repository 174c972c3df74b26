"""Marks standing alone beside a line, which the detector did not box.

A definition list of operators (``-`` subtraction, ``*`` multiplication,
``^`` power) or a bullet set an em or more before its item leaves a single
small glyph apart from every line: too small for the detector at the page's
input size, and too few to send the page through the finer second pass. Such
a mark is text on the page and must come out.

A mark is a group of ink pieces outside every line's box, glyph-sized, on
the row of a line beside it (its middle between that line's top and bottom
edges, the edges followed past the line's end so a tilted row stays a row)
and set apart from it by at least a gap. Its box is that row's height, so
its crop has the scale of the row's own line crops; it is read by the
larger recognizer where the engine has one (the page's own reads a lone
mark less surely) and kept only when it reads as a few sure characters, or
when its ink is a caret or a quote at its row's top (mark_shapes), which
read alone come out as a dash or a comma.
Scan noise stays under the ink level or the size floor; rules and frames
are longer than glyphs; figures' marks are off every line's row.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.ctc import DecodedLine
from pipeline.geometry import crop_quad, expand_quad, fill_quads, interpolate_on_quad, quad_size
from pipeline.mark_shapes import ink_shape_agrees, raised_mark
from pipeline.page_work import PageWork
from pipeline.shaded_ground import ground_contrast
from pipeline.punctuation import is_cjk
from pipeline.ink_pieces import ink_pieces

# Read alone, a stroke is as much a CJK character as a Latin mark; beside Latin text it is the mark.
_LATIN = {"一": "-", "二": "=", "十": "+"}
# Upright strokes a lone slash is read as.
_UPRIGHT = {"1", "l", "I", "|"}
# How far (row heights) a mark's ink may stand above its row's box top.
_RAISED = 0.15
# How far (row heights) a stroke (a slash, a bar: taller than wide by this) may reach below its row's box
# bottom: it descends past the baseline, and a row of letters without descenders has its box end near it.
_LOWERED = 0.15
_STROKE = 1.5
# Boxes narrower than this many of their heights are too short for their tilt to be the row's.
_LEVEL_WIDTH = 6.0


@dataclass(frozen=True)
class LoneMarkSettings:
    # Ink: this many grey levels darker than the paper around it (within ``paper_lines`` line heights).
    ink_level: int = 40
    peak_level: int = 80  # a glyph's darkest point; stains and noise that pass ``ink_level`` stay under it
    paper_lines: float = 0.25
    # A piece at least this many inches across one way (a hyphen's length) and not more than
    # ``max_height`` line heights tall or ``max_width`` wide (glyphs, not rules, frames or pictures).
    min_inch: float = 0.025
    max_height: float = 1.2
    max_width: float = 1.5
    # Pieces this close (line heights) on one row form one mark ("!=", "||").
    join: float = 0.5
    # At least this far (line heights) from the line it stands beside, and from any other box. A mark nearer
    # than its padded crop's end is read there; one past it but within 0.6 line heights (a heading's or a
    # footnote's number set apart) was read by neither.
    gap: float = 0.2
    # Kept when read as at most this many characters, each at least this sure.
    max_chars: int = 3
    min_confidence: float = 0.7
    # A single operator read less surely, down to this, is kept when its ink has that operator's shape.
    shaped_confidence: float = 0.5
    # A page with more marks than this has a figure or a pattern, not a list's marks: none is read.
    max_marks: int = 40
    # Read alone, these are as likely a speck or a leader's dot as a mark, and carry little if they are one.
    dots: str = ".,·'`‘’:;…⋯"
    # Pieces under this many line heights each way, and not long one way (a hyphen), are dots.
    dot: float = 0.25


def add_lone_marks(work: PageWork, decoded: list[DecodedLine], read, dpi: float, pad: tuple[float, float],
                   settings: LoneMarkSettings = LoneMarkSettings()) -> list[DecodedLine]:
    """``decoded`` with the page's lone marks that read as text appended, their quads added to ``work.quads``."""
    if work.vertical:
        return decoded
    found = find_lone_marks(work.gray, work.quads, dpi, settings)
    quads = [expand_quad(q, pad[0], pad[1], work.gray.shape) for q, _, _ in found]
    readings = read_marks([crop_quad(work.gray, q) for q in quads], read, [decoded[i].text for _, i, _ in found], settings,
                          [above for _, _, above in found])
    kept = [(q, d) for q, d in zip(quads, readings) if d is not None]
    work.quads = [*work.quads, *(q for q, _ in kept)]
    return [*decoded, *(d for _, d in kept)]


def find_lone_marks(gray: np.ndarray, quads: list[np.ndarray], dpi: float,
                    settings: LoneMarkSettings = LoneMarkSettings()) -> list[tuple[np.ndarray, int, bool]]:
    """Quads (TL, TR, BR, BL) of the marks beside lines that no quad covers, each a row's height tall,
    with the index in ``quads`` of the line whose row it is on and whether its ink stands above that row's box."""
    sizes = [quad_size(q) for q in quads]  # each box measured once: the marks' rows ask for them again
    rows = [i for i, (w, h) in enumerate(sizes) if h > 0 and w >= 2 * h]
    if not rows:
        return []
    s = settings
    line_h = float(np.median([sizes[i][1] for i in rows]))
    pieces = _outside_pieces(gray, quads, line_h, dpi, s)
    marks = []
    for group in _groups(pieces, line_h * s.join):
        x0, y0 = group[:, 0].min(), group[:, 1].min()
        x1, y1 = (group[:, 0] + group[:, 2]).max(), (group[:, 1] + group[:, 3]).max()
        if x1 - x0 > s.max_width * line_h or all(_is_dot(p, s.dot * line_h) for p in group):
            continue  # too wide for a mark, or dots only (a leader's, an ellipsis)
        mark = _on_row(rows, quads, (x0, y0, x1, y1), line_h * s.gap, sizes)
        if mark is not None:
            marks.append(mark)
    return marks if len(marks) <= s.max_marks else []


def read_marks(crops: list[np.ndarray], read, beside: list[str],
               settings: LoneMarkSettings = LoneMarkSettings(), above: list[bool] | None = None) -> list[DecodedLine | None]:
    """Each mark's reading, or None where it does not read as a few sure characters. ``beside``: the
    text of the line on each mark's row; beside Latin text a lone stroke is a dash, not 一. ``above``: the
    marks standing above their row's box, kept only as the raised marks their ink shows (a figure's label
    there is no text of the row)."""
    out: list[DecodedLine | None] = []
    for d, line, crop, high in zip(read(crops) if crops else [], beside, crops, above or [False] * len(crops)):
        if not any(is_cjk(c) for c in line):
            d = DecodedLine(tuple(replace(c, char=_LATIN.get(c.char, c.char)) for c in d.chars), d.steps)
        text = d.text.strip()
        least = min((c.confidence for c in d.chars if not c.char.isspace()), default=0.0)
        if len(text) == 1 and settings.shaped_confidence <= least < settings.min_confidence and ink_shape_agrees(crop, text):
            least = settings.min_confidence
        # A lone slash, its foot on the crop's edge, reads as the upright stroke of a 1 or an l: its ink leans.
        if text in _UPRIGHT and least >= settings.shaped_confidence and ink_shape_agrees(crop, "/"):
            d, text = DecodedLine(tuple(replace(c, char="/") for c in d.chars if not c.char.isspace()), d.steps), "/"
            least = max(least, settings.min_confidence)
        sure = bool(text.strip(settings.dots)) and len(text) <= settings.max_chars and least >= settings.min_confidence
        # A caret or a quote at its row's top, read as a dash or a comma however surely: its ink tells.
        raised = raised_mark(crop, text) if len(text) == 1 else None
        if raised is not None:
            d, sure = DecodedLine(tuple(replace(c, char=raised) for c in d.chars if not c.char.isspace()), d.steps), True
        elif high:
            sure = False
        out.append(d if sure else None)
    return out


def _is_dot(piece: np.ndarray, least: float) -> bool:
    w, h = float(piece[2]), float(piece[3])
    return max(w, h) < least and max(w, h) < 2 * min(w, h)


def _outside_pieces(gray: np.ndarray, quads: list[np.ndarray], line_h: float, dpi: float,
                    s: LoneMarkSettings) -> np.ndarray:
    """(x, y, w, h) of the ink pieces lying wholly off every quad and sized like a glyph."""
    # At half size: a quarter of the pixels to look at, and the area average smooths scan noise
    # (single pixels) away while a glyph's strokes, several pixels across, keep their ink.
    f = 0.5
    small = cv2.resize(gray, (max(1, round(gray.shape[1] * f)), max(1, round(gray.shape[0] * f))),
                       interpolation=cv2.INTER_AREA)
    k = max(3, int(s.paper_lines * line_h * f) | 1)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    # Judged as on the paper: faint or grey marks in a shaded cell stand out less by the ground's shade.
    contrast = ground_contrast(small, cv2.subtract(paper, small), line_h * f)
    ink = (contrast > s.ink_level).astype(np.uint8)
    n, labels, stats, _ = ink_pieces(ink)
    x, y, w, h = (stats[:, i] / f for i in range(4))
    size = np.maximum(w, h)
    fits = (size >= s.min_inch * dpi) & (h <= s.max_height * line_h) & (w <= s.max_width * line_h)
    fits[0] = False
    if not fits.any():
        return np.zeros((0, 4), np.float32)
    covered = fill_quads(np.zeros_like(ink), [q * f for q in quads])
    fits[labels[(covered > 0) & (ink > 0)]] = False  # each piece inked under a box
    keep = []
    for i in np.flatnonzero(fits):
        sx, sy, sw, sh = stats[i, :4]
        own = labels[sy : sy + sh, sx : sx + sw] == i
        if contrast[sy : sy + sh, sx : sx + sw][own].max() >= s.peak_level:
            keep.append((x[i], y[i], w[i], h[i]))
    return np.array(keep, dtype=np.float32).reshape(-1, 4)


def _groups(pieces: np.ndarray, join: float) -> list[np.ndarray]:
    """Pieces joined left to right while the next starts within ``join`` and shares rows with the group."""
    groups: list[list[np.ndarray]] = []
    for p in pieces[np.argsort(pieces[:, 0])] if len(pieces) else []:
        for g in groups:
            gx1 = max(q[0] + q[2] for q in g)
            gy0, gy1 = min(q[1] for q in g), max(q[1] + q[3] for q in g)
            if p[0] - gx1 <= join and p[1] < gy1 and p[1] + p[3] > gy0:
                g.append(p)
                break
        else:
            groups.append([p])
    return [np.array(g) for g in groups]


def _on_row(rows: list[int], quads: list[np.ndarray], box: tuple[float, ...],
            gap: float, sizes: list[tuple[float, float]]) -> tuple[np.ndarray, int, bool] | None:
    """The mark's quad on the row of the nearest line beside it (a gap away, no box near it), with that
    line's index and whether the mark's top stands above the line's box; None when there is none."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    best, best_d, best_above = None, None, False
    for i in rows:
        q = quads[i]
        qx0, qx1 = float(q[:, 0].min()), float(q[:, 0].max())
        d = qx0 - x1 if qx0 >= x1 else x0 - qx1
        if d < gap:
            continue
        # A short line's box tilts by a pixel or two more than its row: followed no further than its own
        # width past its end, so that tilt does not carry a table row's far cells off the row.
        ex = min(max(cx, qx0 - (qx1 - qx0)), qx1 + (qx1 - qx0))
        # A word's box a few heights wide is drawn tilted by a degree or three on a level row (its own ink's
        # slant): its edges are followed level from its end nearest the mark.
        if qx1 - qx0 < _LEVEL_WIDTH * sizes[i][1]:
            ex = min(max(cx, qx0), qx1)
        top, bottom = _edge_y(q[0], q[1], ex), _edge_y(q[3], q[2], ex)
        # The box ends on the line's tallest ink; a raised mark (a caret, a quote: ending above the row's middle)
        # stands up to a pixel or two above it, and the half-size pieces are rounded to two pixels. A figure's
        # digits, as tall as the row's, do not.
        raised = y1 <= (top + bottom) / 2 and top - _RAISED * (bottom - top) <= y0
        lowered = y1 - y0 >= _STROKE * (x1 - x0) and y1 <= bottom + _LOWERED * (bottom - top)
        if not top < cy < bottom or not ((top <= y0 or raised) and (y1 <= bottom or lowered)):
            continue
        if best_d is None or d < best_d:
            best, best_d, best_above = i, d, y0 < top
    if best is None:
        return None
    q = quads[best]
    width = float(q[1, 0] - q[0, 0]) or 1.0
    quad = interpolate_on_quad(q, (x0 - q[0, 0]) / width, (x1 - q[0, 0]) / width)
    # A stroke reaching below its row's box is read whole: its foot cut off, a slash reads as a 1.
    quad[2:, 1] += max(0.0, y1 - float(quad[2:, 1].min()))
    # No box may reach near the mark on its row's middle (the mark would be that line's glyph).
    top, bottom = float(quad[:, 1].min()), float(quad[:, 1].max())
    core0, core1 = top + 0.25 * (bottom - top), bottom - 0.25 * (bottom - top)
    for q in quads:
        qx0, qy0 = q.min(axis=0)
        qx1, qy1 = q.max(axis=0)
        if qx0 < x1 + gap and qx1 > x0 - gap and qy0 < core1 and qy1 > core0:
            return None
    return quad, best, best_above


def _edge_y(a: np.ndarray, b: np.ndarray, x: float) -> float:
    dx = float(b[0] - a[0]) or 1.0
    return float(a[1] + (b[1] - a[1]) * (x - a[0]) / dx)
