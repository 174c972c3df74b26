"""Text-line detection: the PP-OCR DB detector and its post-processing.

The network outputs a per-pixel text probability; lines are the connected
regions above ``thresh``, scored by their mean probability, grown back to
the full text height by unclipping (the model is trained on shrunk
polygons), and returned as quads in the input image's pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import pyclipper

from pipeline.onnx_session import OnnxSession
from pipeline.geometry import fill_quads, lies_inside, min_area_quad, quad_size
from pipeline.merged_rows import joined_pairs, rows_apart
from pipeline.row_tails import reach_unread
from pipeline.ink_pieces import ink_pieces
from pipeline.medians import percentile


@dataclass(frozen=True)
class DetectorSettings:
    # Long side the page is scaled to. 960 px finds 8-pt text on an A4 page
    # at 200 DPI and costs ~0.1 s; full resolution cost ~0.8 s for no gain.
    max_side: int = 960
    # Small print: when the median line is shorter than this many pixels in
    # the probability map, thin lines start to vanish (a 9-pt line at the
    # bottom of an A4 page was lost at 960 px), so the page is detected
    # again at a scale giving ``target_line_px``, up to ``max_side_small``.
    small_line_px: float = 12.0
    target_line_px: float = 13.0
    max_side_small: int = 1600
    # Inputs larger than this (pixels) run as overlapping horizontal strips:
    # the network's activations grow with the input (~+260 MB at 1248×896),
    # and a worker's peak memory should not depend on how small the print is.
    # Above the normal 960-px input only: the network pools globally, so
    # strips shift box edges slightly; measured harmless for the small-print
    # pass, but it moved line boxes ~2 pt on ordinary pages.
    max_tile_pixels: int = 700_000
    tile_margin: int = 64  # rows of context above and below each strip (multiple of 32)
    # Blank pages skip the network (which costs the same on an empty page as
    # on a full one): a page is blank when fewer than ``blank_max_ink``
    # pixels of the detector's input are ``blank_ink_level`` grey levels
    # darker than the paper around them. Scan noise stays far below that
    # level; grey text (ink 150 on paper 245) stays far above it.
    blank_ink_level: int = 25
    blank_max_ink: int = 4  # a lone faint 8-pt digit leaves ~10
    blank_paper_px: int = 15  # window for the local paper brightness (uneven light)
    # Large print: the network's cost grows with its input, and lines much
    # taller than it needs are found as well at fewer pixels. A page whose
    # ink marks (at the normal input) are so tall that its lines must be at
    # least ``large_line_px`` high is detected at a scale giving them about
    # ``large_target_px``; if the lines found there are lower than that
    # (an estimate fooled by rules or pictures), the normal input is used.
    # Line height ≥ 1.1 × the 90th percentile of ink-mark heights on every
    # corpus page (1.08–1.75).
    large_line_px: float = 20.0
    large_target_px: float = 16.0
    large_mark_ratio: float = 1.1
    # Mixed print sizes: a footer, a caption or table cells set much smaller
    # than the body, or single digits in shaded cells, leave ink marks that
    # no line found at the normal input covers. When at least
    # ``missed_marks`` glyph-sized marks (between ``missed_mark_min`` and
    # ``missed_mark_lines`` body lines tall, no wider than two) lie outside
    # every line, the page is detected again at ``max_side_small`` and the
    # lines found there off the first pass's lines are added (taking the finer
    # pass's lines instead re-cut lines that read well, e.g. an invoice's
    # amount on a photographed page). Scan noise, rules and dots do not
    # count: noise stays below the ink level, rules are wider than glyphs,
    # dots (leaders, specks) are lower. A first-pass line lying for at least
    # ``within_finer`` of its area inside a line the finer pass adds was a
    # piece of that line (faint small print found in fragments): it goes, or
    # its words would be read twice. So do first-pass pieces that one finer
    # line joins (two or more such pieces inside it): a heading's number cut
    # from its title on a re-levelled page was read twice where the title's
    # widened box took in the number's last stroke.
    missed_marks: int = 40
    within_finer: float = 0.6
    missed_mark_min: float = 0.25
    missed_mark_lines: float = 1.2
    thresh: float = 0.3
    box_thresh: float = 0.5
    outline_thresh: float = 0.8  # a region below box_thresh kept if its outline's mean reaches this
    unclip_ratio: float = 1.5
    min_size: float = 2.0
    max_candidates: int = 3000


@dataclass(frozen=True)
class DetectedLine:
    quad: np.ndarray  # (4, 2) float32 in image pixels, TL, TR, BR, BL
    score: float


_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255.0
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255.0
# Each grey level's normalised value per channel, by the same float32 operations as were done on the whole page:
# the page's pixels are looked up, without a float copy of the page.
_LEVELS = [(np.arange(256, dtype=np.float32) - _MEAN[c]) / _STD[c] for c in range(3)]


class TextDetector:
    def __init__(self, session: OnnxSession, settings: DetectorSettings = DetectorSettings()):
        self.session = session
        self.settings = settings

    def input_size(self, height: int, width: int, max_side: int | None = None) -> tuple[int, int]:
        """Network input (h, w): long side capped at ``max_side``, multiples of 32."""
        scale = min(1.0, (max_side or self.settings.max_side) / max(height, width))
        h = max(32, int(round(height * scale / 32)) * 32)
        w = max(32, int(round(width * scale / 32)) * 32)
        return h, w

    def network_input(self, gray: np.ndarray, max_side: int | None = None) -> np.ndarray:
        """The page scaled to the detector's input size (grey, uint8)."""
        h, w = self.input_size(*gray.shape[:2], max_side)
        return cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA if h < gray.shape[0] else cv2.INTER_LINEAR)

    def probability_map(self, gray: np.ndarray, max_side: int | None = None) -> np.ndarray:
        return self._probabilities(self.network_input(gray, max_side))

    def _probabilities(self, resized: np.ndarray) -> np.ndarray:
        # The model expects BGR; a grey page is the same value in all three,
        # each level looked up already normalised (``_LEVELS``).
        x = np.empty((1, 3, *resized.shape), dtype=np.float32)
        for c in range(3):
            cv2.LUT(resized, _LEVELS[c], dst=x[0, c])
        return self._run_in_strips(x)

    def _run_in_strips(self, x: np.ndarray) -> np.ndarray:
        """Run the network on (1, 3, h, w), in row strips when the input is large.

        Each strip carries ``tile_margin`` rows of context on both sides and
        contributes only its own rows, so lines crossing a strip border are
        seen whole. Heights stay multiples of 32 as the network needs.
        """
        _, _, h, w = x.shape
        s = self.settings
        if h * w <= s.max_tile_pixels:
            return self.session.run(x)[0, 0]
        strips = math.ceil(h * w / s.max_tile_pixels)
        core = math.ceil(h / strips / 32) * 32
        out = np.empty((h, w), dtype=np.float32)
        for top in range(0, h, core):
            bottom = min(h, top + core)
            a, b = max(0, top - s.tile_margin), min(h, bottom + s.tile_margin)
            out[top:bottom] = self.session.run(np.ascontiguousarray(x[:, :, a:b]))[0, 0][top - a : bottom - a]
        return out

    def __call__(self, gray: np.ndarray) -> list[DetectedLine]:
        s = self.settings
        resized = self.network_input(gray)
        ink = ink_mask(resized, s)
        if int(np.count_nonzero(ink)) < s.blank_max_ink:
            return []
        lines = self._large_print(gray, resized, ink)
        if lines is not None:
            return lines
        prob = self._probabilities(resized)
        lines = boxes_from_probability(prob, gray.shape[:2], s)
        if not lines:
            return lines
        scale = prob.shape[0] / gray.shape[0]
        line_px = _median_line_px(lines, scale)
        long_side = max(gray.shape[:2])
        if long_side * scale >= s.max_side_small:
            return lines
        if line_px < s.small_line_px:
            side = int(min(s.max_side_small, long_side * scale * s.target_line_px / max(line_px, 1.0)))
            if missed_marks(ink, lines, scale, line_px, s) >= s.missed_marks:
                side = s.max_side_small
            return boxes_from_probability(self.probability_map(gray, side), gray.shape[:2], s)
        if missed_marks(ink, lines, scale, line_px, s) < s.missed_marks:
            return self._rows_apart(gray, lines)
        # The lines found already stay as they were; the finer input adds those it finds elsewhere, and lines
        # joining first-pass pieces of one row (merge_finer).
        finer = boxes_from_probability(self.probability_map(gray, s.max_side_small), gray.shape[:2], s)
        return merge_finer(lines, finer, gray.shape[:2], s.within_finer)

    def _rows_apart(self, gray: np.ndarray, lines: list[DetectedLine]) -> list[DetectedLine]:
        """``lines`` with two rows of small print joined at the lower one's start (``merged_rows``) replaced
        by the lines the finer input finds inside them."""
        pairs = joined_pairs([d.quad for d in lines])
        if not pairs:
            return lines
        finer = boxes_from_probability(self.probability_map(gray, self.settings.max_side_small), gray.shape[:2],
                                       self.settings)
        gone, taken = rows_apart([d.quad for d in lines], pairs, [d.quad for d in finer])
        return [d for i, d in enumerate(lines) if i not in gone] + [finer[k] for k in taken]

    def _large_print(self, gray: np.ndarray, resized: np.ndarray, ink: np.ndarray) -> list[DetectedLine] | None:
        """Lines found at a smaller input when the print is large; None: use the normal input."""
        s = self.settings
        least_line_px = s.large_mark_ratio * mark_height(ink)
        if least_line_px < s.large_line_px:
            return None
        side = int(max(resized.shape) * s.large_target_px / least_line_px)
        prob = self.probability_map(gray, side)
        lines = boxes_from_probability(prob, gray.shape[:2], s)
        if not lines or _median_line_px(lines, prob.shape[0] / gray.shape[0]) < s.large_target_px:
            return None
        # Vertical columns split at fewer pixels where a column's gaps grow relative to its width.
        if any(h >= 3 * w for w, h in (quad_size(d.quad) for d in lines)):
            return None
        return lines


