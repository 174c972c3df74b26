"""The detector's work around the network gives what the plain formulas give: the normalised input, the ink's
pieces, a box's mean probability where the box reaches past the map's edges.

Pages are rendered here from known text and made to look scanned (blur, noise, JPEG), so the ink holds
specks and broken strokes as a real scan's does.
"""
import cv2
import numpy as np
import pytest

from models import registry
from pipeline.detect import TextDetector, box_score, ink_mask, mark_height
from pipeline.ink_pieces import ink_pieces
from pipeline.onnx_session import OnnxSession
from tests.factories import EN_TEXT, degrade, render_text_image


class _Inputs:
    """The real detector session, recording each input it is given (it still runs)."""

    def __init__(self, session):
        self.session, self.seen = session, []

    def run(self, x):
        self.seen.append(x.copy())
        return self.session.run(x)


@pytest.fixture(scope="module")
def scan():
    return degrade(render_text_image(EN_TEXT[:10], size_px=24), angle=0.7, blur=0.8, noise=8, jpeg_quality=70)


@pytest.fixture(scope="module")
def detector():
    return TextDetector(OnnxSession(registry.resolve("ppocrv6_tiny_det"), threads=1))


def test_the_network_input_is_the_page_less_the_mean_over_the_deviation(detector, scan):
    detector.session, real = _Inputs(detector.session), detector.session
    try:
        lines = detector(scan)
        seen = detector.session.seen
    finally:
        detector.session = real
    assert lines and seen
    resized = detector.network_input(scan)
    # The formula on a (h, w, 3) float copy of the page, BGR, in float32 as the model was trained.
    bgr = np.repeat(resized.astype(np.float32)[..., None], 3, axis=2)
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255.0
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255.0
    expected = ((bgr - mean) / std).transpose(2, 0, 1)[None]
    assert seen[0].dtype == np.float32 and seen[0].shape == expected.shape
    assert np.array_equal(seen[0], expected)


def test_ink_pieces_are_opencvs_default_labelling(detector, scan):
    ink = ink_mask(detector.network_input(scan), detector.settings).view(np.uint8)
    ours = ink_pieces(ink)
    default = cv2.connectedComponentsWithStats(ink, connectivity=8)
    assert ours[0] == default[0] > 100  # words' glyphs and the scan's specks
    for a, b in zip(ours[1:], default[1:]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert 5 < mark_height(ink.view(bool)) < 30


def test_a_box_reaching_past_the_map_is_scored_on_its_part_inside(detector, scan):
    prob = detector.probability_map(scan)
    h, w = prob.shape
    for quad in ([[-3.4, 10.2], [40.6, 10.2], [40.6, 30.7], [-3.4, 30.7]],
                 [[w - 20.5, h - 9.5], [w + 4.2, h - 9.5], [w + 4.2, h + 3.0], [w - 20.5, h + 3.0]],
                 [[100.5, 50.5], [300.2, 42.1], [301.9, 62.8], [102.2, 71.2]]):
        q = np.array(quad, dtype=np.float32)
        inside = np.zeros((h + 40, w + 40), dtype=np.uint8)  # room for the parts outside, shifted by 20
        cv2.fillPoly(inside, [(q + 20).round().astype(np.int32)], 1)
        inside = inside[20 : 20 + h, 20 : 20 + w].astype(bool)
        assert box_score(prob, q) == pytest.approx(float(prob[inside].mean()), abs=1e-6)
