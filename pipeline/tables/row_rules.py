"""Tables ruled between their rows only: a rule under each row, none between the columns.

A web page's table (LibreOffice's help, many HTML manuals printed to PDF) draws each row's bottom border and
nothing else: a stack of rules of one length, evenly set, a row of text between each two. The ruled path
needs a column rule to see a frame, and the aligned path reads no rules: it cut such tables where a row's
cell wrapped onto a second line or its rows were set far apart, and lost the header above the first rule.
Here the rules give the rows (with the header: the text just above the first rule, in the table's columns),
and the columns are the stripes that no word of any row covers. A stack of three rules (booktabs' top,
middle and bottom ones, with body rows between two of them) is left to the aligned path.
"""
from __future__ import annotations

from pipeline.tables.model import Table, Token
from pipeline.tables.ruled import Segment
from pipeline.tables.structure import build_table
from pipeline.tables.words import line_height, text_lines

MIN_RULES = 4
# A band with more text lines than this between two rules is no row (rules above and below a paragraph).
MAX_LINES = 4
# Two rules of a stack are at most this many times the stack's usual row pitch apart.
MAX_PITCH = 2.5
# A column gutter is a stripe at least this many line heights wide that no word of any row covers (the rules
# give the rows, so a narrower stripe than the aligned path's will do).
MIN_GUTTER = 0.4


def row_ruled_tables(h: list[Segment], tokens: list[Token], tol: float, taken: set[int]
                     ) -> list[tuple[Table, set[int]]]:
    """Tables from stacks of rules in ``h`` (merged), each with the indices of the ``tokens`` it holds
    (none of those in ``taken``, the tables found already)."""
    out = []
    for stack in _stacks(h, tol):
        found = _table(stack, tokens, tol, taken)
        if found is not None:
            out.append(found)
            taken = taken | found[1]
    return out


def _stacks(h: list[Segment], tol: float) -> list[tuple[float, float, list[float]]]:
    """The positions of runs of at least MIN_RULES rules of one extent, in order down the page, none
    farther from the next than MAX_PITCH times the run's usual pitch."""
    groups: list[list[Segment]] = []
    for s in sorted(h, key=lambda s: s.pos):
        for g in groups:
            if abs(g[0].lo - s.lo) <= tol and abs(g[0].hi - s.hi) <= tol:
                g.append(s)
                break
        else:
            groups.append([s])
    out = []
    for g in groups:
        ys = [s.pos for s in g]
        run = [ys[0]]
        for y in ys[1:]:
            gaps = sorted(b - a for a, b in zip(run, run[1:]))
            usual = gaps[len(gaps) // 2] if gaps else y - run[-1]
            if y - run[-1] <= MAX_PITCH * usual:
                run.append(y)
                continue
            if len(run) >= MIN_RULES:
                out.append((g[0], run))
            run = [y]
        if len(run) >= MIN_RULES:
            out.append((g[0], run))
    return [(seg.lo, seg.hi, run) for seg, run in out]


def _table(stack: tuple[float, float, list[float]], tokens: list[Token], tol: float, taken: set[int]
           ) -> tuple[Table, set[int]] | None:
    x0, x1, ys = stack
    within = [i for i, t in enumerate(tokens) if i not in taken and x0 - tol <= t.cx <= x1 + tol]
    pitch = max(b - a for a, b in zip(ys, ys[1:]))
    # the header: text above the first rule, no farther up than the tallest row
    head = [i for i in within if ys[0] - pitch < tokens[i].cy < ys[0]]
    body = [i for i in within if ys[0] < tokens[i].cy < ys[-1]]
    if not body:
        return None
    bands = [[tokens[i] for i in body if a < tokens[i].cy < b] for a, b in zip(ys, ys[1:])]
    if any(not band or len(text_lines(band)) > MAX_LINES for band in bands):
        return None
    gutter = MIN_GUTTER * line_height([tokens[i] for i in body])
    xs = _columns([tokens[i] for i in body], x0, x1, gutter)
    if len(xs) < 3:
        return None
    head = _header(head, tokens, xs, x0, x1, gutter, [tokens[i] for i in body])
    if head:
        xs = _columns([tokens[i] for i in head + body], x0, x1, gutter)
        ys = [min(tokens[i].box[1] for i in head) - tol, *ys]
        body = head + body
    words = [tokens[i] for i in body]

    def split_right(r: int, c: int) -> bool:
        return not any(_across(t, xs[c + 1 : c + 2]) and ys[r] < t.cy < ys[r + 1] for t in words)

    table = build_table(xs, ys, words, split_right, lambda r, c: True)
    if table is None or table.cols < 2 or len(table.cells) < 4:
        return None
    return table, set(body)


def _header(head: list[int], tokens: list[Token], xs: list[float], x0: float, x1: float, gutter: float,
            body: list[Token]) -> list[int]:
    """The header row's tokens among ``head`` (those above the first rule): its lines from the rule up, each
    no farther above the next than a wrapped line is (the table's margin parts it from a paragraph above),
    while their words leave the body's gutters open (a paragraph's line runs across them)."""
    ids = {id(tokens[i]): i for i in head}
    lines = sorted(text_lines([tokens[i] for i in head]), key=lambda line: -min(t.box[1] for t in line))
    out: list[int] = []
    below: list[Token] | None = None
    for line in lines[:MAX_LINES]:
        if below is not None and min(t.box[1] for t in below) - max(t.box[3] for t in line) > 0.5 * line_height(line):
            break
        if len(_columns(line + body, x0, x1, gutter)) != len(xs):
            break
        out += [ids[id(t)] for t in line]
        below = line
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
