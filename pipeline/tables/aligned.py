"""Tables without rules: columns from whitespace that runs down several lines.

A line whose words fall into two or more pieces separated by wide gaps is
a table row candidate; a run of such lines whose gaps line up is a table.
Columns are the vertical stripes no (or almost no) piece covers; rows
start at lines that fill several columns, and a line that only continues
one or two cells of the row above (its first column empty, or set closer
than rows are) is a wrapped cell, not a new row.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from statistics import median

import numpy as np

from pipeline.tables.ink_gaps import to_ink
from pipeline.tables.model import Table, Token
from pipeline.tables.phrases import GUTTER, cut_at_cell_starts, extent, line_pieces, phrases, split_at_column_starts
from pipeline.tables.structure import build_table
from pipeline.tables.words import is_cjk, line_height, text_lines

MAX_LEAD = 2.2  # a run of rows breaks at a vertical gap this many line heights tall
BULLETS = {"•", "·", "◦", "▪", "‣", "–", "-", "*", "●", "○", "■", "□"}
HEADING = 20  # a column heading is at most this wide (CJK characters count double)
PITCH_JUMP = 1.6  # ... and where lines lie this many times farther apart than its rows usually do
TIGHT = 1.15  # a one-piece line after a run's rows continues it when set no farther from it than this many line pitches


def _runs(lines: list[list[Token]]) -> list[list[int]]:
    """Runs of line indices that may form a table: multi-piece lines and the short lines between them."""
    pieces = [line_pieces(line) for line in lines]
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, line in enumerate(lines):
        multi = len(pieces[i]) >= 2
        if cur:
            prev = extent(lines[cur[-1]])
            near = extent(line)[1] - prev[3] <= MAX_LEAD * line_height(line)
            if near and (multi or i + 1 < len(lines) and len(pieces[i + 1]) >= 2):
                cur.append(i)
                continue
            lead = extent(line)[1] - prev[3]
            if near and lead < 0.6 * line_height(line) and _as_close_as_rows(lines, cur, line):
                cur.append(i)  # a tight line after the last row, no farther from it than rows are apart: its wrapped cell
                continue
            runs.append(cur)
            cur = []
        if multi:
            cur = [i]
    if cur:
        runs.append(cur)
    return [r for r in runs if sum(len(pieces[i]) >= 2 for i in r) >= 2]


def _as_close_as_rows(lines: list[list[Token]], cur: list[int], line: list[Token]) -> bool:
    """``line`` lies no farther below the run's last line than the run's lines lie from each other."""
    if len(cur) < 2:
        return True
    leads = [extent(lines[b])[1] - extent(lines[a])[3] for a, b in zip(cur, cur[1:])]
    if median(leads) > 0:
        return extent(line)[1] - extent(lines[cur[-1]])[3] <= 1.5 * median(leads)
    # The rows' boxes touch or overlap (a scan's OCR line boxes are padded): their leads are jitter
    # around zero, and a share of them is no slack. Centre to centre, the lines are as far apart as set;
    # a cell's wrapped line is set at the text's line pitch, the run's closest (a heading or a paragraph
    # break in the run sets lines farther apart, and prose after a heading would join). The lower
    # quartile, not the least: one box set off by a few pixels is not the pitch.
    pitches = sorted(_centre(lines[b]) - _centre(lines[a]) for a, b in zip(cur, cur[1:]))
    return _centre(line) - _centre(lines[cur[-1]]) <= TIGHT * pitches[len(pitches) // 4]


def _columns(lines: list[list[Token]]) -> list[float]:
    """Column boundaries: the middles of the stripes that the rows' pieces leave free.

    The stripes come from the lines split into the usual number of pieces
    (or more): a heading over several columns, or a cell that runs into
    the next one, makes fewer pieces and so cannot close a gutter.
    """
    x0 = min(t.box[0] for line in lines for t in line)
    x1 = max(t.box[2] for line in lines for t in line)
    count = np.zeros(int(x1 - x0) + 2, np.int32)
    split = [ps for ps in (line_pieces(line) for line in lines) if len(ps) >= 2]
    usual = Counter(len(ps) for ps in split).most_common(1)[0][0]
    defining = [ps for ps in split if len(ps) >= usual]
    for ps in defining:
        for p in ps:
            a, _, b, _ = extent(p)
            count[int(a - x0): int(b - x0) + 1] += 1
    reach = np.zeros_like(count)  # every line's pieces, to place each boundary where the fewest cross
    for line in lines:
        for p in line_pieces(line):
            a, _, b, _ = extent(p)
            reach[int(a - x0): int(b - x0) + 1] += 1
    free = count <= (len(defining) // 5 if len(defining) >= 4 else 0)  # a stray line in five may cross a gutter
    min_w = 0.5 * median(line_height(line) for line in lines)
    xs = [x0]
    i = 0
    while i < len(free):
        if free[i]:
            j = i
            while j < len(free) and free[j]:
                j += 1
            if j - i >= min_w and 0 < i and j < len(free):
                xs.append(x0 + _boundary(reach[i:j], min_w) + i)
            i = j
        else:
            i += 1
    xs.append(x1 + 1)
    return _lone_columns_merged(xs, split)


def _lone_columns_merged(xs: list[float], split: list[list[list[Token]]]) -> list[float]:
    """Columns in which only one line starts a piece are merged into the column on their left.

    Justified text in a wide cell stretches its word spaces past the gutter width; where the other
    rows leave the stripe under such a space empty, it looks like a gutter, and the word after it
    like a column of its own. A real column starts a piece on two lines at least (its heading and
    a value, or two values).
    """
    if len(split) < 3:
        return xs
    starts = [extent(p)[0] for ps in split for p in ps]
    keep = [xs[0]] + [x for x, nxt in zip(xs[1:-1], xs[2:]) if sum(x <= s < nxt for s in starts) >= 2] + [xs[-1]]
    return keep


def _boundary(reach: np.ndarray, min_w: float) -> float:
    """Where in a gutter the column boundary goes: the middle of the widest stretch, at least
    ``min_w`` wide, that the fewest pieces reach. A cell running into the gutter leaves room beside
    it; a heading over both columns crosses the gutter whole and so crosses the boundary."""
    for level in range(int(reach.max()) + 1):
        best, best_w, k = 0.0, 0, 0
        while k < len(reach):
            if reach[k] <= level:
                e = k
                while e < len(reach) and reach[e] <= level:
                    e += 1
                if e - k > best_w:
                    best, best_w = (k + e) / 2, e - k
                k = e
            else:
                k += 1
        if best_w >= min_w:
            return best
    return len(reach) / 2


def _cols_of(toks: list[Token], xs: list[float]) -> set[int]:
    return {max(0, min(len(xs) - 2, int(np.searchsorted(xs, t.cx, side="right")) - 1)) for t in toks}


def _crosses(line: list[Token], xs: list[float]) -> bool:
    """The line's pieces run across most of the column boundaries: text, not a row."""
    inner = xs[1:-1]
    spans = [(extent(p)[0], extent(p)[2]) for p in line_pieces(line)]
    crossed = sum(any(a < x < b for a, b in spans) for x in inner)
    return bool(inner) and crossed * 2 > len(inner)


