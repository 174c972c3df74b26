"""Preprocessing: skew measured on a rotated render, orientation, contrast."""
import numpy as np
import pytest

from models import registry
from pipeline import preprocess
from pipeline.detect import TextDetector
from pipeline.onnx_session import OnnxSession
from tests.factories import EN_TEXT, degrade, render_text_image


@pytest.fixture(scope="module")
def detector():
    return TextDetector(OnnxSession(registry.resolve("ppocrv6_tiny_det"), threads=1))


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.0, 2.5])
def test_skew_estimated_on_rotated_render(detector, angle):
    page = degrade(render_text_image(EN_TEXT[:12]), angle=angle)
    quads = [d.quad for d in detector(page)]
    assert len(quads) >= 10
    assert preprocess.skew_angle(quads) == pytest.approx(angle, abs=0.4)


def test_rotating_back_by_the_estimate_makes_lines_level(detector):
    page = degrade(render_text_image(EN_TEXT[:10]), angle=3.0)
    skew = preprocess.skew_angle([d.quad for d in detector(page)])
    level, _ = preprocess.rotate(page, -skew)
    assert abs(preprocess.skew_angle([d.quad for d in detector(level)])) < 0.4


def test_sideways_page_is_detected(detector):
    page = render_text_image(EN_TEXT[:10])
    assert not preprocess.is_sideways([d.quad for d in detector(page)])
    turned = np.ascontiguousarray(np.rot90(page))
    assert preprocess.is_sideways([d.quad for d in detector(turned)])


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_quarter_turn_matrices_map_pixels(k):
    img = np.zeros((30, 50), np.uint8)
    img[5, 40] = 255
    out, m = preprocess.rotate(img, 90 * k)
    x, y = preprocess.transform(np.array([[40, 5]]), m)[0]
    assert out[int(round(y)), int(round(x))] == 255


def test_free_rotation_matrix_keeps_every_corner():
    img = np.zeros((100, 200), np.uint8)
    out, m = preprocess.rotate(img, 10)
    corners = preprocess.transform(np.array([[0, 0], [199, 0], [199, 99], [0, 99]]), m)
    assert corners.min() >= -1 and (corners[:, 0].max() <= out.shape[1] + 1) and corners[:, 1].max() <= out.shape[0] + 1


def test_clahe_only_for_low_contrast_pages():
    page = render_text_image(EN_TEXT[:3])
    same, applied = preprocess.enhance_contrast(page)
    assert not applied and same is page
    faded = (page.astype(np.float32) * 0.25 + 150).astype(np.uint8)  # grey text on grey paper
    out, applied = preprocess.enhance_contrast(faded)
    assert applied and np.percentile(out, 99) - np.percentile(out, 1) > 150
