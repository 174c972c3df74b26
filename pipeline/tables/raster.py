"""Scans: rules found in the page image with OpenCV morphology, words from the OCR lines.

The page is levelled first (its tilt read from the long rules, else from
the OCR lines' own slant) so rows and columns are axis-parallel; tables
are found on the levelled page and their boxes mapped back to the page
as read.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from pipeline.medians import median, percentile
from pipeline.result import Line
from pipeline.tables.bangs import bangs
from pipeline.tables.bars import rule_bars
from pipeline.tables.cell_separators import cell_end_separators
from pipeline.tables.cjk_gutters import split_at_gutters
from pipeline.tables.confusions import confusions_read_again
from pipeline.tables.empty_braces import empty_braces
from pipeline.tables.empty_cells import empty_cell_reader
from pipeline.tables.find import tables_from
from pipeline.tables.lost_quotes import lost_opening_quotes
from pipeline.tables.middle_dots import middle_dots
from pipeline.tables.model import Table, Token
from pipeline.tables.reread import missed_items, split_stacked
from pipeline.tables.ruled import Segment
from pipeline.tables.slivers import drop_slivers
from pipeline.tables.unknown_glyphs import unknown_glyphs_read_again
from pipeline.tables.url_hosts import url_hosts

MIN_RULE_INCH = 0.25  # a rule is a straight ink run at least this long; letter strokes are shorter
MAX_RULE_WIDTH_INCH = 0.03  # and at most this thick (a filled bar or a photo is not a rule)
WORK_DPI = 150
PAPER_INCH = 0.1  # the paper's brightness is the brightest within this (wider than a stroke)
PAPER_CONTRAST = 40  # grey levels below the paper that count as ink for row rules
FAINT_RULE_INCH = 1.0  # a faint row rule is at least this long: shorter faint runs are glyph fringes and noise
FAINT_END_INCH = 0.15  # and its ends are found to within this (a row's rules are of one length to that)
FAINT_PAPER = 8  # the rows beside it lie at most this many grey levels under the page's paper
FAINT_NARROW = 4  # the page is narrowed this many times to look for them
FAINT_CONTRAST = 3  # grey levels a faint rule's row, averaged along it, lies under the rows just above and below


def _ink(gray: np.ndarray) -> np.ndarray:
    # Adaptive: grey paper, uneven lighting and faded ink vary across a scan.
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _ink_by_paper(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Ink as what is darker than the paper around it (the brightest nearby). A faint row rule set
    tight under a line of text is darker than the paper but not than the local mean, which the text
    pulls down: the mean threshold breaks such a rule into pieces under every word, and rows merge."""
    k = max(3, int(PAPER_INCH * dpi) | 1)
    paper = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.threshold(cv2.subtract(paper, gray), PAPER_CONTRAST, 255, cv2.THRESH_BINARY)[1]