def _rows(lines: list[list[Token]], xs: list[float]) -> list[list[list[Token]]]:
    """Lines grouped into table rows (a row is its first line and the wrapped lines below it)."""
    ncols = len(xs) - 1
    filled = [len(_cols_of(line, xs)) for line in lines]
    leads = [extent(lines[i])[1] - extent(lines[i - 1])[3] for i in range(1, len(lines)) if filled[i] >= 2]
    row_lead = median(leads) if leads else 0.0
    # how far a column's text may run: to the middle of the gutter on its right (the widest text in it
    # for the last column)
    right = [xs[c + 1] for c in range(ncols - 1)] + [max(t.box[2] for line in lines for t in line)]
    rows: list[list[list[Token]]] = []
    for i, line in enumerate(lines):
        if rows:
            cols = _cols_of(line, xs)
            lead = extent(line)[1] - extent(lines[i - 1])[3]
            # its first cell empty, and the rest of the cells above it wrapped: in every column it
            # fills, its first word would not have fitted on the line above (a header of two lines)
            first_empty = 0 not in cols and (len(cols) < 2 or all(_wrapped(line, lines[i - 1], xs, right, c) for c in cols)) \
                and not _fits_above(line, lines[i - 1], xs, right)
            sparse = len(cols) * 2 <= ncols and lead < 0.75 * row_lead
            # Or at most half the cells, each going on from the line above (a justified first cell's last
            # word on a line of its own): set at the rows' own pitch, as a table without leading sets it.
            wrapped = len(cols) * 2 <= ncols and all(_wrapped(line, lines[i - 1], xs, right, c) for c in cols)
            if first_empty or sparse or wrapped or _goes_on(line, lines[i - 1], lines, xs):
                rows[-1].append(line)
                continue
        rows.append([line])
    return rows


