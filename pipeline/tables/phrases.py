"""Phrases of a table's lines: words joined where the page's word spaces say they belong together, and
cut again where a phrase runs over a column's start (``pipeline/tables/aligned.py`` finds the columns).

OCR gives words; a cell is a phrase, and on a scan a justified line's word spaces can look as wide as a
gutter. The page's own word spaces tell the two apart; the columns' starts then correct the phrases that
ran over them.
"""
from __future__ import annotations

from statistics import median

import numpy as np

from pipeline.tables.model import Token
from pipeline.tables.words import is_cjk, join_words, line_height

GUTTER = 0.6  # a gap this many line heights wide separates columns (word spaces are ~0.25)
WORD_SPACES = 2.0  # words closer than this many of the page's usual word spaces are one phrase


def line_pieces(line: list[Token]) -> list[list[Token]]:
    """The line's words in pieces, split at gaps as wide as a gutter."""
    gap = GUTTER * line_height(line)
    out = [[line[0]]]
    for tok in line[1:]:
        if tok.box[0] - out[-1][-1].box[2] > gap:
            out.append([tok])
        else:
            out[-1].append(tok)
    return out


def extent(toks: list[Token]) -> tuple[float, float, float, float]:
    """The box round the tokens."""
    return (min(t.box[0] for t in toks), min(t.box[1] for t in toks),
            max(t.box[2] for t in toks), max(t.box[3] for t in toks))


def join_phrase(words: list[Token], joins: dict[int, list[Token]]) -> Token:
    """The words as one token (a phrase), its words kept in ``joins``."""
    if len(words) == 1:
        return words[0]
    chars = sum(len(w.text) for w in words)
    conf = sum(w.confidence * len(w.text) for w in words) / max(1, chars)
    tok = Token(join_words(words), extent(words), conf)
    joins[id(tok)] = words
    return tok


def phrases(lines: list[list[Token]], joins: dict[int, list[Token]],
            as_read: list[list[Token]] | None = None) -> list[list[Token]]:
    """Words set no farther apart than the page's word spaces allow joined into one token.

    OCR word boxes are narrower than the ink, so on a scan a justified line's word spaces
    can look as wide as a gutter; measured against the page's own word spaces they do not.
    The page's word spaces are measured on ``as_read`` if given (the lines before some boxes were
    carried out to their ink, ``ink_gaps``): the rule is set on the OCR's boxes, and a few gaps
    measured on the ink instead would widen it.
    """
    gaps: list[float] = []
    for line in as_read or lines:  # word spaces: the gaps narrower than a gutter (a table's own lines are mostly gutters)
        widest = GUTTER * line_height(line)
        gaps += [g for a, b in zip(line, line[1:]) if 0 < (g := b.box[0] - a.box[2]) <= widest]
    if len(gaps) < 20:  # too few words to know the page's spaces
        return lines
    space = WORD_SPACES * float(np.median(gaps))
    out = []
    for line in lines:
        groups = [[line[0]]]
        for tok in line[1:]:
            # Chinese is set without word spaces: a blank between two Chinese words is no word space
            # (a header cut at its gutters, pipeline/tables/cjk_gutters.py, keeps its cells)
            if tok.box[0] - groups[-1][-1].box[2] <= space and not (is_cjk(groups[-1][-1].text[-1]) and is_cjk(tok.text[0])):
                groups[-1].append(tok)
            else:
                groups.append([tok])
        out.append([join_phrase(g, joins) for g in groups])
    return out


def split_at_column_starts(rlines: list[list[Token]], xs: list[float],
                            joins: dict[int, list[Token]]) -> list[list[Token]]:
    """Phrases that run over column boundaries cut before the words that start where those columns'
    cells start. Cells set a single space apart (a row of "default" under columns of numbers) are
    joined as one phrase by the page's word spaces, and the row was taken for text across the table.
    Only a phrase over two boundaries or more, each at such a word: a sentence's words rarely line up so."""
    starts: dict[int, list[float]] = {}
    for line in rlines:
        if len(pieces := line_pieces(line)) >= 2:
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
            new += [join_phrase(words[a:b], joins) for a, b in zip(bounds, bounds[1:])]
        out.append(new)
    return out


def cut_at_cell_starts(rlines: list[list[Token]], joins: dict[int, list[Token]]) -> list[list[Token]]:
    """A row's phrase that runs into the next cell, cut before the word that starts where that cell starts.

    A justified cell spreads its words as wide as the gap to the next cell (``at  least  one  is  not
    "qz"``), so the page's word spaces join them, and the phrase covers the gutter that every other row
    leaves free: the two columns were taken for one. Only in a line whose words fall into two pieces or
    more, at a word that starts where pieces of two other lines start, after a stripe that other lines'
    pieces cross at most half as often as they start after it (a caption centred over the table crosses
    every gutter)."""
    # The lines' pieces from their words, not their phrases: where a table's gutters are narrower than
    # twice the page's word space, every row's cells are joined alike and the phrases hide the gutters.
    spans = [[(extent(p)[0], extent(p)[2]) for p in line_pieces([w for t in line for w in joins.get(id(t), [t])])]
             for line in rlines]
    out = []
    for k, line in enumerate(rlines):
        if len(spans[k]) < 2:
            out.append(line)
            continue
        tol = 0.25 * line_height(line)  # a word box's start and end move by a few pixels on a scan
        others = [s for j, ss in enumerate(spans) if j != k and len(ss) >= 2 for s in ss]
        new: list[Token] = []
        for tok in line:
            words, cut = joins.get(id(tok), [tok]), 0
            for i in range(1, len(words)):
                a, b = words[i - 1].box[2], words[i].box[0]
                aligned = sum(abs(s - b) <= tol for s, _ in others)
                across = sum(s < b - tol and e > a + tol for s, e in others)
                if aligned >= 2 and 2 * across <= aligned:
                    new.append(join_phrase(words[cut:i], joins))
                    cut = i
            new.append(tok if cut == 0 else join_phrase(words[cut:], joins))
        out.append(new)
    return out
