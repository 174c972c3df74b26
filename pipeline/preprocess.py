"""Page clean-up decided once per page, each step only when it is needed.

- Contrast: CLAHE only for washed-out pages (a narrow grey range), and
  only when the engine is configured for it: on our faded test scans it
  did not lower the error rate, so it is off by default.
- Skew: measured from the detected line boxes (free, since detection runs
  anyway); small angles are absorbed by cropping each rotated line box,
  larger ones re-detect on a rotated page.
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
REDETECT_SKEW = 2.0
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
    """Rotate the page (white fill); returns the image and the 3×3 matrix used."""
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
    return out, m


def transform(points: np.ndarray, m: np.ndarray) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return (pts @ m[:2, :2].T + m[:2, 2]).astype(np.float32)
