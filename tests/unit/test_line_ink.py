"""A line's ink, made binary and measured once for all the mending steps."""
import cv2
import numpy as np
import pytest

from pipeline.line_ink import LineInk, _without_rules
from tests.line_crops import render_line_crop


def _rules_gone_row_by_row(ink: np.ndarray, longest: int) -> np.ndarray:
    """What ``_without_rules`` must give, the slow way: each run of ink in the OR of two rows that is
    ``longest`` or longer is cleared from both rows."""
    out = ink.copy()
    for r in range(ink.shape[0]):
        pair = ink[r] | (ink[r + 1] if r + 1 < ink.shape[0] else 0)
        start = None
        for x, v in enumerate([*pair, 0]):
            if v and start is None:
                start = x
            elif not v and start is not None:
                if x - start >= longest:
                    out[r : r + 2, start:x] = 0
                start = None
    return out


@pytest.mark.parametrize("seed", range(6))
def test_rules_are_the_long_runs_over_two_rows(seed):
    rng = np.random.default_rng(seed)
    for _ in range(150):
        h, w = int(rng.integers(1, 10)), int(rng.integers(1, 60))
        ink = (rng.random((h, w)) < rng.random()).astype(np.uint8)
        longest = int(rng.integers(1, 25))
        assert np.array_equal(_without_rules(ink, longest), _rules_gone_row_by_row(ink, longest))


def test_a_rule_under_a_line_does_not_close_its_word_gaps():
    crop = render_line_crop("a row of wee words", "serif", 30)  # no descenders: the rule is all below
    plain = LineInk(crop).columns
    base = int(np.flatnonzero(LineInk(crop).ink.any(axis=1))[-1])
    ruled = crop.copy()
    ruled[base + 2 : base + 4, :] = 0  # a table's rule set close under the text
    columns, height = LineInk(ruled).columns
    assert (height, columns.tolist()) == (plain[1], plain[0].tolist())
    assert (~columns).sum() > 0.1 * len(columns)


def test_the_ink_is_measured_once_and_is_otsus():
    crop = render_line_crop("Ink (once)", "serif", 30)
    ink = LineInk(crop)
    assert np.array_equal(ink.ink, cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1])
    assert ink.pieces is ink.pieces
    count, labels, _, _ = ink.pieces
    assert count - 1 >= len("Ink(once)")  # the letters stand apart
    assert labels.shape == crop.shape[:2]


@pytest.mark.parametrize("longest", [3, 8, 9, 24, 25])
def test_a_rule_just_long_enough_is_found_wherever_it_starts(longest):
    # Runs of exactly the length that makes a rule, and one pixel shorter, at every offset against the blocks
    # the short way counts columns in, over glyph-like ink with gaps.
    width = 3 * longest + 5
    rng = np.random.default_rng(longest)
    for length in (longest - 1, longest):
        for start in range(0, width - length + 1):
            ink = (rng.random((6, width)) < 0.3).astype(np.uint8)
            ink[:, ::4] = 0  # gaps between glyphs: no run but the one drawn
            ink[3, start : start + length] = 1
            assert np.array_equal(_without_rules(ink, longest), _rules_gone_row_by_row(ink, longest))