def _faint_rules(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Row rules too faint for either threshold: a web page's light grey row borders (#E8E8E8), scanned, lie a
    dozen grey levels under the paper, in noise of as much. Averaged along a stretch of their length, they
    stand out from the rows a few pixels above and below them, which must be paper (between the text lines
    of a row, no row of pixels is darker than both its neighbours). Looked for on the page narrowed fourfold
    (each pixel the mean of four side by side): along a rule nothing is lost, and it costs a quarter."""
    hgt, wid = gray.shape
    narrow = cv2.resize(gray, (max(1, wid // FAINT_NARROW), hgt), interpolation=cv2.INTER_AREA).astype(np.float32)
    xdpi = dpi / FAINT_NARROW
    n = max(3, int(0.6 * xdpi))
    mean = cv2.blur(narrow, (n, 1))
    k = max(2, round(dpi / 50))
    paper = percentile(mean[::8, ::2], 90)
    # Beside it at k pixels, or at 2k: a table's outer border casts a blurred shadow (a box-shadow) as wide as that.
    # (Worked in place, the rows far above and below taken as np.roll takes them, wrapping round the page's
    # ends: whole-page temporaries cost as much as the search itself.)
    ridge = np.zeros_like(mean)
    for far in (k, 2 * k):
        wrapped = np.concatenate((mean[-far:], mean, mean[:far]))
        beside = np.minimum(wrapped[:hgt], wrapped[2 * far:])
        lit = beside > paper - FAINT_PAPER
        np.subtract(beside, mean, out=beside)
        beside[~lit] = 0
        np.maximum(ridge, beside, out=ridge)
    found = (ridge > FAINT_CONTRAST).astype(np.uint8) * 255
    found = cv2.morphologyEx(found, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (int(FAINT_RULE_INCH * xdpi), 1)))
    # The average reaches past a rule's ends by as much as its contrast over the threshold: rules of one table
    # came out a tenth of an inch apart in length. Each ends where it falls to half its own contrast.
    out = np.zeros_like(gray)
    for contour in cv2.findContours(found, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        x, y, w, h = cv2.boundingRect(contour)
        row = y + int(np.argmax(ridge[y:y + h, x + w // 2]))
        half = float(median(ridge[row, x + w // 4:x + 3 * w // 4])) / 2
        lo, hi = max(0, x - n // 2), min(narrow.shape[1], x + w + n // 2)
        on = np.flatnonzero(ridge[max(0, row - 1):row + 2, lo:hi].max(axis=0) > half)  # a level rule may drift a pixel
        if on.size and _faint_throughout(gray, row, k, x * FAINT_NARROW, (x + w) * FAINT_NARROW):
            cv2.line(out, ((lo + int(on[0])) * FAINT_NARROW, row), ((lo + int(on[-1]) + 1) * FAINT_NARROW - 1, row), 255, 1)
    return out


def _faint_throughout(gray: np.ndarray, row: int, k: int, x0: int, x1: int) -> bool:
    """Whether the row's darkness under the paper beside it stays faint all along: a row of dots (a table's
    ``· · ·`` cells, a leader) averages out as faint, but each dot is ink."""
    hgt = gray.shape[0]
    band = gray[max(0, row - 1):min(hgt, row + 2), x0:x1].astype(np.float32).min(axis=0)
    beside = np.minimum(gray[max(0, row - k), x0:x1], gray[min(hgt - 1, row + k), x0:x1]).astype(np.float32)
    dark = np.convolve(beside - band, np.ones(3) / 3, mode="valid")
    return dark.size > 0 and percentile(dark, 95) < PAPER_CONTRAST


def _rules(ink: np.ndarray, dpi: float, horizontal: bool) -> np.ndarray:
    """The straight ink runs of one direction at least a rule long, small breaks (noise, JPEG) closed."""
    n = max(15, int(MIN_RULE_INCH * dpi))
    run, gap = ((n, 1), (max(3, n // 4), 1)) if horizontal else ((1, n), (1, max(3, n // 4)))
    out = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, run))
    return cv2.morphologyEx(out, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))


def _tilt_from_rules(h_mask: np.ndarray, dpi: float) -> float | None:
    """Degrees the long horizontal rules slope (y grows downwards), None without long rules."""
    contours, _ = cv2.findContours(h_mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    angles, weights = [], []
    for contour in contours:
        w = cv2.boundingRect(contour)[2]
        if w < 2 * dpi:
            continue
        vx, vy, _, _ = cv2.fitLine(contour.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(math.degrees(math.atan2(vy, vx)))
        weights.append(w)
    if not angles:
        return None
    angles = [(a + 90) % 180 - 90 for a in angles]
    return float(np.average(angles, weights=weights))


def _tilt_from_lines(lines: list[Line]) -> float:
    """The lines' slant, the median over their length: a short line's box (one word in a table's first
    column) slants by a few pixels of padding over its width, steeply and either way, and in a table
    such lines can be half of all, so counted one apiece they tilted the level page by degrees. Each weighs
    its length squared: its slope's error from its corners falls with the length, and weighed by length alone
    the short words of a table (always steeper, by a degree or two) outweighed the page's few long lines."""
    slopes = []
    for line in lines:
        if line.polygon and len(line.polygon) == 4:
            (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
            if x1 - x0 > 1:
                slopes.append((math.degrees(math.atan2(y1 - y0, x1 - x0)), x1 - x0))
    if not slopes:
        return 0.0
    slopes.sort()
    half, run = sum(w for _, w in slopes) / 2, 0.0
    for angle, w in slopes:
        run += w
        if run >= half:
            return angle
    return slopes[-1][0]


def _segments(mask: np.ndarray, dpi: int, horizontal: bool, scale: float) -> list[Segment]:
    """Rules in page pixels; ``mask`` is the page at ``scale``."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for contour in contours:
        x, y, w, h = (v / scale for v in cv2.boundingRect(contour))
        length, width = (w, h) if horizontal else (h, w)
        if length < MIN_RULE_INCH * dpi or width > MAX_RULE_WIDTH_INCH * dpi + 6:
            continue
        out.append(Segment(x, x + w, y + h / 2) if horizontal else Segment(y, y + h, x + w / 2))
    return out


def _tokens(lines: list[Line]) -> list[Token]:
    out = []
    for line in lines:
        toks = []
        for w in line.words or [line]:
            # a bar at a word's edge may be the rule beside it, read as a character: bars.py decides
            text = w.text.strip()
            if text:
                toks.append(Token(text, tuple(w.box), w.confidence))
        out.append(toks)
    return drop_slivers(out)


def _moved(tok: Token, m: np.ndarray) -> Token:
    """The token with its centre moved by ``m``, its size kept (a word's box hardly turns by a degree or two)."""
    cx, cy = m @ np.array([tok.cx, tok.cy, 1.0])
    hw, hh = (tok.box[2] - tok.box[0]) / 2, (tok.box[3] - tok.box[1]) / 2
    return Token(tok.text, (cx - hw, cy - hh, cx + hw, cy + hh), tok.confidence)


def _box_back(box: list[float], inv: np.ndarray) -> list[float]:
    x0, y0, x1, y1 = box
    pts = inv @ np.array([[x0, x1, x0, x1], [y0, y0, y1, y1], [1, 1, 1, 1]], dtype=np.float64)
    return [float(pts[0].min()), float(pts[1].min()), float(pts[0].max()), float(pts[1].max())]


class _Sides:
    """A web page's table boxes drawn as faint as its row rules: their upright sides in a piece of the levelled
    page (page pixels), which tell a heading between two such tables, one under the other, from a row
    (``row_rules``). Not column rules, which would frame one column. Looked for only about a stack of rules,
    on demand: over the whole page they cost a tenth of the table step."""

    def __init__(self, small: np.ndarray, turn: np.ndarray | None, dpi: int, scale: float):
        self.small, self.turn, self.dpi, self.scale = small, turn, dpi, scale

    def __call__(self, x0: float, y0: float, x1: float, y1: float) -> list[Segment]:
        hgt, wid = self.small.shape
        if self.turn is not None:  # turned as the masks were, by the rules' tilt, once
            self.small = cv2.warpAffine(self.small, self.turn, (wid, hgt), flags=cv2.INTER_LINEAR,
                                        borderMode=cv2.BORDER_REPLICATE)
            self.turn = None
        ax0, ay0 = max(0, int(x0 * self.scale)), max(0, int(y0 * self.scale))
        ax1, ay1 = min(wid, int(x1 * self.scale) + 1), min(hgt, int(y1 * self.scale) + 1)
        if ax1 - ax0 < 8 or ay1 - ay0 < 8:
            return []
        crop = np.ascontiguousarray(self.small[ay0:ay1, ax0:ax1].T)
        mask = np.ascontiguousarray(_faint_rules(crop, self.dpi * self.scale).T)
        dx, dy = ax0 / self.scale, ay0 / self.scale
        return [Segment(s.lo + dy, s.hi + dy, s.pos + dx) for s in _segments(mask, self.dpi, False, self.scale)]


class _Level:
    """Pieces of the page turned level, in page pixels (the tokens' frame): only the piece is turned,
    not the page (turning a whole 200 DPI page costs about as much as the rest of the step)."""

    def __init__(self, gray: np.ndarray, m: np.ndarray | None):
        self.gray, self.m = gray, m

    def __call__(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
        hgt, wid = self.gray.shape
        ix0, iy0, ix1, iy1 = max(0, round(x0)), max(0, round(y0)), min(wid, round(x1)), min(hgt, round(y1))
        if ix1 - ix0 < 4 or iy1 - iy0 < 4:
            return None
        if self.m is None:
            return self.gray[iy0:iy1, ix0:ix1]
        shift = self.m.copy()
        shift[:, 2] -= (ix0, iy0)
        return cv2.warpAffine(self.gray, shift, (ix1 - ix0, iy1 - iy0), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)


def find_image_tables(gray: np.ndarray, lines: list[Line], dpi: int, read: Callable | None = None,
                      read_closer: Callable | None = None) -> list[Table]:
    """The tables of a scanned page: ``gray`` is the page as read, ``lines`` its OCR lines (boxes in
    that image's pixels). With ``read`` (the line recognizer: crops in, decoded lines out), a stack of
    short items boxed as one word is cut at the rows beside it and read again, and a short first item
    the detector missed is read from the ink where the lines above or below have one (``reread``).
    With ``read_closer`` (the larger recognizer), names with a character often confused (`1` for `l`) are
    read again (``confusions``)."""
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_RGB2GRAY)
    # Rules are found at about 150 DPI: the image operations, most of the added time per page, cost
    # half of 200 DPI's. At 100 DPI a 0.3 pt rule (thinner than a pixel there) fades into dashes
    # shorter than a rule, and tables ruled that finely lose rows. Linear scaling: area averaging
    # at 3:4 costs as much as the rest of the step, and found the same rules on the bench.
    scale = min(1.0, WORK_DPI / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR) if scale < 1 else gray
    hgt, wid = small.shape
    # The page is levelled by its OCR lines' slant before rules are looked for: a thin rule tilted by a
    # degree steps down a pixel every few dozen, so on the page as read it breaks into short pieces that
    # miss the rows' rules, and tight rows merge. Turning the page blurs a rule under a pixel wide,
    # though, so the row rules found on the page as read are turned and kept beside the others.
    tilt = _tilt_from_lines(lines)
    as_read = None
    if abs(tilt) >= 0.05:
        turn = cv2.getRotationMatrix2D((wid / 2, hgt / 2), tilt, 1.0)
        as_read = cv2.warpAffine(_rules(_ink(small), dpi * scale, True), turn, (wid, hgt),
                                 flags=cv2.INTER_NEAREST, borderValue=0)
        small = cv2.warpAffine(small, turn, (wid, hgt), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # Row rules from either threshold: against the paper under text, against the mean where a rule
    # under a pixel wide, away from text, is fainter than the paper contrast. Column rules from the
    # mean alone: counted as ink by the paper, the faint edges of glyphs stacked line over line (a
    # bracket over a letter, a column of '[') join into short false rules.
    ink = _ink(small)
    h_mask = cv2.bitwise_or(_rules(cv2.bitwise_or(ink, _ink_by_paper(small, dpi * scale)), dpi * scale, True),
                            _faint_rules(small, dpi * scale))
    v_mask = _rules(ink, dpi * scale, False)
    if as_read is not None:
        h_mask = cv2.bitwise_or(h_mask, as_read)
    rest = _tilt_from_rules(h_mask, dpi * scale) or 0.0
    if abs(rest) >= 0.05:
        level = cv2.getRotationMatrix2D((wid / 2, hgt / 2), rest, 1.0)
        h_mask = cv2.warpAffine(h_mask, level, (wid, hgt), flags=cv2.INTER_NEAREST, borderValue=0)
        v_mask = cv2.warpAffine(v_mask, level, (wid, hgt), flags=cv2.INTER_NEAREST, borderValue=0)
        tilt += rest
    else:
        level = None
    tokens = _tokens(lines)
    m = cv2.getRotationMatrix2D((gray.shape[1] / 2, gray.shape[0] / 2), tilt, 1.0)  # the same turn in page pixels
    if abs(tilt) >= 0.05:
        tokens = [_moved(t, m) for t in tokens]
    levelled = _Level(gray, m if abs(tilt) >= 0.05 else None)
    v_rules = _segments(v_mask, dpi, False, scale)
    tokens = rule_bars(tokens, v_rules)
    tokens = middle_dots(empty_braces(split_at_gutters(tokens, levelled), levelled), levelled)
    tokens = url_hosts(cell_end_separators(tokens, lines))
    if read_closer is not None:
        tokens = confusions_read_again(tokens, levelled, read_closer)
    if read is not None:
        tokens = split_stacked(tokens, levelled, read)
        tokens = missed_items(tokens, levelled, read, dpi)
    # after the reading again too: a stack's pieces are read as cells, and lose their opening quotes as such
    tokens = lost_opening_quotes(tokens, levelled)
    # after the reading again: a mark alone is what the detector misses, and its first reading too
    tokens = bangs(tokens, levelled)
    read_empty = empty_cell_reader(tokens, levelled, read, dpi) if read is not None else None
    tables = tables_from(tokens, _segments(h_mask, dpi, True, scale), v_rules, dpi,
                         read_empty, rule_slack=FAINT_END_INCH * dpi, level=levelled,
                         sides=_Sides(small, level, dpi, scale))
    known = getattr(getattr(read, "decoder", None), "index", None)
    if read_closer is not None and known is not None:  # what the page's recognizer cannot name, the larger one may
        tables = unknown_glyphs_read_again(tables, tokens, levelled, known, read_closer)
    if abs(tilt) < 0.05:
        return tables
    inv = cv2.invertAffineTransform(m)
    for table in tables:
        table.box = _box_back(table.box, inv)
        for cell in table.cells:
            cell.box = _box_back(cell.box, inv)
    return tables
