"""Tables drawn with ruling lines: lines → connected frames → grid → cells.

Input is the same for both kinds of page: horizontal and vertical line
segments in page pixels (from a PDF's vector drawing, or found in a scan's
image) and the words. Written here rather than taken from PyMuPDF's table
finder because scans need the same grid recovery from lines found in
pixels, and a table whose body rows have no rules between them (only
column rules) needs its rows from the text.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.tables.model import Table, Token
from pipeline.tables.structure import build_table, locate
from pipeline.tables.words import line_height, text_lines


@dataclass
class Segment:
    """An axis-parallel rule: from ``lo`` to ``hi`` along its direction, at ``pos`` across it. ``joints``: where
    the pieces it was merged from meet end to end (a browser draws a row's border cell by cell)."""

    lo: float
    hi: float
    pos: float
    joints: tuple[float, ...] = ()


def merge_segments(segs: list[Segment], tol: float) -> list[Segment]:
    """Collinear pieces (a dashed rule, a rule drawn cell by cell) joined into one segment."""
    out: list[Segment] = []
    rows: list[list[Segment]] = []
    for s in sorted(segs, key=lambda s: s.pos):
        if rows and s.pos - rows[-1][-1].pos <= tol:
            rows[-1].append(s)
        else:
            rows.append([s])
    for group in rows:
        pos = sum(s.pos for s in group) / len(group)
        cur: Segment | None = None
        for s in sorted(group, key=lambda s: s.lo):
            if cur is not None and s.lo <= cur.hi + tol:
                if s.lo >= cur.hi - tol and s.hi > cur.hi + tol:
                    cur.joints += ((cur.hi + s.lo) / 2,)
                cur.hi = max(cur.hi, s.hi)
            else:
                if cur is not None:
                    out.append(cur)
                cur = Segment(s.lo, s.hi, pos)
        if cur is not None:
            out.append(cur)
    return out


def _frames(h: list[Segment], v: list[Segment], tol: float) -> list[tuple[list[Segment], list[Segment]]]:
    """Groups of rules that touch each other: one group per drawn table."""
    parent = list(range(len(h) + len(v)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(h):
        for j, b in enumerate(v):
            if a.lo - tol <= b.pos <= a.hi + tol and b.lo - tol <= a.pos <= b.hi + tol:
                parent[find(i)] = find(len(h) + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, a in enumerate(h):
        groups.setdefault(find(i), ([], []))[0].append(a)
    for j, b in enumerate(v):
        groups.setdefault(find(len(h) + j), ([], []))[1].append(b)
    # Rules between rows and one between two columns make a table (no frame around it needed);
    # a lone rule of each kind does when they cross (a two-by-two table ruled like a plus sign).
    return [g for g in groups.values() if g[0] and g[1] and (len(g[0]) + len(g[1]) >= 3 or _cross(g[0][0], g[1][0], tol))]


def _cross(h: Segment, v: Segment, tol: float) -> bool:
    return h.lo + tol < v.pos < h.hi - tol and v.lo + tol < h.pos < v.hi - tol


def _with_pieces(frame: list[Segment], segs: list[Segment], tol: float, reach: float,
                 span: tuple[float, float] | None = None) -> list[Segment]:
    """The frame's rules and the pieces that continue them: collinear, at most ``reach`` beyond, and
    within ``span`` when given. A rule broken by a faded or noisy stretch of a scan, or drawn in
    pieces, keeps the pieces that touch no crossing rule."""
    out = list(frame)
    rest = [s for s in segs if s not in frame and (span is None or span[0] - tol <= s.lo and s.hi <= span[1] + tol)]
    grew = True
    while grew and rest:
        grew = False
        for s in list(rest):
            if any(abs(s.pos - f.pos) <= tol and s.lo <= f.hi + reach and s.hi >= f.lo - reach for f in out):
                out.append(s)
                rest.remove(s)
                grew = True
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for x in sorted(values):
        if out and x - out[-1][-1] <= tol:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(g) / len(g) for g in out]


def _coverage(segs: list[Segment], pos: float, lo: float, hi: float, tol: float) -> float:
    """Share of [lo, hi] drawn by the rules at ``pos``."""
    if hi <= lo:
        return 1.0
    got = sum(max(0.0, min(hi, s.hi + tol) - max(lo, s.lo - tol)) for s in segs if abs(s.pos - pos) <= tol)
    return min(1.0, got / (hi - lo))


def _text_rows(tokens: list[Token], xs: list[float], ys: list[float]) -> list[tuple[int, float]]:
    """Row boundaries the rules leave out: (band, y) before each text line that fills ≥ 2 columns.

    Only used when most such lines share a band with another one (column
    rules but no rules between body rows); a ruled table whose cells wrap
    keeps its drawn rows.
    """
    if not tokens:
        return []
    by_band: dict[int, list[Token]] = {}
    for (r, _), toks in locate(tokens, xs, ys).items():
        by_band.setdefault(r, []).extend(toks)
    cuts: list[tuple[int, float]] = []
    crowded = total = 0
    for r, toks in by_band.items():
        starts, centres = [], []
        for line in text_lines(toks):
            cols = {c for (_, c) in locate(line, xs, ys)}
            if len(cols) >= 2:
                starts.append(min(t.box[1] for t in line))
                centres.append((min(t.cy for t in line), max(t.cy for t in line)))
        total += len(starts)
        if len(starts) >= 2:
            crowded += len(starts)
            gap = line_height(toks) * 0.3
            cuts.extend((r, _cut(y - gap, above[1], below[0]))
                        for y, above, below in zip(starts[1:], centres, centres[1:]))
    return cuts if total and crowded > total / 2 else []


def _cut(y: float, above: float, below: float) -> float:
    """A row boundary at ``y``, moved between the rows' words where it is not: words go to the row holding
    their centre, and in rows set as close as text lines the next row's tallest box (a figure's, padded)
    starts so high that ``y`` falls among the centres of the row above, or above them. ``above``: the
    lowest centre of the row above; ``below``: the highest of the next."""
    if above < y < below or above >= below:
        return y
    return (above + below) / 2


def _enclosed_empty(xs: list[float], ys: list[float], words: list[Token], split_right: Callable[[int, int], bool],
                    split_below: Callable[[int, int], bool]) -> list[tuple[float, float, float, float]]:
    """The boxes of the grid positions ruled on all four sides (a cell of one position) that no word reaches into."""
    out = []
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            if not ((c == 0 or split_right(r, c - 1)) and (c == len(xs) - 2 or split_right(r, c))
                    and (r == 0 or split_below(r - 1, c)) and (r == len(ys) - 2 or split_below(r, c))):
                continue
            box = (xs[c], ys[r], xs[c + 1], ys[r + 1])
            if not any(t.box[0] < box[2] and box[0] < t.box[2] and t.box[1] < box[3] and box[1] < t.box[3] for t in words):
                out.append(box)
    return out


def ruled_tables(h: list[Segment], v: list[Segment], tokens: list[Token], tol: float,
                 read_empty: Callable[[list[tuple[float, float, float, float]]], list[Token]] | None = None
                 ) -> list[tuple[Table, set[int]]]:
    """Tables framed by rules (``h`` and ``v`` merged: ``merge_segments``), each with the indices of the tokens it
    holds. With ``read_empty`` (scans), the ink of a cell that holds no word is read (``pipeline/tables/empty_cells.py``)."""
    out = []
    for fh, fv in _frames(h, v, tol):
        # Rows' rules may run on past a gap (an inch at most: tables side by side are rare); a column
        # rule only within the rows' span, as the next table down often has its columns in line.
        fh = _with_pieces(fh, h, tol, 36 * tol)
        fv = _with_pieces(fv, v, tol, 0.0, (min(s.pos for s in fh), max(s.pos for s in fh)))
        xs = _cluster([s.pos for s in fv] + [min(s.lo for s in fh), max(s.hi for s in fh)], tol)
        ys = _cluster([s.pos for s in fh] + [min(s.lo for s in fv), max(s.hi for s in fv)], tol)
        if len(xs) < 2 or len(ys) < 2:
            continue
        inside = [i for i, t in enumerate(tokens) if xs[0] - tol <= t.cx <= xs[-1] + tol and ys[0] - tol <= t.cy <= ys[-1] + tol]
        words = [tokens[i] for i in inside]
        virtual = _text_rows(words, xs, ys)
        for _, y in virtual:
            fh.append(Segment(xs[0], xs[-1], y))
        ys = _cluster(ys + [y for _, y in virtual], tol)

        def split_right(r: int, c: int) -> bool:
            return _coverage(fv, xs[c + 1], ys[r], ys[r + 1], tol) >= 0.5

        def split_below(r: int, c: int) -> bool:
            return _coverage(fh, ys[r + 1], xs[c], xs[c + 1], tol) >= 0.5

        if read_empty is not None:
            words += read_empty(_enclosed_empty(xs, ys, words, split_right, split_below))
        table = build_table(xs, ys, words, split_right, split_below)
        if table is None or len(table.cells) < 2:
            continue  # a box drawn around text: the aligned path may still find a table in it
        out.append((table, set(inside)))
    return out