def _median_line_px(lines: list[DetectedLine], scale: float) -> float:
    return float(np.median([quad_size(d.quad)[1] for d in lines])) * scale


def _outside(new: list[DetectedLine], old: list[DetectedLine], shape: tuple[int, int]) -> list[DetectedLine]:
    """The lines of ``new`` less than half of whose area lies on lines of ``old``."""
    taken = fill_quads(np.zeros(shape, dtype=np.uint8), [d.quad for d in old])
    out = []
    for d in new:
        pts = d.quad.round().astype(np.int32)
        x0, y0 = np.maximum(pts.min(axis=0), 0)
        x1, y1 = pts.max(axis=0) + 1
        mask = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), dtype=np.uint8)
        cv2.fillPoly(mask, [pts - [x0, y0]], 1)
        mask = mask[: shape[0] - y0, : shape[1] - x0]
        area = int(np.count_nonzero(mask))
        if area and np.count_nonzero(mask & taken[y0 : y0 + mask.shape[0], x0 : x0 + mask.shape[1]]) < 0.5 * area:
            out.append(d)
    return out


# A finer line holding one first-pass line replaces it when it reaches this share of its height past it:
# a mark, not a run of words (small print's finer box took in a word run and read it worse).
WIDER_BY = 0.5
WIDER_AT_MOST = 2.0


