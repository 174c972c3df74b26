"""A line region whose rectangle holds much background (a drop cap's foot joined to its
start, a fuzzy underside on a page turned back from a tilt) is kept when the region's
own outline is surely text (``DetectorSettings.outline_thresh``); leader dots and specks,
middling inside their outline too, still go.

The probability maps are drawn as the detector gives them for such a line: a page
rendered with a drop cap did not reproduce the loss (it needs the map's fringe to fall
just so), so the post-processing is given the map itself."""
import numpy as np

from pipeline.detect import DetectorSettings, boxes_from_probability

SHAPE = (480, 2560)  # the page, 4 × the map


def _line_with_a_cap_foot() -> np.ndarray:
    prob = np.zeros((120, 640), np.float32)
    prob[50:57, 60:600] = 0.95  # the line's shrunk core
    prob[57:59, 60:600] = 0.35  # its fuzzy underside
    prob[30:59, 44:60] = 0.9  # the drop cap's foot, joined to the line's start
    return prob


def test_a_line_with_a_drop_caps_foot_is_kept():
    lines = boxes_from_probability(_line_with_a_cap_foot(), SHAPE, DetectorSettings())
    assert len(lines) == 1
    quad = lines[0].quad
    # The whole line, start to end.
    assert quad[:, 0].min() <= 60 * 4 and quad[:, 0].max() >= 600 * 4


def test_specks_middling_inside_their_outline_still_go():
    prob = np.zeros((120, 640), np.float32)
    for x in range(100, 400, 20):
        # Unsure, ragged specks (leader dots, noise): below box_thresh in their rectangle, middling in their outline.
        prob[60:63, x : x + 9] = 0.6
        prob[57:66, x + 3 : x + 6] = 0.6
    assert boxes_from_probability(prob, SHAPE, DetectorSettings()) == []
    # Scored by the outline alone at box_thresh, they would pass.
    assert len(boxes_from_probability(prob, SHAPE, DetectorSettings(outline_thresh=0.5))) == 15
