"""The median, mean and percentile of a handful of values, as ``np.median``, ``np.mean`` and ``np.percentile``
give them, for many small measures.

The reading order, the gutters and the crops take medians of a few box heights or steps at a time,
hundreds of times a page; ``np.median``'s general machinery (axes, partitions, NaN checks through its
mean) costs many times the sort of a few values. This gives the same value and type: the middle
value, or the mean of the two middle ones; NaN when there is none or any value is NaN. The glyph checks
take percentiles of small crops as often, and get np.percentile's value from two order statistics.
"""
from __future__ import annotations

import numpy as np


def median(values) -> np.floating:
    a = np.asarray(values)
    if a.dtype.kind != "f":
        a = a.astype(np.float64)  # as np.median averages integers: in float64
    a = np.sort(a, axis=None)
    n = a.size
    if n == 0 or np.isnan(a[-1]):  # NaNs sort last
        return np.float64(np.nan) if n == 0 else a[-1]
    m = n // 2
    return a[m] if n % 2 else (a[m - 1] + a[m]) / 2


def mean(values: list[float]) -> float:
    """``np.mean``'s value (its pairwise sum over the count) without its dispatch: every word's confidence."""
    return float(np.add.reduce(np.array(values, dtype=np.float64)) / len(values))


def percentile(values: np.ndarray, q: float) -> float:
    """``float(np.percentile(values, q))`` (its default, linear method) from the two order statistics it lies
    between, picked by ``np.partition``: the same value, bit for bit, without np.percentile's overhead, which
    outweighed the small arrays' own work. Float or integer ``values`` (a crop's grey levels); ``q`` a Python number, as np.percentile's result
    type then follows the values' (float32 stays float32)."""
    flat = values.ravel()
    n = flat.size
    at = (n - 1) * (q / 100)
    lo = int(np.floor(at))
    if lo >= n - 1:
        return float(flat.max())
    part = np.partition(flat, (lo, lo + 1))
    return float(_lerp(part[lo], part[lo + 1], at - lo))


def row_percentiles(values: np.ndarray, q: float) -> np.ndarray:
    """``np.percentile(values, q, axis=1)`` of a 2-D float array, as ``percentile`` for each row: the same values, bit
    for bit, from one ``np.partition`` of the rows."""
    n = values.shape[1]
    at = (n - 1) * (q / 100)
    lo = int(np.floor(at))
    if lo >= n - 1:
        return values.max(axis=1)
    part = np.partition(values, (lo, lo + 1), axis=1)
    return _lerp(part[:, lo], part[:, lo + 1], at - lo)


def _lerp(below, above, t: float):
    """np.percentile's interpolation (numpy's _lerp): from the nearer end, so t = 1 gives ``above`` exactly."""
    diff = above - below
    return above - diff * (1 - t) if t >= 0.5 else below + diff * t
