"""Scans: rules found in the page image with OpenCV morphology, words from the OCR lines.

The page is levelled first (its tilt read from the long rules, else from
the OCR lines' own slant) so rows and columns are axis-parallel; tables
are found on the levelled page and their boxes mapped back to the page
as read.
"""
from __future__ import annotations

import math
from statistics import median

import cv2
import numpy as np

from pipeline.result import Line
from pipeline.tables.find import tables_from
from pipeline.tables.model import Table, Token
from pipeline.tables.ruled import Segment

MIN_RULE_INCH = 0.25  # a rule is a straight ink run at least this long; letter strokes are shorter
MAX_RULE_WIDTH_INCH = 0.03  # and at most this thick (a filled bar or a photo is not a rule)


def _ink(gray: np.ndarray) -> np.ndarray:
    # Adaptive: grey paper, uneven lighting and faded ink vary across a scan.
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _rule_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    n = max(15, int(MIN_RULE_INCH * dpi))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    # Close small breaks that noise or JPEG leave in a rule.
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, n // 4), 1)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, n // 4))))
    return h, v


def _tilt_from_rules(h_mask: np.ndarray, dpi: int) -> float | None:
    """Degrees the long horizontal rules slope (y grows downwards), None without long rules."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(h_mask, connectivity=8)
    angles, weights = [], []
    for k in range(1, n):
        x, y, w, hh, _ = stats[k]
        if w < 2 * dpi:
            continue
        ys, xs = np.nonzero(labels[y:y + hh, x:x + w] == k)
        vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(math.degrees(math.atan2(vy, vx)))
        weights.append(w)
    if not angles:
        return None
    angles = [(a + 90) % 180 - 90 for a in angles]
    return float(np.average(angles, weights=weights))


def _tilt_from_lines(lines: list[Line]) -> float:
    slopes = []
    for line in lines:
        if line.polygon and len(line.polygon) == 4:
            (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
            if x1 - x0 > 1:
                slopes.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return median(slopes) if slopes else 0.0


def _segments(mask: np.ndarray, dpi: int, horizontal: bool) -> list[Segment]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        length, width = (w, h) if horizontal else (h, w)
        if length < MIN_RULE_INCH * dpi or width > MAX_RULE_WIDTH_INCH * dpi + 6:
            continue
        out.append(Segment(x, x + w, y + h / 2) if horizontal else Segment(y, y + h, x + w / 2))
    return out


def _tokens(lines: list[Line]) -> list[Token]:
    out = []
    for line in lines:
        for w in line.words or [line]:
            if w.text.strip():
                out.append(Token(w.text, tuple(w.box), w.confidence))
    return out


def _moved(tok: Token, m: np.ndarray) -> Token:
    """The token with its centre moved by ``m``, its size kept (a word's box hardly turns by a degree or two)."""
    cx, cy = m @ np.array([tok.cx, tok.cy, 1.0])
    hw, hh = (tok.box[2] - tok.box[0]) / 2, (tok.box[3] - tok.box[1]) / 2
    return Token(tok.text, (cx - hw, cy - hh, cx + hw, cy + hh), tok.confidence)


def _box_back(box: list[float], inv: np.ndarray) -> list[float]:
    x0, y0, x1, y1 = box
    pts = inv @ np.array([[x0, x1, x0, x1], [y0, y0, y1, y1], [1, 1, 1, 1]], dtype=np.float64)
    return [float(pts[0].min()), float(pts[1].min()), float(pts[0].max()), float(pts[1].max())]


def find_image_tables(gray: np.ndarray, lines: list[Line], dpi: int) -> list[Table]:
    """The tables of a scanned page: ``gray`` is the page as read, ``lines`` its OCR lines (boxes in
    that image's pixels)."""
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_RGB2GRAY)
    ink = _ink(gray)
    h_mask, v_mask = _rule_masks(ink, dpi)
    tilt = _tilt_from_rules(h_mask, dpi)
    if tilt is None:
        tilt = _tilt_from_lines(lines)
    tokens = _tokens(lines)
    if abs(tilt) < 0.05:
        return tables_from(tokens, _segments(h_mask, dpi, True), _segments(v_mask, dpi, False), dpi)
    hgt, wid = gray.shape
    m = cv2.getRotationMatrix2D((wid / 2, hgt / 2), tilt, 1.0)
    level = cv2.warpAffine(ink, m, (wid, hgt), flags=cv2.INTER_NEAREST, borderValue=0)
    h_mask, v_mask = _rule_masks(level, dpi)
    tables = tables_from([_moved(t, m) for t in tokens], _segments(h_mask, dpi, True),
                         _segments(v_mask, dpi, False), dpi)
    inv = cv2.invertAffineTransform(m)
    for table in tables:
        table.box = _box_back(table.box, inv)
        for cell in table.cells:
            cell.box = _box_back(cell.box, inv)
    return tables
