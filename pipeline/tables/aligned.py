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
from statistics import median

import numpy as np

from pipeline.tables.model import Table, Token
from pipeline.tables.structure import build_table
from pipeline.tables.words import is_cjk, join_words, line_height, text_lines

GUTTER = 0.6  # a gap this many line heights wide separates columns (word spaces are ~0.25)
MAX_LEAD = 2.2  # a run of rows breaks at a vertical gap this many line heights tall
WORD_SPACES = 2.0  # words closer than this many of the page's usual word spaces are one phrase
BULLETS = {"•", "·", "◦", "▪", "‣", "–", "-", "*", "●", "○", "■", "□"}
HEADING = 20  # a column heading is at most this wide (CJK characters count double)
PITCH_JUMP = 1.6  # ... and where lines lie this many times farther apart than its rows usually do
TIGHT = 1.15  # a one-piece line after a run's rows continues it when set no farther from it than this many line pitches


def _pieces(line: list[Token]) -> list[list[Token]]:
    gap = GUTTER * line_height(line)
    out = [[line[0]]]
    for tok in line[1:]:
        if tok.box[0] - out[-1][-1].box[2] > gap:
            out.append([tok])
        else:
            out[-1].append(tok)
    return out


def _extent(toks: list[Token]) -> tuple[float, float, float, float]:
    return (min(t.box[0] for t in toks), min(t.box[1] for t in toks),
            max(t.box[2] for t in toks), max(t.box[3] for t in toks))


def _runs(lines: list[list[Token]]) -> list[list[int]]:
    """Runs of line indices that may form a table: multi-piece lines and the short lines between them."""
    pieces = [_pieces(line) for line in lines]
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, line in enumerate(lines):
        multi = len(pieces[i]) >= 2
        if cur:
            prev = _extent(lines[cur[-1]])
            near = _extent(line)[1] - prev[3] <= MAX_LEAD * line_height(line)
            if near and (multi or i + 1 < len(lines) and len(pieces[i + 1]) >= 2):
                cur.append(i)
                continue
            lead = _extent(line)[1] - prev[3]
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
    leads = [_extent(lines[b])[1] - _extent(lines[a])[3] for a, b in zip(cur, cur[1:])]
    if median(leads) > 0:
        return _extent(line)[1] - _extent(lines[cur[-1]])[3] <= 1.5 * median(leads)
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
    split = [ps for ps in (_pieces(line) for line in lines) if len(ps) >= 2]
    usual = Counter(len(ps) for ps in split).most_common(1)[0][0]
    defining = [ps for ps in split if len(ps) >= usual]
    for ps in defining:
        for p in ps:
            a, _, b, _ = _extent(p)
            count[int(a - x0): int(b - x0) + 1] += 1
    reach = np.zeros_like(count)  # every line's pieces, to place each boundary where the fewest cross
    for line in lines:
        for p in _pieces(line):
            a, _, b, _ = _extent(p)
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
    starts = [_extent(p)[0] for ps in split for p in ps]
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
    spans = [(_extent(p)[0], _extent(p)[2]) for p in _pieces(line)]
    crossed = sum(any(a < x < b for a, b in spans) for x in inner)
    return bool(inner) and crossed * 2 > len(inner)


def _rows(lines: list[list[Token]], xs: list[float]) -> list[list[list[Token]]]:
    """Lines grouped into table rows (a row is its first line and the wrapped lines below it)."""
    ncols = len(xs) - 1
    filled = [len(_cols_of(line, xs)) for line in lines]
    leads = [_extent(lines[i])[1] - _extent(lines[i - 1])[3] for i in range(1, len(lines)) if filled[i] >= 2]
    row_lead = median(leads) if leads else 0.0
    # how far a column's text may run: to the middle of the gutter on its right (the widest text in it
    # for the last column)
    right = [xs[c + 1] for c in range(ncols - 1)] + [max(t.box[2] for line in lines for t in line)]
    rows: list[list[list[Token]]] = []
    for i, line in enumerate(lines):
        if rows:
            cols = _cols_of(line, xs)
            lead = _extent(line)[1] - _extent(lines[i - 1])[3]
            # its first cell empty, and the rest of the cells above it wrapped: in every column it
            # fills, its first word would not have fitted on the line above (a header of two lines)
            first_empty = 0 not in cols and (len(cols) < 2 or all(_wrapped(line, lines[i - 1], xs, right, c) for c in cols)) \
                and not _fits_above(line, lines[i - 1], xs, right)
            sparse = len(cols) * 2 <= ncols and lead < 0.75 * row_lead
            # Or at most half the cells, each going on from the line above (a justified first cell's last
            # word on a line of its own): set at the rows' own pitch, as a table without leading sets it.
            wrapped = len(cols) * 2 <= ncols and all(_wrapped(line, lines[i - 1], xs, right, c) for c in cols)
            if first_empty or sparse or wrapped:
                rows[-1].append(line)
                continue
        rows.append([line])
    return rows


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
    if table.cols != 2 or table.rows < 3:
        return False

    def width(text: str) -> int:
        return sum(2 if is_cjk(ch) else 1 for ch in text)

    long = []
    for col in range(2):
        widths = [width(c.text) for c in table.cells if c.col == col and c.text]
        long.append(bool(widths) and sum(widths) / len(widths) > 30)
    # Short headings over a column of short items and one of long ones head a table (Octave's
    # "Function  Characteristics"): a definition list, numbered clauses and prose begin with an item.
    heads = [c.text for c in table.cells if c.row == 0]
    headed = len(heads) == 2 and all(0 < width(h) <= HEADING for h in heads)
    return any(long) and (all(long) or not headed)


