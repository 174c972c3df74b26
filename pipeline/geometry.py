"""Quadrilateral geometry shared by detection, cropping and layout.

A quad is a float32 array of four (x, y) corners ordered top-left,
top-right, bottom-right, bottom-left as the text reads.
"""
from __future__ import annotations

import math
from array import array

import cv2
import numpy as np


def order_quad(points: np.ndarray) -> np.ndarray:
    """Order four corners as top-left, top-right, bottom-right, bottom-left."""
    # Python's sort on four points: stable as numpy's was, without its per-call overhead (a few a line).
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2).tolist()
    by_x = sorted(pts, key=_x)
    tl, bl = sorted(by_x[:2], key=_y)
    tr, br = sorted(by_x[2:], key=_y)
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _x(p: list[float]) -> float:
    return p[0]


def _y(p: list[float]) -> float:
    return p[1]


def min_area_quad(points: np.ndarray) -> tuple[np.ndarray, float]:
    """The minimum-area rectangle around ``points`` and its shorter side."""
    rect = cv2.minAreaRect(np.asarray(points, dtype=np.float32).reshape(-1, 1, 2))
    quad = order_quad(cv2.boxPoints(rect))
    return quad, float(min(rect[1]))


def quad_size(quad: np.ndarray) -> tuple[float, float]:
    """(width, height) of a quad measured along its own edges."""
    # np.linalg.norm of each float32 edge as plain Python: every float32 operation (difference, squares,
    # their sum, the root) rounded to float32 through ``array("f")``, so the value is norm's to the bit.
    # Several calls a line, where numpy's per-call overhead outweighed the work.
    x0, y0, x1, y1, x2, y2, x3, y3 = np.asarray(quad, dtype=np.float32).reshape(-1)[:8].tolist()
    d = array("f", (x0 - x1, y0 - y1, x3 - x2, y3 - y2, x0 - x3, y0 - y3, x1 - x2, y1 - y2))
    sq = array("f", [v * v for v in d])
    n = array("f", [math.sqrt(v) for v in array("f", (sq[0] + sq[1], sq[2] + sq[3], sq[4] + sq[5], sq[6] + sq[7]))])
    return max(n[0], n[1]), max(n[2], n[3])


def quad_angle(quad: np.ndarray) -> float:
    """Angle of the quad's top edge in degrees (positive: rising to the right, image y down)."""
    q = np.asarray(quad, dtype=np.float32)
    dx, dy = q[1] - q[0]
    return -math.degrees(math.atan2(float(dy), float(dx)))


def quad_at_angle(quad: np.ndarray, angle: float) -> np.ndarray:
    """The rectangle at ``angle`` degrees (as ``quad_angle``) around ``quad``'s corners."""
    a = math.radians(angle)
    u = np.array([math.cos(a), -math.sin(a)])  # along the text
    v = np.array([math.sin(a), math.cos(a)])  # down across it
    pts = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    s, t = pts @ u, pts @ v
    corners = [(s.min(), t.min()), (s.max(), t.min()), (s.max(), t.max()), (s.min(), t.max())]
    return np.array([si * u + ti * v for si, ti in corners], dtype=np.float32)


def quad_to_box(quad: np.ndarray) -> list[float]:
    """Axis-aligned [x0, y0, x1, y1] around a quad."""
    q = np.asarray(quad, dtype=np.float32)
    xs, ys = q[:, 0].tolist(), q[:, 1].tolist()
    total = sum(xs) + sum(ys)
    if total != total or 0.0 in xs or 0.0 in ys:
        # NaN, or a zero whose sign numpy's min and max pick otherwise than Python's: numpy's way.
        return [float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())]
    return [min(xs), min(ys), max(xs), max(ys)]


def rotate_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Apply a 2×3 affine matrix to (N, 2) points."""
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    return pts @ matrix[:, :2].T + matrix[:, 2]


def crop_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Cut a (possibly rotated) quad out of ``image`` as an upright strip."""
    q = np.asarray(quad, dtype=np.float32)
    w, h = quad_size(q)
    w, h = max(1, int(round(w))), max(1, int(round(h)))
    x0, y0, x1, y1 = quad_to_box(q)
    if abs(q[0, 1] - q[1, 1]) < 0.5 and abs(q[0, 0] - q[3, 0]) < 0.5:
        # Axis-aligned: a plain slice is exact and much cheaper than a warp.
        xs, ys = max(0, int(round(x0))), max(0, int(round(y0)))
        return image[ys : max(ys + 1, int(round(y1))), xs : max(xs + 1, int(round(x1)))]
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def interpolate_on_quad(quad: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """The sub-quad between fractions ``t0`` and ``t1`` of the quad's width."""
    q = np.asarray(quad, dtype=np.float32)
    top = lambda t: q[0] + (q[1] - q[0]) * t  # noqa: E731
    bottom = lambda t: q[3] + (q[2] - q[3]) * t  # noqa: E731
    return np.array([top(t0), top(t1), bottom(t1), bottom(t0)], dtype=np.float32)


def expand_quad(quad: np.ndarray, pad_x: float, pad_y: float, shape: tuple[int, int]) -> np.ndarray:
    """Grow a quad along its own axes by ``pad_x``/``pad_y`` times its height,
    clipped to the image. The detector's boxes end tight on the last glyph
    and lose small marks (a final period, a comma) without this margin."""
    q = np.asarray(quad, dtype=np.float32)
    w, h = quad_size(q)
    ux = (q[1] - q[0]) / max(w, 1e-6)
    uy = (q[3] - q[0]) / max(h, 1e-6)
    dx, dy = ux * pad_x * h, uy * pad_y * h
    out = np.array([q[0] - dx - dy, q[1] + dx - dy, q[2] + dx + dy, q[3] - dx + dy], dtype=np.float32)
    out[:, 0] = out[:, 0].clip(0, shape[1])
    out[:, 1] = out[:, 1].clip(0, shape[0])
    return out


def lies_inside(quad: np.ndarray, others: list[np.ndarray], share: float) -> bool:
    """Whether at least ``share`` of ``quad``'s area lies inside one of ``others``."""
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    return area > 0 and any(
        cv2.intersectConvexConvex(quad.astype(np.float32), o.astype(np.float32))[0] >= share * area for o in others)


def fill_quads(mask: np.ndarray, quads, offset=(0, 0)) -> np.ndarray:
    """Set to 1 every pixel of ``mask`` inside any of ``quads`` (shifted by ``-offset``), and return it.

    One polygon per call: ``cv2.fillPoly`` given several polygons fills by the even-odd rule, which leaves
    the overlap of two boxes empty, so a mark lying where two boxes overlap counted as outside both."""
    for q in quads:
        cv2.fillPoly(mask, [np.round(np.asarray(q) - offset).astype(np.int32)], 1)
    return mask
