"""One page's tables from its rules and words, whatever kind of page they came from."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.tables.aligned import aligned_tables
from pipeline.tables.model import Table, Token
from pipeline.tables.row_rules import row_ruled_tables
from pipeline.tables.ruled import Segment, merge_segments, ruled_tables


def tables_from(tokens: list[Token], h: list[Segment], v: list[Segment], dpi: int,
                read_empty: Callable[[list[tuple[float, float, float, float]]], list[Token]] | None = None,
                rule_slack: float = 0.0,
                level: Callable[..., np.ndarray | None] | None = None, sides: Callable[..., list[Segment]] | None = None) -> list[Table]:
    """Ruled tables first, then those ruled between rows only; the words they do not hold
    may still line up into tables of their own (``level``, a scan's levelled page, to measure their gaps on the
    ink). ``rule_slack``: how much farther apart than two points the ends of one table's row rules may be (a
    scan's faint rules are found to a few pixels). On a scan a stack of rules cuts a table only where its rows
    look whole (``row_rules._rows_left_out``): a tilted page's thin rules come in pieces of unequal length,
    and a stack of some of them cut a table the aligned path reads whole. ``sides``: a scan's faint upright
    rules in a piece of the page (x0, y0, x1, y1), the sides of boxes drawn around tables ruled between rows."""
    tol = 2.0 * dpi / 72  # two points: rules drawn cell by cell rarely miss each other by more
    h, v = merge_segments(h, tol), merge_segments(v, tol)
    found = ruled_tables(h, v, tokens, tol, read_empty)
    found += row_ruled_tables(h, tokens, tol, _taken(found), rule_slack, level, sides)
    found += aligned_tables(tokens, _taken(found), level)
    return sorted((t for t, _ in found), key=lambda t: (t.box[1], t.box[0]))


def _taken(found: list[tuple[Table, set[int]]]) -> set[int]:
    """The indices of the tokens the tables found so far hold."""
    return set().union(*(ids for _, ids in found))