def merge_finer(lines: list[DetectedLine], finer: list[DetectedLine], shape: tuple[int, int],
                share: float) -> list[DetectedLine]:
    """A re-detected page's lines: the first pass's, plus the finer pass's lines found off them, joining
    pieces of one row or widening one to take in a mark beside it, less the first-pass pieces lying
    (``share`` of their area) inside what is added."""
    added = _outside(finer, lines, shape)
    added += _joining([f for f in finer if not any(f is a for a in added)], lines, share)
    added += _widening([f for f in finer if not any(f is a for a in added)], lines, share, added)
    return [d for d in lines if not _within(d, added, share)] + added


def _overlapping(finer: list[DetectedLine], lines: list[DetectedLine]):
    """Each line of ``finer`` wider than tall, with its height, the indices of ``lines`` whose boxes overlap
    its box, and the boxes of ``lines`` (x0, y0, x1, y1)."""
    if not lines:
        return
    spans = _spans([d.quad for d in lines])
    for f in finer:
        (x0, y0), (x1, y1) = f.quad.min(axis=0), f.quad.max(axis=0)
        width, height = quad_size(f.quad)
        if width > height:
            near = (spans[:, 0] < x1) & (spans[:, 2] > x0) & (spans[:, 1] < y1) & (spans[:, 3] > y0)
            yield f, height, np.flatnonzero(near), spans



def _spans(quads: list[np.ndarray]) -> np.ndarray:
    """Each quad's (x0, y0, x1, y1), reduced over all the quads at once (a page's lines: one call, not one each)."""
    corners = np.array(quads)
    return np.concatenate([corners.min(axis=1), corners.max(axis=1)], axis=1)


