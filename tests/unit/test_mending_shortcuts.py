"""The mending steps' short ways (pipeline/line_mending.py) give what the long ways give: a line's Chinese
found by one search, the bracket fits' closed form choosing the point least squares then measures, the
lexicon's steps taken from the columns it uses (the rule search's short way is tested in test_line_ink.py)."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.lexicon_words import _COLUMNS, _Steps
from pipeline.math_angles import _POINTS, _least_residual, _residual
from pipeline.punctuation import has_cjk, has_ideograph, is_cjk, is_ideograph

# Characters either side of each range's ends, and plain ones.
_EDGES = "a Z1,.\u2e7f\u2e80\u33ff\u3400\u4dbf\u4dc0\u4dff\u4e00\u9fff\ua000\uf8ff\uf900\ufaff\ufb00\ufeff\uff00\uffef\ufff0" \
         "\u2fff\u3000\u303f\u3040中文，。《》〈⟨"


@pytest.mark.parametrize("seed", range(3))
def test_one_search_finds_what_a_call_a_character_finds(seed):
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        text = "".join(rng.choice(list(_EDGES), size=int(rng.integers(0, 5))))
        assert has_ideograph(text) == any(is_ideograph(ch) for ch in text), repr(text)
        assert has_cjk(text) == any(is_cjk(ch) for ch in text), repr(text)


def _edges(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """A bracket's outer edge as columns per row: a V, an arc, noise, and edges as straight as a bar (every
    point fits alike: the ties that least squares itself must settle)."""
    y = np.linspace(-1.0, 1.0, n)
    return [np.round(6 * np.abs(y - rng.uniform(-0.3, 0.3)) + rng.normal(0, 0.4, n)),
            np.round(8 * (y - rng.uniform(-0.3, 0.3)) ** 2 + rng.normal(0, 0.4, n)),
            rng.integers(0, 12, n).astype(np.float64),
            np.full(n, float(rng.integers(0, 6))),
            np.r_[np.zeros(n // 2), np.ones(n - n // 2)]]


@pytest.mark.parametrize("seed", range(3))
def test_the_bracket_fit_at_its_best_point_is_least_squares_own(seed):
    rng = np.random.default_rng(seed)
    for n in range(8, 48, 5):
        y = np.linspace(-1.0, 1.0, n)
        for edge in _edges(rng, n):
            for shapes in (np.abs(y - _POINTS[:, None]), (y - _POINTS[:, None]) ** 2):
                assert _least_residual(shapes, edge) == min(_residual(s, edge) for s in shapes)


def test_the_lexicon_takes_each_letter_in_both_cases_and_the_blank_with_the_space():
    rng = np.random.default_rng(0)
    index = {ch: 1 + k for k, ch in enumerate("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY01")}  # no Z, no 8
    classes = len(index) + 40
    probs = rng.dirichlet(np.full(classes, 0.2), size=30).astype(np.float32)
    steps = _Steps(probs, index, classes - 1)
    wide = probs.astype(np.float64)
    for k, ch in enumerate(_COLUMNS):
        want = sum((wide[:, index[c]] for c in {ch, ch.upper()} if c in index), np.zeros(len(probs)))
        assert np.array_equal(steps.letters[:, k], want), ch
    assert np.array_equal(steps.blank, wide[:, 0] + wide[:, classes - 1])
