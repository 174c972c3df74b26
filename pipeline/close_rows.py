"""Whether a row of separate cells (``pipeline/layout.py``'s last cut, at the gaps between columns) is a
table's rows set close, to be read row by row, rather than cells each read whole, left to right.

Every line of each cell standing level with a line of the cells beside it is such a table (its rows
follow each other with no gap). So is a table whose inner columns have empty cells (a dash left out, a
figure only on the last row): its first and last columns are full, level line for line, and each line of
the columns between stands level with a line of both; the sparse column beside a full one is not level
line for line, which cells each read whole would take it for, reading the table column by column. A
cell at the row's edge that is not full (a name beside wrapped cells) keeps its cells read whole.
"""
from __future__ import annotations

import numpy as np

from pipeline.box_rows import level_both, level_pairs


def _level_with(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which lines of ``a`` stand level with a line of ``b``."""
    return level_pairs(a, b).any(axis=1)


def rows_set_close(cells: list[np.ndarray], boxes: np.ndarray, max_aligned: float) -> bool:
    """Whether the ``cells`` (indices into ``boxes``, left to right) are a table's rows set close."""
    if max(len(c) for c in cells) < 2:
        return False
    if all(level_both(boxes[c], boxes[d]) >= max_aligned for c, d in zip(cells, cells[1:])):
        return True
    first, last = boxes[cells[0]], boxes[cells[-1]]
    if len(cells) < 3 or min(len(first), len(last)) < 2 or level_both(first, last) < max_aligned:
        return False
    return all(_level_with(boxes[c], first).mean() >= max_aligned and _level_with(boxes[c], last).mean() >= max_aligned
               for c in cells[1:-1])