def _joining(finer: list[DetectedLine], lines: list[DetectedLine], share: float) -> list[DetectedLine]:
    """The lines of ``finer`` that join two or more of ``lines`` side by side: each piece has ``share`` of its
    area inside the finer line and at least ``share`` of its height (stacked pieces, such as a column of page
    numbers that the finer pass took as one box, are not a row)."""
    out = []
    for f, height, near, _ in _overlapping(finer, lines):
        pieces = [i for i in near if quad_size(lines[i].quad)[1] >= share * height and _within(lines[i], [f], share)]
        if len(pieces) >= 2:
            out.append(f)
    return out


def _widening(finer: list[DetectedLine], lines: list[DetectedLine], share: float,
              added: list[DetectedLine]) -> list[DetectedLine]:
    """The lines of ``finer`` that hold one of ``lines`` (as ``_joining`` asks), touch no other, and reach past
    its start or end by ``WIDER_BY`` to ``WIDER_AT_MOST`` of their height: a mark the first pass left out of
    the line (a heading's number set a wide space before its title, lost on a page levelled from 5°). A
    finer box is otherwise about as wide as the first pass's. Further than that it reaches a run of words,
    taken only where no other line's box covers it, of either pass (``added``: the finer lines taken already;
    ``row_tails``: a small-print row's tail that the first pass left in no box)."""
    out = []
    for f, height, near, spans in _overlapping(finer, lines):
        if len(near) != 1 or quad_size(lines[near[0]].quad)[1] < share * height or not _within(lines[near[0]], [f], share):
            continue
        (x0, _), (x1, _) = f.quad.min(axis=0), f.quad.max(axis=0)
        a, _, b, _ = spans[near[0]]
        reach = max(a - x0, x1 - b)
        if WIDER_BY * height <= reach <= WIDER_AT_MOST * height:
            out.append(f)
        elif reach > WIDER_AT_MOST * height:
            others = [d.quad for k, d in enumerate(lines) if k != near[0]] + [g.quad for g in finer + added if g is not f]
            if reach_unread(f.quad, (a, b), others, WIDER_AT_MOST * height):
                out.append(f)
    return out


def _within(line: DetectedLine, others: list[DetectedLine], share: float) -> bool:
    """Whether at least ``share`` of ``line``'s area lies inside one of ``others``."""
    return lies_inside(line.quad, [d.quad for d in others], share)


def missed_marks(ink: np.ndarray, lines: list[DetectedLine], scale: float, line_px: float,
                 settings: DetectorSettings) -> int:
    """How many glyph-sized ink marks (in ``ink``, the detector's input) lie outside every line found."""
    covered = fill_quads(np.zeros(ink.shape, dtype=np.uint8), [d.quad * scale for d in lines])
    # One pixel of slack: a box's edge may cut through a glyph's outermost pixels.
    covered = cv2.dilate(covered, np.ones((3, 3), np.uint8))
    outside = (ink & (covered == 0)).view(np.uint8)
    _, _, stats, _ = ink_pieces(outside)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    glyphs = (area >= 3) & (h >= settings.missed_mark_min * line_px) & (h <= settings.missed_mark_lines * line_px) \
        & (w <= 2 * line_px)
    return int(np.count_nonzero(glyphs))


def ink_mask(gray: np.ndarray, settings: DetectorSettings) -> np.ndarray:
    """Pixels ``blank_ink_level`` grey levels darker than the paper around them."""
    k = max(3, settings.blank_paper_px | 1)
    paper = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.subtract(paper, gray) > settings.blank_ink_level


def is_blank(gray: np.ndarray, settings: DetectorSettings) -> bool:
    """True when no pixel group stands out darker than its surrounding paper."""
    return int(np.count_nonzero(ink_mask(gray, settings))) < settings.blank_max_ink


def mark_height(ink: np.ndarray) -> float:
    """How tall the ink's marks (connected groups of 3 pixels or more) are: their 90th
    percentile, but at most 1.5 times their median, so that a minority of tall marks
    that are not glyphs (rules, frames, pictures) cannot make small print look large."""
    _, _, stats, _ = ink_pieces(ink.view(np.uint8))
    heights = stats[1:, cv2.CC_STAT_HEIGHT][stats[1:, cv2.CC_STAT_AREA] >= 3]
    if not len(heights):
        return 0.0
    p50, p90 = percentile(heights, 50), percentile(heights, 90)
    return float(min(p90, 1.5 * p50))