def aligned_tables(tokens: list[Token], taken: set[int]) -> list[tuple[Table, set[int]]]:
    free = [(i, t) for i, t in enumerate(tokens) if i not in taken and t.text.strip()]
    if not free:
        return []
    index = {id(t): i for i, t in free}
    joins: dict[int, list[Token]] = {}  # a phrase's words, by the phrase's id
    lines = _phrases(text_lines([t for _, t in free]), joins)
    out = []
    for run in _runs(lines):
        for table, words in _tables_in([lines[i] for i in run], joins):
            out.append((table, {index[id(w)] for t in words for w in joins.get(id(t), [t])}))
    return out


def _join(words: list[Token], joins: dict[int, list[Token]]) -> Token:
    """The words as one token (a phrase), its words kept in ``joins``."""
    if len(words) == 1:
        return words[0]
    chars = sum(len(w.text) for w in words)
    conf = sum(w.confidence * len(w.text) for w in words) / max(1, chars)
    tok = Token(join_words(words), _extent(words), conf)
    joins[id(tok)] = words
    return tok


def _phrases(lines: list[list[Token]], joins: dict[int, list[Token]]) -> list[list[Token]]:
    """Words set no farther apart than the page's word spaces allow joined into one token.

    OCR word boxes are narrower than the ink, so on a scan a justified line's word spaces
    can look as wide as a gutter; measured against the page's own word spaces they do not.
    """
    gaps: list[float] = []
    for line in lines:  # word spaces: the gaps narrower than a gutter (a table's own lines are mostly gutters)
        widest = GUTTER * line_height(line)
        gaps += [g for a, b in zip(line, line[1:]) if 0 < (g := b.box[0] - a.box[2]) <= widest]
    if len(gaps) < 20:  # too few words to know the page's spaces
        return lines
    space = WORD_SPACES * float(np.median(gaps))
    out = []
    for line in lines:
        groups = [[line[0]]]
        for tok in line[1:]:
            if tok.box[0] - groups[-1][-1].box[2] <= space:
                groups[-1].append(tok)
            else:
                groups.append([tok])
        out.append([_join(g, joins) for g in groups])
    return out


def _split_at_column_starts(rlines: list[list[Token]], xs: list[float],
                            joins: dict[int, list[Token]]) -> list[list[Token]]:
    """Phrases that run over column boundaries cut before the words that start where those columns'
    cells start. Cells set a single space apart (a row of "default" under columns of numbers) are
    joined as one phrase by the page's word spaces, and the row was taken for text across the table.
    Only a phrase over two boundaries or more, each at such a word: a sentence's words rarely line up so."""
    starts: dict[int, list[float]] = {}
    for line in rlines:
        if len(pieces := _pieces(line)) >= 2:
            for p in pieces:
                starts.setdefault(int(np.searchsorted(xs, p[0].box[0], side="right")) - 1, []).append(p[0].box[0])
    edge = {c: median(v) for c, v in starts.items() if 1 <= c < len(xs) - 1 and len(v) >= 2}
    out = []
    for line in rlines:
        tol = 0.25 * line_height(line)  # a word box's start moves by a few pixels on a scan
        new: list[Token] = []
        for tok in line:
            words = joins.get(id(tok), [tok])
            crossed = [c for c in range(1, len(xs) - 1) if tok.box[0] < xs[c] < tok.box[2]]
            cuts = [next((k for k in range(1, len(words)) if c in edge and abs(words[k].box[0] - edge[c]) <= tol), None)
                    for c in crossed]
            if len(crossed) < 2 or None in cuts:
                new.append(tok)
                continue
            bounds = [0] + sorted(set(cuts)) + [len(words)]
            new += [_join(words[a:b], joins) for a, b in zip(bounds, bounds[1:])]
        out.append(new)
    return out


