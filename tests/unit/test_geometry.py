"""Box geometry: corner order, sizes, crops of rotated boxes, padding."""
import cv2
import numpy as np
import pytest

from pipeline.geometry import (
    crop_quad,
    expand_quad,
    fill_quads,
    interpolate_on_quad,
    min_area_quad,
    order_quad,
    quad_at_angle,
    quad_angle,
    quad_size,
    quad_to_box,
)


def test_order_quad_from_any_corner_order():
    pts = np.array([[10, 20], [110, 20], [110, 50], [10, 50]], np.float32)
    for shift in range(4):
        assert np.allclose(order_quad(np.roll(pts, shift, axis=0)), pts)


def test_size_angle_and_box_of_rotated_rectangle():
    rect = ((200.0, 100.0), (300.0, 40.0), -5.0)  # cv2 angle convention
    quad, short = min_area_quad(cv2.boxPoints(rect))
    w, h = quad_size(quad)
    assert (w, h) == pytest.approx((300.0, 40.0), abs=0.5)
    assert short == pytest.approx(40.0, abs=0.5)
    assert abs(quad_angle(quad)) == pytest.approx(5.0, abs=0.2)
    x0, y0, x1, y1 = quad_to_box(quad)
    assert x0 < 200 - 149 and x1 > 200 + 149 and y0 < 80 and y1 > 120


def test_crop_of_a_rotated_box_is_upright():
    img = np.full((300, 500), 255, np.uint8)
    cv2.rectangle(img, (100, 130), (400, 170), 0, -1)  # a black bar 300x40
    m = cv2.getRotationMatrix2D((250, 150), 8, 1.0)
    rotated = cv2.warpAffine(img, m, (500, 300), borderValue=255)
    quad = np.array([[100, 130], [400, 130], [400, 170], [100, 170]], np.float32)
    quad = order_quad(quad @ m[:, :2].T + m[:, 2])
    crop = crop_quad(rotated, quad)
    assert crop.shape == pytest.approx((40, 300), abs=1)
    assert crop[5:-5, 5:-5].mean() < 20  # all bar, no white corners


def test_axis_aligned_crop_is_a_slice():
    img = np.arange(100 * 100, dtype=np.uint32).reshape(100, 100).astype(np.uint8)
    quad = np.array([[10, 20], [60, 20], [60, 30], [10, 30]], np.float32)
    assert np.array_equal(crop_quad(img, quad), img[20:30, 10:60])


def test_expand_quad_grows_along_its_axes_and_clips():
    quad = np.array([[10, 20], [60, 20], [60, 30], [10, 30]], np.float32)
    grown = expand_quad(quad, 0.5, 0.1, (100, 100))
    assert quad_to_box(grown) == pytest.approx([5, 19, 65, 31])
    assert quad_to_box(expand_quad(quad, 5, 5, (40, 70)))[2] == 70


def test_interpolate_on_quad_gives_sub_box():
    quad = np.array([[0, 0], [100, 0], [100, 10], [0, 10]], np.float32)
    assert quad_to_box(interpolate_on_quad(quad, 0.25, 0.5)) == pytest.approx([25, 0, 50, 10])


@pytest.mark.parametrize("angle", [-5.0, 1.5, 30.0])
def test_quad_at_angle_encloses_the_quad_at_that_angle(angle):
    # A near-square box whose own rectangle came out at 45° (a short page number).
    square = np.array([[10, 0], [20, 10], [10, 20], [0, 10]], dtype=np.float32)
    q = quad_at_angle(square, angle)
    assert quad_angle(q) == pytest.approx(angle, abs=1e-3)
    w, h = quad_size(q)
    assert w > 0 and h > 0
    # Every corner of the original lies inside (or on) the new rectangle.
    poly = q.reshape(-1, 1, 2)
    assert all(cv2.pointPolygonTest(poly, (float(x), float(y)), True) >= -1e-3 for x, y in square)


def test_fill_quads_fills_where_two_quads_overlap():
    # cv2.fillPoly given both boxes at once leaves their overlap empty (even-odd); every pixel of either is inside.
    a = np.array([[2, 2], [12, 2], [12, 12], [2, 12]], np.float32)
    b = np.array([[6, 6], [16, 6], [16, 16], [6, 16]], np.float32)
    mask = fill_quads(np.zeros((20, 20), np.uint8), [a, b])
    assert mask[9, 9] == 1 and mask[4, 4] == 1 and mask[14, 14] == 1
    assert mask[1, 1] == 0 and mask[4, 14] == 0
    assert int(mask.sum()) == 11 * 11 * 2 - 7 * 7


def test_fill_quads_shifts_by_the_offset():
    a = np.array([[102, 52], [105, 52], [105, 55], [102, 55]], np.float32)
    mask = fill_quads(np.zeros((10, 10), np.uint8), [a], (100, 50))
    assert mask[2:6, 2:6].all() and int(mask.sum()) == 16


def _numpy_quad_size(quad):
    q = np.asarray(quad, dtype=np.float32)
    w = max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[3] - q[2]))
    h = max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2]))
    return float(w), float(h)


def _numpy_order_quad(points):
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    tl, bl = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    tr, br = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def test_plain_python_geometry_gives_numpys_values_to_the_bit():
    # quad_size, order_quad and quad_to_box work on Python floats (speed); every value must stay numpy's,
    # float32 roundings included: a last-bit change moves a crop's rounded width.
    rng = np.random.default_rng(13)
    for k in range(3000):
        quad = rng.random((4, 2)) * (3000, 40)[k % 2]
        if k % 3 == 1:
            quad = np.round(quad / 500) * rng.choice([-1.0, 1.0], size=quad.shape)  # ties and zeros of both signs
        elif k % 3 == 2:
            quad = cv2.boxPoints(((rng.random() * 2000, rng.random() * 2000),
                                  (rng.random() * 900, rng.random() * 40), rng.random() * 180 - 90))
        assert quad_size(quad) == _numpy_quad_size(quad)
        assert order_quad(quad).tobytes() == _numpy_order_quad(quad).tobytes()
        q = np.asarray(quad, dtype=np.float32)
        expected = [float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())]
        assert np.array(quad_to_box(quad)).tobytes() == np.array(expected).tobytes()  # -0.0 stays -0.0