OPEN_ENDS = (",", "，", "、")  # a cell's line ending in one of these goes on below


def _goes_on(line: list[Token], above: list[Token], lines: list[list[Token]], xs: list[float]) -> bool:
    """The line continues the cells above it although its first word would have fitted there (a cell
    broken by hand, ``"NaN", "NaN", "Infinity",`` / ``"-Infinity"``): a cell above, in a column the line
    goes on in, ends in a comma where that column's other lines do not (tlmgr's options all end in one:
    there it is the cells' own text)."""
    cols = _cols_of(line, xs)
    if not cols or not cols <= _cols_of(above, xs):
        return False
    for c in cols:
        if _open(_last_in(above, xs, c)) and sum(_open(_last_in(o, xs, c)) for o in lines) == 1:
            return True
    return False


def _open(word: str) -> bool:
    """The word goes on to a next item: it ends in a comma after a word of its own (a cell that is a
    comma alone, as in a table of marks, is the mark)."""
    return len(word) >= 2 and word.endswith(OPEN_ENDS) and (word[-2].isalnum() or word[-2] in "\"')”’")


def _last_in(line: list[Token], xs: list[float], c: int) -> str:
    """The text of the line's last word in column ``c`` ('' for none)."""
    mine = [t for t in line if _cols_of([t], xs) == {c}]
    return max(mine, key=lambda t: t.box[2]).text if mine else ""


def _fits_above(line: list[Token], above: list[Token], xs: list[float], right: list[float]) -> bool:
    """The line's first word would have fitted after the text above it in the same column: so the line
    is not that cell's text wrapped (a line breaks only where the next word does not fit) but a row
    of its own whose first cell is empty, or whose first cell the OCR missed (a short mark such as
    '|')."""
    return _fits(line, above, xs, right, min(_cols_of([line[0]], xs)))


def _wrapped(line: list[Token], above: list[Token], xs: list[float], right: list[float], c: int) -> bool:
    """The line's text in column ``c`` continues a cell above: that cell has text on the line above,
    and the line's first word there would not have fitted after it."""
    here = [t for t in line if _cols_of([t], xs) == {c}]
    return bool(here) and any(_cols_of([t], xs) == {c} for t in above) and not _fits(here, above, xs, right, c)


def _fits(line: list[Token], above: list[Token], xs: list[float], right: list[float], c: int) -> bool:
    first = line[0]
    mine = [t for t in above if _cols_of([t], xs) == {c}]
    if not mine:
        return False
    word = first.text.split()[0] if first.text.split() else first.text
    width = (first.box[2] - first.box[0]) * len(word) / max(1, len(first.text))
    space = 0.3 * line_height(line)
    return max(t.box[2] for t in mine) + space + width < right[c] - space


