"""Tables ruled between their rows only: a rule under each row, none between the columns.

A web page's table (LibreOffice's help, many HTML manuals printed to PDF) draws each row's bottom border and
nothing else: a stack of rules of one length, evenly set, a row of text between each two. The ruled path
needs a column rule to see a frame, and the aligned path reads no rules: it cut such tables where a row's
cell wrapped onto a second line or its rows were set far apart, and lost the header above the first rule.
Here the rules give the rows (with the header: the text just above the first rule, in the table's columns).
The columns are where a browser's rules meet: it draws each cell's border on its own, so a row's rule comes in
pieces joined at the column edges, which also gives the columns no word fills. Rules in one piece leave the
columns to the stripes that no word of any row covers. A stack of three rules in one piece (booktabs' top,
middle and bottom ones, with body rows between two of them) is left to the aligned path.
"""
from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable

import numpy as np

from pipeline.tables.cjk_gutters import cut_at
from pipeline.tables.ink_gaps import to_ink
from pipeline.tables.model import Table, Token
from pipeline.tables.ruled import Segment
from pipeline.tables.structure import build_table
from pipeline.tables.words import line_height, text_lines

MIN_RULES = 4
# A band with more text lines than this between two rules is no row (rules above and below a paragraph).
MAX_LINES = 4
# Two rules of a stack are at most this many times the stack's usual row pitch apart.
MAX_PITCH = 2.5
# Two lines between two rules whose middles lie more than this many line heights apart are not one row's
# (a cell's wrapped lines are set 1.0 to 1.5 apart, paragraphs 1.8 and more).
HEADING_PITCH = 1.7
# A column gutter is a stripe at least this many line heights wide that no word of any row covers (the rules
# give the rows, so a narrower stripe than the aligned path's will do).
MIN_GUTTER = 0.4


def row_ruled_tables(h: list[Segment], tokens: list[Token], tol: float, taken: set[int], slack: float = 0.0,
                     level: Callable[..., np.ndarray | None] | None = None, sides: Callable[..., list[Segment]] | None = None
                     ) -> list[tuple[Table, set[int]]]:
    """Tables from stacks of rules in ``h`` (merged), each with the indices of the ``tokens`` it holds
    (none of those in ``taken``, the tables found already). ``slack``: how much farther than ``tol`` the ends
    of one table's rules may lie apart (a scan's faint rules are found to a few pixels); ``level``: a scan's
    levelled page, to measure the words' gaps on their ink (an OCR box ends inside it, and a word space
    passed for a gutter); ``sides``: a scan's faint upright rules in a piece of the page (``_boxed``)."""
    out: list[tuple[Table, set[int]]] = []
    stacks = [(x0, x1, stack) for x0, x1, stack in _stacks(h, tol + slack) if len(stack) > 1]
    if stacks and level is not None:
        tokens = _to_ink(tokens, level)
    for x0, x1, stack in stacks:
        cover = _side_cover(x0, x1, stack[0].pos, stack[-1].pos, sides, tol + slack) if sides is not None else None
        boxed = _boxed(stack, cover) if cover is not None else None
        for rules in _row_runs(stack, tokens, x0, x1, tol, taken, boxed):
            # a box whose sides start at the run's first rule closes the table there: the text above is a heading
            lid = boxed is not None and _lid(rules, cover, _side_cover(
                x0, x1, 2 * rules[0].pos - rules[1].pos, rules[0].pos, sides, tol + slack))
            found = _table(x0, x1, rules, tokens, tol, taken, level, lid)
            if found is not None:
                out.append(found)
                taken = taken | found[1]
    return out


def _to_ink(tokens: list[Token], level: Callable[..., np.ndarray | None]) -> list[Token]:
    """The tokens in their order, their boxes carried out to the ink where it lies a word space apart."""
    lines = text_lines(tokens)
    moved = {id(a): b for line, wide in zip(lines, to_ink(lines, level)) for a, b in zip(line, wide)}
    return [moved.get(id(t), t) for t in tokens]