def box_score(prob: np.ndarray, quad: np.ndarray) -> float:
    """Mean probability inside the polygon ``quad`` (in probability-map pixels)."""
    h, w = prob.shape
    # Plain Python on the corners' extremes: numpy's per-scalar calls cost more than the mean itself.
    (lx, ly), (hx, hy) = quad.min(axis=0).tolist(), quad.max(axis=0).tolist()
    x0, x1 = min(max(math.floor(lx), 0), w - 1), min(max(math.ceil(hx), 0), w - 1)
    y0, y1 = min(max(math.floor(ly), 0), h - 1), min(max(math.ceil(hy), 0), h - 1)
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    pts = (quad - np.array([x0, y0], dtype=np.float32)).round().astype(np.int32)
    cv2.fillPoly(mask, [pts], 1)
    return float(cv2.mean(prob[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def unclip(quad: np.ndarray, ratio: float) -> np.ndarray | None:
    """Grow a quad outward by area * ratio / perimeter (the DB offset)."""
    area = abs(cv2.contourArea(quad))
    perimeter = cv2.arcLength(quad.reshape(-1, 1, 2), True)
    if perimeter <= 0:
        return None
    offset = pyclipper.PyclipperOffset()
    offset.AddPath([tuple(p) for p in quad.round(3).tolist()], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(area * ratio / perimeter)
    if len(grown) != 1:
        return None
    return np.asarray(grown[0], dtype=np.float32)


def boxes_from_probability(
    prob: np.ndarray, image_shape: tuple[int, int], settings: DetectorSettings
) -> list[DetectedLine]:
    """DB post-processing: probability map → line quads in image pixels."""
    ph, pw = prob.shape
    ih, iw = image_shape
    bitmap = (prob > settings.thresh).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    lines: list[DetectedLine] = []
    sx, sy = iw / pw, ih / ph
    for contour in contours[: settings.max_candidates]:
        quad, short = min_area_quad(contour)
        if short < settings.min_size:
            continue
        score = box_score(prob, quad)
        if score < settings.box_thresh:
            # A line with a ragged edge (a drop cap's foot, a fuzzy underside
            # on a page turned back from a tilt) has a rectangle holding much
            # background; inside its own outline it is surely text. Specks and
            # leader dots score middling there too, so the outline must be sure.
            score = box_score(prob, contour.reshape(-1, 2).astype(np.float32))
            if score < settings.outline_thresh:
                continue
        grown = unclip(quad, settings.unclip_ratio)
        if grown is None:
            continue
        quad, short = min_area_quad(grown)
        if short < settings.min_size + 2:
            continue
        quad[:, 0] = np.clip(quad[:, 0] * sx, 0, iw)
        quad[:, 1] = np.clip(quad[:, 1] * sy, 0, ih)
        lines.append(DetectedLine(quad=quad, score=score))
    return lines


# A box lying for at least NESTED_SHARE of its area inside a line's crop at least 1 / NESTED_HEIGHT times as
# tall is a speck's or a fragment's: the line's crop reads whatever ink it holds, and read alone it only
# adds characters that are not on the page (paper noise in a blurred page's indent read "20", "Nse").
NESTED_SHARE = 0.8
NESTED_HEIGHT = 0.5


def drop_nested(quads: list[np.ndarray]) -> list[np.ndarray]:
    """``quads`` (the lines' crop quads) less those lying inside a line's crop at least twice as tall."""
    if len(quads) < 2:
        return quads
    heights = [quad_size(q)[1] for q in quads]
    spans = _spans(quads)
    keep = []
    for i, q in enumerate(quads):
        area = abs(cv2.contourArea(q))
        x0, y0, x1, y1 = spans[i]
        near = np.flatnonzero((spans[:, 0] < x1) & (spans[:, 2] > x0) & (spans[:, 1] < y1) & (spans[:, 3] > y0))
        inside = area > 0 and any(
            j != i and heights[i] <= NESTED_HEIGHT * heights[j]
            and cv2.intersectConvexConvex(q.astype(np.float32), quads[j].astype(np.float32))[0] >= NESTED_SHARE * area
            for j in near)
        if not inside:
            keep.append(q)
    return keep