def _looks_like_prose(table: Table) -> bool:
    """Two columns, one of long text: a two-column page or numbered clauses ("第一条  合同标的：…"),
    not a table. CJK characters count double, as wide as two Latin letters. A first column of
    bullets alone is a list's markers, however few its items."""
    if table.cols >= 2 and all(c.text in BULLETS for c in table.cells if c.col == 0 and c.text):
        return True
    if table.cols < 2 or table.rows < 3:
        return False

    def width(text: str) -> int:
        return sum(2 if is_cjk(ch) else 1 for ch in text)

    long = []
    for col in range(table.cols):
        widths = [width(c.text) for c in table.cells if c.col == col and c.text]
        long.append(bool(widths) and sum(widths) / len(widths) > 30)
    if table.cols > 2:
        return all(long)  # a page set in three columns or more, each line of each a row's cell
    # Short headings over a column of short items and one of long ones head a table (Octave's
    # "Function  Characteristics"): a definition list, numbered clauses and prose begin with an item.
    heads = [c.text for c in table.cells if c.row == 0]
    headed = len(heads) == 2 and all(0 < width(h) <= HEADING for h in heads)
    return any(long) and (all(long) or not headed)


def aligned_tables(tokens: list[Token], taken: set[int],
                   level: Callable[..., np.ndarray | None] | None = None) -> list[tuple[Table, set[int]]]:
    """``level`` (a scan's levelled page) lets the words' gaps be measured on their ink (``ink_gaps``)."""
    free = [(i, t) for i, t in enumerate(tokens) if i not in taken and t.text.strip()]
    if not free:
        return []
    index = {id(t): i for i, t in free}
    as_read = text_lines([t for _, t in free])
    lines = as_read
    if level is not None:
        lines = to_ink(as_read, level)
        index.update((id(n), index[id(o)]) for old, new in zip(as_read, lines) for o, n in zip(old, new))
    joins: dict[int, list[Token]] = {}  # a phrase's words, by the phrase's id
    lines = phrases(lines, joins, as_read)
    out = []
    for run in _runs(lines):
        for table, words in _tables_in([lines[i] for i in run], joins):
            out.append((table, {index[id(w)] for t in words for w in joins.get(id(t), [t])}))
    return out


def _breaks(rlines: list[list[Token]], xs: list[float]) -> list[int]:
    """Lines that cannot belong to the table the run's columns describe: text running across most
    column boundaries (a sentence between two tables), a label left of every column (a term
    with its own table of values below it), or a line at the run's edge that starts in the gutter
    before its column (the sentence before an indented table, the paragraph after it)."""
    left = min(line[0].box[0] for line in rlines if len(line_pieces(line)) >= 2)
    out = [k for k, line in enumerate(rlines) if _crosses(line, xs) or extent(line)[2] <= left or _lead_in(line)]
    for k in (0, len(rlines) - 1):  # the sentence leading into the table, or the one after it
        a, _, b, _ = extent(rlines[k])
        if k not in out and len(line_pieces(rlines[k])) < 2 and (any(a < x < b for x in xs[1:-1])
                                                                 or _starts_in_gutter(rlines, k, xs)):
            out.append(k)
    # the prose after an indented table, at the text's margin: its wide CJK-Latin gaps make it look
    # like a row (a header at the top may start left of its column when centred over short cells)
    if (last := len(rlines) - 1) not in out and _starts_in_gutter(rlines, last, xs):
        out.append(last)
    return sorted(out)


def _lead_in(line: list[Token]) -> bool:
    """A line of one short piece ending in a colon (``结果:``, ``Example:``) introduces what follows it:
    the code above it and the table below are two things, not one table's rows."""
    text = " ".join(t.text for t in line).strip()
    return len(line_pieces(line)) == 1 and text[-1:] in ":：" and len(text) <= HEADING


def _starts_in_gutter(rlines: list[list[Token]], k: int, xs: list[float]) -> bool:
    """Line ``k`` starts left of every other line's text in its column by more than a gutter: in the
    gutter before that column (a sentence at the paragraph's indent over a narrow first column), where
    no cell of the table starts."""
    a = extent(rlines[k])[0]
    col = int(np.searchsorted(xs, a, side="right")) - 1
    starts = [extent(p)[0] for j, line in enumerate(rlines) if j != k for p in line_pieces(line)
              if int(np.searchsorted(xs, extent(p)[0], side="right")) - 1 == col]
    return bool(starts) and a < min(starts) - GUTTER * line_height(rlines[k])