def _cut_at_cell_starts(rlines: list[list[Token]], joins: dict[int, list[Token]]) -> list[list[Token]]:
    """A row's phrase that runs into the next cell, cut before the word that starts where that cell starts.

    A justified cell spreads its words as wide as the gap to the next cell (``at  least  one  is  not
    "qz"``), so the page's word spaces join them, and the phrase covers the gutter that every other row
    leaves free: the two columns were taken for one. Only in a line that is a row already (two pieces or
    more), at a word that starts where pieces of two other lines start, after a stripe no other line's
    piece covers."""
    pieces = [_pieces(line) for line in rlines]
    spans = [[(_extent(p)[0], _extent(p)[2]) for p in ps] for ps in pieces]
    out = []
    for k, line in enumerate(rlines):
        if len(pieces[k]) < 2:
            out.append(line)
            continue
        tol = 0.25 * line_height(line)  # a word box's start moves by a few pixels on a scan
        others = [s for j, ss in enumerate(spans) if j != k and len(ss) >= 2 for s in ss]
        new: list[Token] = []
        for tok in line:
            words, cut = joins.get(id(tok), [tok]), 0
            for i in range(1, len(words)):
                a, b = words[i - 1].box[2], words[i].box[0]
                aligned = sum(abs(s - b) <= tol for s, _ in others)
                if aligned >= 2 and not any(s < b - tol and e > a for s, e in others):
                    new.append(_join(words[cut:i], joins))
                    cut = i
            new.append(tok if cut == 0 else _join(words[cut:], joins))
        out.append(new)
    return out


def _breaks(rlines: list[list[Token]], xs: list[float]) -> list[int]:
    """Lines that cannot belong to the table the run's columns describe: text running across most
    column boundaries (a sentence between two tables), or a label left of every column (a term
    with its own table of values below it)."""
    left = min(line[0].box[0] for line in rlines if len(_pieces(line)) >= 2)
    out = [k for k, line in enumerate(rlines) if _crosses(line, xs) or _extent(line)[2] <= left]
    for k in (0, len(rlines) - 1):  # the sentence leading into the table, or the one after it
        a, _, b, _ = _extent(rlines[k])
        if k not in out and len(_pieces(rlines[k])) < 2 and any(a < x < b for x in xs[1:-1]):
            out.append(k)
    return sorted(out)


def _wide_gaps(rlines: list[list[Token]]) -> list[int]:
    """Indices of lines set off from the line above by far more than the run's usual leading: a
    list's items and the table under it, or two tables, are apart by more than a table's rows."""
    if len(rlines) < 4:
        return []
    leads = [_extent(b)[1] - _extent(a)[3] for a, b in zip(rlines, rlines[1:])]
    usual = median(leads)
    lh = median(line_height(line) for line in rlines)
    # OCR line boxes are padded, so on a scan rows touch or overlap and their leads say little; the
    # pitch (centre to centre) keeps the jump a heading or a paragraph after the table makes.
    pitches = [_centre(b) - _centre(a) for a, b in zip(rlines, rlines[1:])]
    pitch = median(pitches)
    return [k + 1 for k, (lead, p) in enumerate(zip(leads, pitches))
            if lead > max(2.5 * usual, 1.2 * lh) or p > PITCH_JUMP * pitch]


def _centre(line: list[Token]) -> float:
    e = _extent(line)
    return (e[1] + e[3]) / 2


def _tables_in(rlines: list[list[Token]], joins: dict[int, list[Token]], depth: int = 0) -> list[tuple[Table, list[Token]]]:
    if sum(len(_pieces(line)) >= 2 for line in rlines) < 2:
        return []
    gaps = _wide_gaps(rlines)
    if gaps and depth < 8:
        out = []
        for a, b in zip([0] + gaps, gaps + [len(rlines)]):
            out += _tables_in(rlines[a:b], joins, depth + 1)
        return out
    rlines = _cut_at_cell_starts(rlines, joins)
    xs = _columns(rlines)
    if len(xs) < 3:
        # No gutter runs down the whole run (prose, lists and tables one under another): the
        # one-piece lines between are where to look for tables on their own.
        if depth >= 8:
            return []
        singles = [k for k, line in enumerate(rlines) if len(_pieces(line)) < 2]
        out = []
        for a, b in zip([-1] + singles, singles + [len(rlines)]) if singles else ():
            out += _tables_in(rlines[a + 1:b], joins, depth + 1)
        # A justified line of prose just above or below a table can have one word space as wide as
        # a gutter: it counts as a row candidate, and its pieces cover the table's gutter.
        for edge, trimmed in ((rlines[-1], rlines[:-1]), (rlines[0], rlines[1:])) if not out and len(rlines) >= 3 else ():
            if len(_pieces(edge)) >= 2 and (out := _tables_in(trimmed, joins, depth + 1)):
                break
        return out
    split = _split_at_column_starts(rlines, xs, joins)
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
    crossing = [[_extent(p)[0::2] for line in row for p in _pieces(line)] for row in rows]

    def split_right(r: int, c: int) -> bool:
        return not any(a < xs[c + 1] < b for a, b in crossing[r])

    words = [t for line in rlines for t in line]
    table = build_table(xs, ys, words, split_right, lambda r, c: True)
    if table is None or table.cols < 2 or table.rows < 2 or _looks_like_prose(table):
        return []
    return [(table, words)]
