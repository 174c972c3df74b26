"""Where a page's errors are: a character alignment of reference and hypothesis.

The CER itself comes from ``tests.factories.cer`` (one implementation for the
project); this module only explains it, attributing each edit to a reference
line and counting confusions. The alignment needs the whole Levenshtein
matrix; it is filled row by row with NumPy (a few hundred ms for a full page)
instead of a pure-Python double loop that would take seconds.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from tests.factories import normalize_whitespace


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _rows(a: str, b: str):
    """Yield the rows of the Levenshtein matrix of ``a`` (rows) against ``b`` (columns)."""
    bc = _codes(b)
    cols = np.arange(len(b) + 1, dtype=np.int32)
    prev = cols.copy()
    yield prev
    for i, ch in enumerate(_codes(a), 1):
        cur = np.empty_like(prev)
        cur[0] = i
        # substitution/match from the diagonal, deletion from above
        np.minimum(prev[:-1] + (bc != ch), prev[1:] + 1, out=cur[1:])
        # insertion from the left: cur[j] = min_k≤j (cur[k] + j - k), a running minimum
        cur = np.minimum.accumulate(cur - cols) + cols
        yield cur
        prev = cur


@dataclass
class LineErrors:
    reference: str
    hypothesis: str  # the hypothesis characters aligned to this reference line
    errors: int

    @property
    def cer(self) -> float:
        return self.errors / max(1, len(self.reference.replace(" ", "")))


def align(reference: str, hypothesis: str) -> list[tuple[str, str]]:
    """A minimal edit script as (ref_char, hyp_char) pairs; '' marks an insertion
    or deletion. Keeps the full matrix: fine for one page (≈ 40 MB for 3,000²).

    The matrix is built on the reversed strings so the walk back through it runs
    from the start of the page: among equally short scripts, matches are taken
    as early as possible (a dropped last line shows as deleted at the end).
    """
    ref, hyp = reference[::-1], hypothesis[::-1]
    matrix = np.stack(list(_rows(ref, hyp)))
    i, j = len(ref), len(hyp)
    pairs: list[tuple[str, str]] = []
    while i > 0 or j > 0:
        here = matrix[i, j]
        if i > 0 and j > 0 and matrix[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]) == here:
            pairs.append((ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and matrix[i - 1, j] + 1 == here:
            pairs.append((ref[i - 1], ""))
            i -= 1
        else:
            pairs.append(("", hyp[j - 1]))
            j -= 1
    return pairs


def line_errors(reference_lines: list[str], hypothesis: str) -> tuple[list[LineErrors], Counter]:
    """Attribute the page's edit operations to reference lines (whitespace-collapsed,
    so spacing mistakes count too) and count confusions ``(ref, hyp)``.

    Insertions go to the line of the reference character before them.
    """
    lines = [normalize_whitespace(l) for l in reference_lines]
    lines = [l for l in lines if l]
    reference = " ".join(lines)
    # the space joining two lines belongs to the second: a dropped line costs its own line only
    owner = np.repeat(np.arange(len(lines)), [len(l) + (i > 0) for i, l in enumerate(lines)])
    hyp_parts: list[list[str]] = [[] for _ in lines]
    errors = [0] * len(lines)
    confusions: Counter = Counter()
    ref_pos = 0
    for r, h in align(reference, normalize_whitespace(hypothesis)):
        line = int(owner[min(max(ref_pos - (r == ""), 0), len(owner) - 1)]) if lines else 0
        if r != h:
            errors[line] += 1
            confusions[(r, h)] += 1
        if h:
            hyp_parts[line].append(h)
        if r:
            ref_pos += 1
    result = [LineErrors(l, "".join(p).strip(), e) for l, p, e in zip(lines, hyp_parts, errors)]
    return result, confusions
