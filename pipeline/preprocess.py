"""Page clean-up decided once per page, each step only when it is needed.

- Contrast: CLAHE only for washed-out pages (a narrow grey range), and
  only when the engine is configured for it: on our faded test scans it
  did not lower the error rate, so it is off by default.
- Skew: measured from the detected line boxes (free, since detection runs
  anyway), refined on the ink's rows for pages tilted a degree or more;
  small angles are absorbed by cropping each rotated line box, larger ones
  re-detect on a rotated page.
- Orientation: sideways pages are recognised by their tall line boxes;
  upside-down pages by recognition confidence rising when flipped.
Geometry between the rendered page and the working image is carried as a
3×3 matrix so every output box is in rendered-page pixels.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.geometry import quad_angle, quad_size

# Grey range (1st-99th percentile) below which a page counts as low-contrast.
LOW_CONTRAST_RANGE = 110
# Skew (degrees) below which we do not rotate the page before detection.
# Pages read tilted at 2° lost a line to garbage and misread short pieces
# (bench.rotation); scans tilted up to 1.5° read as well tilted, and pay no
# second detection.
REDETECT_SKEW = 1.6
# Ink, when keeping a rotated page's size: this much darker than the median
# (paper), sampled every INK_STEP pixels; kept with INK_MARGIN pixels around it.
INK_BELOW_PAPER = 60
INK_STEP = 4
INK_MARGIN = 8
# Refining the skew of a tilted page: ink rows compared around the boxes'
# estimate in two passes of (± span, step) degrees; too little ink keeps the estimate.
REFINE_FROM = 1.0  # degrees of skew (boxes' estimate) from which it is refined
REFINE_STEPS = ((0.6, 0.1), (0.1, 0.02))
REFINE_MIN_INK = 200
# Boxes must be this elongated to vote on skew or orientation.
MIN_ELONGATION = 3.0


def enhance_contrast(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    small = gray[:: max(1, gray.shape[0] // 400), :: max(1, gray.shape[1] // 400)]
    lo, hi = np.percentile(small, [1, 99])
    if hi - lo >= LOW_CONTRAST_RANGE:
        return gray, False
    stretched = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    return clahe.apply(stretched), True


def skew_angle(quads: list[np.ndarray]) -> float:
    """Median angle (degrees, + = text rising to the right) of elongated line boxes."""
    angles, weights = [], []
    for q in quads:
        w, h = quad_size(q)
        if h > 0 and w / h >= MIN_ELONGATION:
            angles.append(quad_angle(q))
            weights.append(w)
    if len(angles) < 2:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    return round(median, 2)


def refine_skew(gray: np.ndarray, coarse: float) -> float:
    """The skew (degrees, + = rising to the right) near ``coarse`` at which the
    page's ink rows are sharpest. Box angles are off by a few tenths of a
    degree on pages of short pieces (a table of contents), and a page
    levelled by them keeps that tilt, which splits its rows."""
    # Full resolution: at half scale the angle was up to 0.12° off on a sparse table of contents.
    xs, ys = _ink_columns_rows(gray, float(np.median(gray[::INK_STEP, ::INK_STEP])) - INK_BELOW_PAPER)
    if len(ys) < REFINE_MIN_INK:
        return coarse
    sharpness = _RowSharpness(xs - gray.shape[1] / 2, ys)
    best = coarse
    for span, step in REFINE_STEPS:
        angles = best + np.arange(-span, span + step / 2, step)
        best = float(max(angles, key=sharpness))
    return round(best, 2)


def _ink_columns_rows(gray: np.ndarray, below: float) -> tuple[np.ndarray, np.ndarray]:
    """Columns and rows (float) of the pixels darker than ``below``, row by row as ``np.nonzero`` gives them."""
    # A grey level is below ``below`` exactly when it is below its ceiling: the page is compared as uint8, and
    # the flat indices of its ink are found faster than np.nonzero finds (row, column) pairs.
    at = np.flatnonzero(gray < math.ceil(below))
    rows = at // gray.shape[1]
    return (at - rows * gray.shape[1]).astype(np.float64), rows.astype(np.float64)


class _RowSharpness:
    """Sum of squared ink counts per row once rows are taken along an angle (degrees), for ink at ``xs``
    (from the page's middle column) and ``ys``. Work arrays are reused from angle to angle, and an angle
    tried twice (the finer pass's middle is, as a rule, the coarser pass's best) is worked out once."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray):
        self.xs, self.ys = xs, ys
        self._along, self._across = np.empty_like(ys), np.empty_like(xs)
        self._rows = np.empty(len(ys), dtype=np.int64)
        self._seen: dict[float, float] = {}

    def __call__(self, angle: float) -> float:
        angle = float(angle)
        if angle not in self._seen:
            a = math.radians(angle)
            v, rows = self._along, self._rows
            np.multiply(self.ys, math.cos(a), out=v)
            np.multiply(self.xs, math.sin(a), out=self._across)
            np.add(v, self._across, out=v)
            np.rint(v, out=v)
            np.copyto(rows, v, casting="unsafe")
            np.subtract(rows, rows.min(), out=rows)
            counts = np.bincount(rows)
            self._seen[angle] = float(np.dot(counts, counts))
        return self._seen[angle]


def is_sideways(quads: list[np.ndarray]) -> bool:
    """True when most elongated boxes stand upright: the page is turned 90°."""
    tall = wide = 0.0
    for q in quads:
        w, h = quad_size(q)
        if min(w, h) <= 0:
            continue
        if w / h >= MIN_ELONGATION:
            wide += w
        elif h / w >= MIN_ELONGATION:
            tall += h
    return tall > 2 * wide and tall > 0


def rotation_matrix(shape: tuple[int, int], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """3×3 matrix rotating an image of ``shape`` by ``angle`` degrees (counter-
    clockwise) onto an enlarged canvas that keeps every corner, and that size."""
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(math.ceil(h * sin + w * cos)), int(math.ceil(h * cos + w * sin))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return np.vstack([m, [0, 0, 1]]), (nh, nw)


def rotate(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate the page (white fill); returns the image and the 3×3 matrix used.

    Quarter turns are exact; other angles keep the input's size unless ink
    reaches past it."""
    if angle % 90 == 0:
        k = int(angle // 90) % 4
        h, w = gray.shape
        out = np.ascontiguousarray(np.rot90(gray, k))
        # np.rot90 turns counter-clockwise: (x, y) → (y, w-1-x) for k=1.
        mats = {
            0: np.eye(3),
            1: np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=np.float64),
            2: np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=np.float64),
            3: np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], dtype=np.float64),
        }
        return out, mats[k]
    m, (nh, nw) = rotation_matrix(gray.shape, angle)
    out = cv2.warpAffine(gray, m[:2], (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    # The grown canvas's blank corners would shrink the page at the detector's
    # fixed input size (lines were lost at 5°): keep the input's size, centred,
    # grown only as far as ink reaches.
    y0, y1, x0, x1 = _ink_window(out, gray)
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64)
    return np.ascontiguousarray(out[y0:y1, x0:x1]), shift @ m


def _ink_window(out: np.ndarray, before: np.ndarray) -> tuple[int, int, int, int]:
    """Rows y0:y1 and columns x0:x1 of ``out``: the size of ``before``, centred, widened to hold all ink."""
    (nh, nw), (h, w) = out.shape, before.shape
    y0, x0 = (nh - h) // 2, (nw - w) // 2
    y1, x1 = y0 + h, x0 + w
    step = INK_STEP
    small = out[::step, ::step]
    paper = float(np.median(before[::step, ::step]))
    ys, xs = np.nonzero(small < paper - INK_BELOW_PAPER)
    if len(ys):
        m = INK_MARGIN
        y0, y1 = min(y0, max(0, ys.min() * step - m)), max(y1, min(nh, ys.max() * step + step + m))
        x0, x1 = min(x0, max(0, xs.min() * step - m)), max(x1, min(nw, xs.max() * step + step + m))
    return y0, y1, x0, x1


def transform(points: np.ndarray, m: np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return (pts @ m[:2, :2].T + m[:2, 2]).astype(np.float32)