def _wide_gaps(rlines: list[list[Token]]) -> list[int]:
    """Indices of lines set off from the line above by far more than the run's usual leading: a
    list's items and the table under it, or two tables, are apart by more than a table's rows."""
    if len(rlines) < 4:
        return []
    leads = [extent(b)[1] - extent(a)[3] for a, b in zip(rlines, rlines[1:])]
    usual = median(leads)
    lh = median(line_height(line) for line in rlines)
    # OCR line boxes are padded, so on a scan rows touch or overlap and their leads say little; the
    # pitch (centre to centre) keeps the jump a heading or a paragraph after the table makes.
    pitches = [_centre(b) - _centre(a) for a, b in zip(rlines, rlines[1:])]
    pitch = median(pitches)
    return [k + 1 for k, (lead, p) in enumerate(zip(leads, pitches))
            if lead > max(2.5 * usual, 1.2 * lh) or p > PITCH_JUMP * pitch]


def _centre(line: list[Token]) -> float:
    e = extent(line)
    return (e[1] + e[3]) / 2


def _tables_in(rlines: list[list[Token]], joins: dict[int, list[Token]], depth: int = 0) -> list[tuple[Table, list[Token]]]:
    if sum(len(line_pieces(line)) >= 2 for line in rlines) < 2:
        return []
    gaps = _wide_gaps(rlines)
    if gaps and depth < 8:
        out = []
        for a, b in zip([0] + gaps, gaps + [len(rlines)]):
            out += _tables_in(rlines[a:b], joins, depth + 1)
        return out
    rlines = cut_at_cell_starts(rlines, joins)
    xs = _columns(rlines)
    if len(xs) < 3:
        # No gutter runs down the whole run (prose, lists and tables one under another): the
        # one-piece lines between are where to look for tables on their own.
        if depth >= 8:
            return []
        singles = [k for k, line in enumerate(rlines) if len(line_pieces(line)) < 2]
        out = []
        for a, b in zip([-1] + singles, singles + [len(rlines)]) if singles else ():
            out += _tables_in(rlines[a + 1:b], joins, depth + 1)
        # A justified line of prose just above or below a table can have one word space as wide as
        # a gutter: it counts as a row candidate, and its pieces cover the table's gutter.
        for edge, trimmed in ((rlines[-1], rlines[:-1]), (rlines[0], rlines[1:])) if not out and len(rlines) >= 3 else ():
            if len(line_pieces(edge)) >= 2 and (out := _tables_in(trimmed, joins, depth + 1)):
                break
        return out
    split = split_at_column_starts(rlines, xs, joins)
    if split != rlines and len(again := _columns(split)) >= 3:
        rlines, xs = split, again  # the cut row's cells now have their own gutters to keep clear
    cuts = _breaks(rlines, xs)
    if cuts and depth < 8:
        out = []
        for a, b in zip([-1] + cuts, cuts + [len(rlines)]):
            out += _tables_in(rlines[a + 1:b], joins, depth + 1)
        return out
    rows = _rows(rlines, xs)
    if len(rows) < 2:
        return []
    ys = [min(t.box[1] for t in rows[0][0]) - 1]
    for a, b in zip(rows, rows[1:]):
        ys.append((max(t.box[3] for line in a for t in line) + min(t.box[1] for t in b[0])) / 2)
    ys.append(max(t.box[3] for line in rows[-1] for t in line) + 1)
    crossing = [[extent(p)[0::2] for line in row for p in line_pieces(line)] for row in rows]

    def split_right(r: int, c: int) -> bool:
        return not any(a < xs[c + 1] < b for a, b in crossing[r])

    words = [t for line in rlines for t in line]
    table = build_table(xs, ys, words, split_right, lambda r, c: True)
    if table is None or table.cols < 2 or table.rows < 2 or _looks_like_prose(table):
        return []
    return [(table, words)]