def _stacks(h: list[Segment], tol: float) -> list[tuple[float, float, list[Segment]]]:
    """Runs of rules of one extent (their ends within ``tol``), in order down the page, none farther from the
    next than MAX_PITCH times the run's usual pitch; with the run's usual ends."""
    # Each rule joins the group whose usual ends (medians) lie nearest its own, within ``tol``: a scan's faint
    # rules are found to a few pixels, and the first group near enough to its last rule's ends could be another
    # table's (a box's faint top edge found long, the next table's rule short, matched each other).
    groups: list[list[Segment]] = []
    ends: list[tuple[float, float]] = []
    for s in sorted(h, key=lambda s: s.pos):
        off = [max(abs(lo - s.lo), abs(hi - s.hi)) for lo, hi in ends]
        k = min(range(len(off)), key=off.__getitem__, default=None)
        if k is None or off[k] > tol:
            groups.append([s])
            ends.append((s.lo, s.hi))
            continue
        groups[k].append(s)
        ends[k] = (float(np.median([r.lo for r in groups[k]])), float(np.median([r.hi for r in groups[k]])))
    out = []
    for g in groups:
        run = [g[0]]
        for s in g[1:]:
            gaps = sorted(b.pos - a.pos for a, b in zip(run, run[1:]))
            usual = gaps[len(gaps) // 2] if gaps else s.pos - run[-1].pos
            if s.pos - run[-1].pos <= MAX_PITCH * usual:
                run.append(s)
                continue
            out.append(run)
            run = [s]
        out.append(run)
    return [(float(np.median([s.lo for s in run])), float(np.median([s.hi for s in run])), run) for run in out]


def _row_runs(stack: list[Segment], tokens: list[Token], x0: float, x1: float, tol: float, taken: set[int],
              boxed: list[bool] | None = None) -> list[list[Segment]]:
    """The stack cut wherever what lies between two rules is no row:
    - nothing (a box drawn around a note below the table has the table's width);
    - more than MAX_LINES lines (rules above and below a paragraph), unless they are one row's cells (``_one_row``);
    - lines set more than HEADING_PITCH line heights apart (a heading over the next table's header: browsers set
      small tables one under the other, their rules of one width);
      neither of these two inside a box drawn round the table (``boxed``): there every band is a row, and its
      columns' lines, set at their own heights, merge into lines spaced like a heading's;
    - outside the boxes drawn around the stack's tables (``boxed``: the heading between two boxes; not the
      first or last band, which part no two tables, where a side found short of the last row lost it).
    Kept: the runs of MIN_RULES rules, or of two when the rules are drawn cell by cell (their joints are the
    columns) or all their bands lie inside a box."""
    within = [t for i, t in enumerate(tokens) if i not in taken and x0 - tol <= t.cx <= x1 + tol]
    runs = [[stack[0]]]
    inside = [[]]  # per run, whether each of its bands lies inside a box
    last = len(stack) - 2
    for k, (a, b) in enumerate(zip(stack, stack[1:])):
        lines = text_lines([t for t in within if a.pos < t.cy < b.pos])
        parted = any(_middle(below) - _middle(above) > HEADING_PITCH * min(line_height(above), line_height(below))
                     for above, below in zip(lines, lines[1:]))
        outside = boxed is not None and not boxed[k]
        boxed_row = boxed is not None and boxed[k]
        many = len(lines) > MAX_LINES and not _one_row(lines, a, b, tol)
        if not lines or (many or parted) and not boxed_row or outside and 0 < k < last:
            runs.append([b])
            inside.append([])
        else:
            runs[-1].append(b)
            inside[-1].append(not outside and boxed is not None)
    return [run for run, ins in zip(runs, inside)
            if len(run) >= MIN_RULES or (len(run) >= 2 and (_joints(run, tol) or all(ins)))]


def _side_cover(x0: float, x1: float, lo: float, hi: float, found: Callable[..., list[Segment]], reach: float
                ) -> Callable[[float, float], float] | None:
    """How much of a stretch of the page's height the box sides at ``x0`` and ``x1`` run beside, looked for
    from ``lo`` to ``hi``: the least share of it covered by upright rules within ``reach`` of either end (a
    scan's faint sides are found in pieces); both sides, as a heading's opening bracket set at the boxes' left
    edge carries the left side on past them. None where no side is found."""
    sides = [s for x in (x0, x1) for s in found(x - 2 * reach, lo, x + 2 * reach, hi)]
    if not sides:
        return None

    def cover(lo: float, hi: float) -> float:
        def one(x: float) -> float:
            spans = sorted((max(lo, s.lo), min(hi, s.hi)) for s in sides if abs(s.pos - x) <= reach and s.lo < hi and s.hi > lo)
            return 1 - sum(b - a for a, b in _uncovered(lo, hi, spans)) / (hi - lo)
        return min(one(x0), one(x1))
    return cover


def _boxed(stack: list[Segment], cover: Callable[[float, float], float]) -> list[bool] | None:
    """Per band of the stack, whether it lies inside a box: the sides (``_side_cover``) run beside at least
    half of the band's middle half. None unless most bands lie inside: the stack is boxed. A heading set
    between two boxed tables lies outside both, where a row whose rules the scan lost would still lie inside
    its table's box."""
    inside = [cover(a.pos + (b.pos - a.pos) / 4, b.pos - (b.pos - a.pos) / 4) >= 0.5 for a, b in zip(stack, stack[1:])]
    if 2 * sum(inside) <= len(inside):
        return None
    return inside


def _lid(rules: list[Segment], cover: Callable[[float, float], float], above: Callable[[float, float], float] | None
         ) -> bool:
    """Whether the first of ``rules`` is the top of the box round them: the sides (``cover``) run beside the
    first band, and those looked for in the stretch as tall above the rule (``above``, where a header above
    the first rule would stand inside the box) do not."""
    a, b = rules[0].pos, rules[1].pos
    quarter = (b - a) / 4
    return cover(a + quarter, b - quarter) >= 0.5 and (above is None or above(a - (b - a) + quarter, a - quarter) < 0.5)


def _one_row(lines: list[list[Token]], a: Segment, b: Segment, tol: float) -> bool:
    """Whether the many ``lines`` between rules ``a`` and ``b`` drawn cell by cell are one row's wrapped cells:
    set in the cells' middles, the lines of one cell mostly fall between those of the next, so at most half
    of the lines hold words of two cells. More are rows the borders leave out (a table framed above and
    below only)."""
    joints = [x for x in a.joints if any(abs(x - y) <= tol for y in b.joints)]
    if not joints:
        return False
    return 2 * sum(_two_cells(line, joints) for line in lines) <= len(lines)


def _two_cells(line: list[Token], edges: list[float]) -> bool:
    """Whether the line's words lie on both sides of one of the column ``edges`` at least."""
    return len({bisect.bisect(edges, t.cx) for t in line}) > 1


def _middle(line: list[Token]) -> float:
    """The line's middle: that of most of its words (a bold or raised word's box reaches higher)."""
    return float(np.median([t.cy for t in line]))


def _joints(rules: list[Segment], tol: float) -> list[float]:
    """The x where the rules' pieces meet, that at least half of the rules share."""
    found = sorted((x, k) for k, s in enumerate(rules) for x in s.joints)
    groups: list[list[tuple[float, int]]] = []
    for x, k in found:
        if groups and x - groups[-1][-1][0] <= tol:
            groups[-1].append((x, k))
        else:
            groups.append([(x, k)])
    return [sum(x for x, _ in g) / len(g) for g in groups if 2 * len({k for _, k in g}) >= len(rules)]


def _table(x0: float, x1: float, rules: list[Segment], tokens: list[Token], tol: float, taken: set[int],
           level: Callable[..., np.ndarray | None] | None = None, lid: bool = False) -> tuple[Table, set[int]] | None:
    ys = [s.pos for s in rules]
    within = [i for i, t in enumerate(tokens) if i not in taken and x0 - tol <= t.cx <= x1 + tol]
    pitch = max(b - a for a, b in zip(ys, ys[1:]))
    # the header: text above the first rule, no farther up than the tallest row
    head = [i for i in within if ys[0] - pitch < tokens[i].cy < ys[0]]
    body = [i for i in within if ys[0] < tokens[i].cy < ys[-1]]
    if not body:
        return None
    gutter = MIN_GUTTER * line_height([tokens[i] for i in body])
    joints = _joints(rules, tol)
    if joints:
        def columns(words: list[Token]) -> list[float]:
            return [x0, *(x for x in joints if not any(_across(t, [x]) for t in words)), x1]
    else:
        def columns(words: list[Token]) -> list[float]:
            return _columns(words, x0, x1, gutter)
    words = [tokens[i] for i in body]
    if level is not None:
        words = _rows_cut(words, ys, columns, level)
        xs = _close_row(words, ys, columns(words), columns)
        # Where the first rule is the top of a box round the table (``lid``) and the text above it lies in the
        # first column alone, that text is a heading over the box, not the table's header.
        lid = lid and len(xs) >= 3 and all(tokens[i].box[2] <= xs[1] for i in head)
        if lid:
            head = []
        if lid and not joints and len(ys) > 3:
            # the first band is the box's header: its cells may be set closer than the body's gutters, which
            # give the columns, as a header's above the first rule does (``_with_header``)
            first, rest = _row_and_rest(words, ys, 0)
            edges = _close_row(rest, ys[1:], columns(rest), columns)
            if first and len(edges) >= 3:
                xs = _with_header(edges, _gutters(rest, edges), rest, first, columns)
    else:
        xs = columns(words)
    if len(xs) < 3:
        return None
    stripes = _gutters(words, xs)
    head, heading = _header(head, tokens, stripes, level)
    if head:
        xs = columns(heading + words) if joints else _with_header(xs, stripes, words, heading, columns)
        ys = [min(t.box[1] for t in heading) - tol, *ys]
        body, words = head + body, heading + words
    if level is not None and _rows_left_out(xs, ys, words):
        return None

    def split_right(r: int, c: int) -> bool:
        return not any(_across(t, xs[c + 1 : c + 2]) and ys[r] < t.cy < ys[r + 1] for t in words)

    table = build_table(xs, ys, words, split_right, lambda r, c: True)
    if table is None or table.cols < 2 or len(table.cells) < 4:
        return None
    return table, set(body)


def _rows_cut(words: list[Token], ys: list[float], columns: Callable[[list[Token]], list[float]],
              level: Callable[..., np.ndarray | None]) -> list[Token]:
    """The words with those of a row cut at the other rows' gutters where their ink parts: the first row's
    always (a box drawn round the header too puts it under the first rule, and its cells, set closer than the
    rows' gutters, came from the OCR as one word, as ``_header`` cuts a header above the rules); another
    row's where its words alone cover a gutter all the others leave (a cell's last character set close to
    the next cell's first: the OCR read both cells' lines as one word each)."""
    for k in range(len(ys) - 1):
        row, rest = _row_and_rest(words, ys, k)
        if not row or not rest:
            continue
        edges = columns(rest)
        if k > 0:
            whole = len(columns(words))
            if len(edges) <= whole:
                rest, edges = _without_crossing(ys, k, rest, edges, columns)
        if k == 0 or len(edges) > whole:
            stripes = _gutters(rest, edges)
            words = [p for t in words for p in (cut_at(t, level, stripes) if ys[k] <= t.cy < ys[k + 1] else [t])]
    return words


def _without_crossing(ys: list[float], k: int, rest: list[Token], edges: list[float],
                      columns: Callable[[list[Token]], list[float]]) -> tuple[list[Token], list[float]]:
    """``rest`` (the words outside row ``k``) and its column ``edges``; or, where leaving out the rows across
    a stripe fewer than half the rows cover adds edges, the words and edges without those rows. Rows read
    across the same gutter (a spreadsheet's grey row number and the first cell's value, `6 0` and `8 5` read
    `60` and `85`) hide it from each other."""
    bands = [b for j in range(len(ys) - 1) if j != k and (b := [t for t in rest if ys[j] <= t.cy < ys[j + 1]])]
    if len(bands) < 3:
        return rest, edges
    lo = int(min(t.box[0] for t in rest))
    count = np.zeros(int(max(t.box[2] for t in rest)) - lo + 2, np.int32)
    for band in bands:
        on = np.zeros(len(count), bool)
        for t in band:
            on[int(t.box[0]) - lo:int(t.box[2]) - lo + 1] = True
        count += on
    # A stripe fewer than half the rows cover, with half or more inked on both sides, is a gutter (not the
    # ragged end of a column). Each is tried on its own, without the rows across its core, where the fewest
    # rows cross: those whose cells only reach into its edges cross no gutter.
    few = (count > 0) & (2 * count < len(bands))
    x = 0
    for is_few, group in itertools.groupby(few):
        end = x + len(list(group))
        if is_few and x > 0 and end < len(count) and min(count[x - 1], count[end]) * 2 >= len(bands):
            core = np.flatnonzero(count[x:end] == count[x:end].min()) + x + lo
            fewer = [t for band in bands if not any(t.box[0] <= core[-1] and core[0] <= t.box[2] for t in band)
                     for t in band]
            if 2 * len(fewer) > len(rest) and len(more := columns(fewer)) > len(edges):
                return fewer, more
        x = end
    return rest, edges


def _close_row(words: list[Token], ys: list[float], xs: list[float], columns: Callable[[list[Token]], list[float]]
               ) -> list[float]:
    """``xs``, or the column edges all rows but one part, where that row's words only narrow their gutters (a
    cell's line set half a character before the next column): each edge at the middle of the widest part of
    its gutter the row leaves open, if it leaves one in every gutter."""
    for k in range(len(ys) - 1):
        row, rest = _row_and_rest(words, ys, k)
        edges = columns(rest) if row and rest else xs
        if len(edges) <= len(xs):
            continue
        stripes = _gutters(rest, edges)
        inner = [_open_middle(lo, hi, row, x) for x, (lo, hi) in zip(edges[1:-1], stripes)]
        if not any(_across(t, inner) for t in row):
            return [edges[0], *inner, edges[-1]]
    return xs


def _row_and_rest(words: list[Token], ys: list[float], k: int) -> tuple[list[Token], list[Token]]:
    """The words between rules ``k`` and ``k + 1``, and all the others."""
    row, rest = [], []
    for t in words:
        (row if ys[k] <= t.cy < ys[k + 1] else rest).append(t)
    return row, rest


def _rows_left_out(xs: list[float], ys: list[float], words: list[Token]) -> bool:
    """Whether bands hold k ≥ 2 lines that all fill two columns or more, most bands or one over k bands
    high: rows whose rules the scan lost. A row of a web page whose label wraps beside a wrapped cell holds
    such lines too, now and then, set as close as a cell's lines: its band is less than k + 1/4 times the
    lowest one-line row's."""
    bands = [(a, b, text_lines([t for t in words if a < t.cy < b])) for a, b in zip(ys, ys[1:])]
    one = [b - a for a, b, lines in bands if len(lines) == 1]
    usual = min(one) if one else float(np.median([b - a for a, b, _ in bands]))
    crowded = 0
    for a, b, lines in bands:
        if len(lines) > 1 and all(_two_cells(line, xs) for line in lines):
            if b - a >= (len(lines) + 0.25) * usual:
                return True
            crowded += 1
    return 2 * crowded > len(ys) - 1


def _header(head: list[int], tokens: list[Token], stripes: list[tuple[float, float]],
            level: Callable[..., np.ndarray | None] | None) -> tuple[list[int], list[Token]]:
    """The header row among ``head`` (those above the first rule), as the tokens' indices and its words: its
    lines from the rule up, each no farther above the next than a wrapped line is (the table's margin parts
    it from a paragraph above), while no word of theirs spans one of the body's gutters (a paragraph's line
    runs across them; a header word may reach into one). ``stripes``: the body's gutters (``_gutters``).
    On a scan a word of Chinese across a body gutter is cut there first where its ink parts (``cut_at``:
    header cells set closer than the rows' gutters came from the OCR as one word)."""
    ids = {id(tokens[i]): i for i in head}
    lines = sorted(text_lines([tokens[i] for i in head]), key=lambda line: -min(t.box[1] for t in line))
    out: list[int] = []
    words: list[Token] = []
    below: list[Token] | None = None
    for line in lines[:MAX_LINES]:
        if below is not None and min(t.box[1] for t in below) - max(t.box[3] for t in line) > 0.5 * line_height(line):
            break
        cut = [p for t in line for p in (cut_at(t, level, stripes) if level is not None else [t])]
        if any(t.box[0] <= lo and t.box[2] >= hi for t in cut for lo, hi in stripes):
            break
        out += [ids[id(t)] for t in line]
        words += cut
        below = line
    return out, words


def _with_header(xs: list[float], stripes: list[tuple[float, float]], body: list[Token], heading: list[Token],
                 columns: Callable[[list[Token]], list[float]]) -> list[float]:
    """The body's column edges, each moved to the middle of the widest part of its gutter the header leaves
    open (a header word reaching past the gutter's middle spanned two columns, and one at a right-aligned
    heading's word space cut it), and those the header adds where the body has none (a column only it fills).
    ``stripes``: the body's gutters about ``xs`` (``_gutters``)."""
    inner = [_open_middle(lo, hi, heading, x) for x, (lo, hi) in zip(xs[1:-1], stripes)]
    added = [x for x in columns(heading + body)[1:-1] if not any(lo <= x <= hi for lo, hi in stripes)]
    return [xs[0], *sorted(inner + added), xs[-1]]


def _open_middle(lo: float, hi: float, words: list[Token], x: float) -> float:
    """The middle of the widest part of the stripe from ``lo`` to ``hi`` that no word covers (``x`` if none)."""
    best, at = 0.0, x
    for a, b in _uncovered(lo, hi, sorted((t.box[0], t.box[2]) for t in words if t.box[0] < hi and t.box[2] > lo)):
        if b - a > best:
            best, at = b - a, (a + b) / 2
    return at


def _uncovered(lo: float, hi: float, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of [lo, hi] that none of the ``spans`` (sorted by start, each meeting it) covers."""
    out, start = [], lo
    for a, b in spans:
        if a > start:
            out.append((start, a))
        start = max(start, b)
    if start < hi:
        out.append((start, hi))
    return out


def _gutters(words: list[Token], xs: list[float]) -> list[tuple[float, float]]:
    """The stripe about each inner column edge of ``xs`` that none of the ``words`` covers."""
    out = []
    for x in xs[1:-1]:
        left = [t.box[2] for t in words if t.cx < x]
        right = [t.box[0] for t in words if t.cx > x]
        out.append((min(x, max(left, default=x)), max(x, min(right, default=x))))
    return out


def _columns(words: list[Token], x0: float, x1: float, gutter: float) -> list[float]:
    """Column boundaries: the table's edges and the middles of the stripes at least ``gutter`` wide that
    no word covers."""
    spans = sorted((t.box[0], t.box[2]) for t in words)
    xs = [x0]
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a - reach >= gutter:
            xs.append((a + reach) / 2)
        reach = max(reach, b)
    return xs + [x1]


def _across(t: Token, xs: list[float]) -> bool:
    return any(t.box[0] < x < t.box[2] for x in xs)
