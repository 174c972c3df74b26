"""Preprocessing: skew measured on a rotated render, orientation, contrast."""
import math

import numpy as np
import pytest

from models import registry
from pipeline import preprocess
from pipeline.detect import TextDetector
from pipeline.onnx_session import OnnxSession
from tests.factories import EN_TEXT, degrade, render_table_image, render_text_image, turn_page


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


def test_levelling_keeps_ink_that_reaches_the_corners():
    img = np.full((300, 500), 255, np.uint8)
    corners = [(5, 5), (490, 5), (490, 290), (5, 290)]
    for x, y in corners:
        img[y : y + 6, x : x + 6] = 0
    out, m = preprocess.rotate(img, 10)
    assert out.shape[0] > img.shape[0] and out.shape[1] > img.shape[1]  # grown only because ink is there
    for x, y in corners:
        cx, cy = preprocess.transform(np.array([[x + 3, y + 3]]), m)[0]
        assert 0 <= cx < out.shape[1] and 0 <= cy < out.shape[0]
        assert out[int(round(cy)), int(round(cx))] < 128


def test_levelling_keeps_the_page_size_when_ink_fits():
    page = render_text_image(EN_TEXT[:6])
    tilted = turn_page(page, 0, 5.0)
    level, m = preprocess.rotate(tilted, -5.0)
    assert level.shape == tilted.shape
    # The matrix still maps the tilted page's pixels onto the levelled image.
    ys, xs = np.nonzero(tilted < 100)
    pts = preprocess.transform(np.stack([xs, ys], axis=1)[::500], m)
    assert (level[pts[:, 1].round().astype(int), pts[:, 0].round().astype(int)] < 200).mean() > 0.8


def test_clahe_only_for_low_contrast_pages():
    page = render_text_image(EN_TEXT[:3])
    same, applied = preprocess.enhance_contrast(page)
    assert not applied and same is page
    faded = (page.astype(np.float32) * 0.25 + 150).astype(np.uint8)  # grey text on grey paper
    out, applied = preprocess.enhance_contrast(faded)
    assert applied and np.percentile(out, 99) - np.percentile(out, 1) > 150


@pytest.mark.parametrize("angle", [-5.0, -2.3, 1.2, 3.0])
@pytest.mark.parametrize("kind", ["contents", "paragraphs"])
def test_skew_refined_on_the_ink_rows(angle, kind):
    # Short pieces far apart (a table of contents) leave the box angles a few tenths off.
    contents = [[f"{i}.{j} Section title number {i * 7 + j}", str(10 + i * 3 + j)] for i in range(1, 4) for j in range(4)]
    page = (render_table_image(contents, grid=False, size_px=26) if kind == "contents"
            else render_text_image(EN_TEXT[:10], size_px=26))
    tilted = degrade(turn_page(page, 0, angle), blur=0.7, noise=6, jpeg_quality=75)
    for off in (-0.4, 0.4):
        assert preprocess.refine_skew(tilted, angle + off) == pytest.approx(angle, abs=0.08)


def test_refining_a_blank_page_keeps_the_estimate():
    assert preprocess.refine_skew(np.full((400, 300), 250, np.uint8), 2.5) == 2.5


def test_row_sharpness_counts_every_ink_pixel_as_the_plain_formula_does():
    # A scanned page tilted 2.3°: its ink rows, taken along each angle tried, scored pixel by pixel.
    page = degrade(turn_page(render_text_image(EN_TEXT[:6], size_px=26), 0, 2.3), blur=0.7, noise=6, jpeg_quality=75)
    below = float(np.median(page[:: preprocess.INK_STEP, :: preprocess.INK_STEP])) - preprocess.INK_BELOW_PAPER
    ys, xs = np.nonzero(page < below)
    xs, ys = xs.astype(np.float64) - page.shape[1] / 2, ys.astype(np.float64)
    ink_xs, ink_ys = preprocess._ink_columns_rows(page, below)
    assert np.array_equal(ink_xs - page.shape[1] / 2, xs) and np.array_equal(ink_ys, ys)
    sharpness = preprocess._RowSharpness(xs, ys)
    for angle in 2.3 + np.arange(-0.6, 0.65, 0.1):
        a = math.radians(angle)
        counts = np.bincount((rows := np.round(ys * math.cos(a) + xs * math.sin(a)).astype(np.int64)) - rows.min())
        assert sharpness(angle) == sharpness(float(angle)) == float(np.dot(counts, counts))
