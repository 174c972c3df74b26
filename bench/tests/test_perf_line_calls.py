"""The margin measure of bench.perf_line_calls on a rendered line with known paper at its sides."""
import numpy as np
import pytest

from bench.perf_line_calls import blank_margins, trimmed
from tests.line_crops import render_line_crop


@pytest.mark.parametrize("extra", [0, 20, 57])
@pytest.mark.parametrize("scan", [False, True])
def test_margins_are_the_paper_beside_the_ink(extra, scan):
    line = render_line_crop("Hello, margins.", "sans", 30)
    line = np.pad(line, ((0, 0), (extra, 2 * extra)), constant_values=255)
    if scan:
        line = np.clip(line.astype(int) + np.random.default_rng(1).integers(-8, 9, line.shape), 0, 255).astype(np.uint8)
    ink = np.flatnonzero((line < 128).any(axis=0))
    left, right = blank_margins(line)
    assert abs(left - ink[0]) <= 2 and abs(right - (line.shape[1] - 1 - ink[-1])) <= 2


def test_trimming_keeps_the_ink_and_a_pad_of_the_height():
    line = np.pad(render_line_crop("Hello, margins.", "sans", 30), ((0, 0), (80, 80)), constant_values=255)
    left, right = blank_margins(line)
    cut = trimmed(line, 0.3)
    pad = round(0.3 * line.shape[0])
    assert (cut < 128).sum() == (line < 128).sum()
    assert blank_margins(cut) == (pad, pad)
    assert cut.shape[1] == line.shape[1] - (left - pad) - (right - pad)


def test_a_blank_crop_has_no_margins():
    assert blank_margins(np.full((40, 300), 250, np.uint8)) is None
