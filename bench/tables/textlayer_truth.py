"""Published tables whose truth is the PDF's own text layer (documents with no HTML beside them).

A table's truth is kept only where two readings of the text layer agree cell for cell: docpipe's
text-layer table step (``find_pdf_tables``) and a plain one made here (the words inside its box,
rows from their centres, columns from the gaps no row's words cross). Agreement says the cells
are clear on the page (no spans, no wrapped cells, no leaders); each kept table was also looked
at rendered. Each cell's text is then spaced from its glyphs' gaps, as the real-page corpus's truth is. The cells are frozen in ``textlayer_truth.json`` so later changes to the table step
cannot move the truth: ``python -m bench.tables.textlayer_truth --cache C`` writes it again from
the picks below and says which no longer agree.
"""
from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path
from statistics import median

import pymupdf

from bench.realdocs.truth import _FOLD_TABLE, _fragments, _spaced
from bench.tables.metrics import Grid, norm

TRUTH = Path(__file__).with_name("textlayer_truth.json")

# (page, rows, cols) of each picked table, by document id; the rest the two readings agreed on were
# code listings, contents, index pages, or tables side by side read as one (looked at rendered)
PICKS = {
    "latex-notes-zh-cn": [(14, 4, 3), (60, 6, 4), (61, 3, 4), (75, 4, 3), (76, 4, 3), (77, 4, 3), (79, 4, 3),
                          (80, 4, 4), (81, 4, 3), (89, 6, 2), (91, 4, 2)],
    "ctex": [(19, 12, 3), (21, 12, 3), (22, 11, 2), (24, 9, 2), (24, 9, 3), (25, 9, 2), (26, 3, 3)],
    # fduthesis p9's URLs are `https:⁾\u20c6g.cn` in the text layer, p13's superscript citations out of order
    "fduthesis": [(5, 13, 2), (8, 7, 5)],
    "njurepo": [(3, 13, 2), (13, 16, 4)],
    "qyxf-book-doc": [(12, 5, 3)],
    "zhlineskip": [(4, 6, 3)],
    # impatient-cn p79 left out: its ≡ and ␣ cells are spaced otherwise in the text layer than in the ink
    "impatient-cn": [(28, 6, 2), (111, 7, 2), (115, 4, 2), (207, 3, 3), (259, 8, 2)],
    "asymptote-manual-zh-cn": [(64, 12, 2)],
    "tlmgr-intro-zh-cn": [(15, 11, 2), (18, 17, 2)],
    "texlive-zh-cn": [(28, 7, 2), (31, 3, 2)],
    # exam-zh-doc p6's table starts two rows above what the text-layer step found
    "nanicolle-doc-zh": [(5, 4, 9)],
    "maint-guide-zh-cn": [(62, 3, 3), (62, 9, 4)],
    # the same two multiarch tables in traditional Chinese (p39's man-section table is split by the text-layer step)
    "maint-guide-zh-tw": [(62, 3, 3), (62, 9, 4)],
    # caption's option tables (booktabs), font sizes set in their own size, the option index, old and new commands
    "caption": [(9, 6, 2), (10, 10, 2), (29, 8, 2), (29, 8, 2), (30, 8, 2), (30, 8, 2), (31, 8, 2), (44, 40, 3),
                (45, 28, 2), (54, 22, 2), (56, 4, 2), (62, 5, 2)],
    # xeCJK p26's ruled table of closing punctuation (code point, glyph); the rest are its code and option lists
    "xeCJK": [(26, 7, 14)],
    "CJKpunct": [(1, 6, 2)],
}


def gutter_rows(words, box) -> list[list[str]]:
    """The words inside ``box`` as rows × columns: rows by centre, columns split where no word crosses."""
    ws = sorted((w for w in words if box[0] - 1 <= w.cx <= box[2] + 1 and box[1] - 1 <= w.cy <= box[3] + 1),
                key=lambda w: w.cy)
    if not ws:
        return []
    h = median(w.height for w in ws)
    lines: list[list] = []
    for w in ws:
        if lines and w.cy - lines[-1][-1].cy < 0.5 * h:
            lines[-1].append(w)
        else:
            lines.append([w])
    cols: list[list[float]] = []
    for a, b in sorted((w.box[0], w.box[2]) for w in ws):
        if cols and a - cols[-1][1] < 0.8 * h:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    grid: list[list[list[str]]] = [[[] for _ in cols] for _ in lines]
    for r, line in enumerate(lines):
        for w in sorted(line, key=lambda w: w.box[0]):
            grid[r][next(k for k, (a, b) in enumerate(cols) if a - 1 <= w.cx <= b + 1)].append(w.text)
    return [[norm(" ".join(x)) for x in row] for row in grid]


def _cell_text(frags: list[dict], box) -> str:
    """The cell's text spaced as the real-page corpus spaces its truth (bench/realdocs/truth.py): a space
    where the glyphs leave a word gap, Chinese–Latin included (xeCJK's glue is one, though no space
    character is drawn), none between Chinese characters; ligatures unfolded."""
    x0, y0, x1, y1 = (v * 72 / 200 for v in box)
    chars = [c for f in frags for c in f["chars"] if not c[0].isspace() and not c[4]
             and x0 - 1 <= (c[1][0] + c[1][2]) / 2 <= x1 + 1 and y0 - 1 <= (c[1][1] + c[1][3]) / 2 <= y1 + 1]
    lines: list[list[tuple]] = []
    for c in sorted(chars, key=lambda c: (c[1][1] + c[1][3]) / 2):
        if lines and (c[1][1] + c[1][3]) / 2 - (lines[-1][-1][1][1] + lines[-1][-1][1][3]) / 2 < 0.5 * c[5]:
            lines[-1].append(c)
        else:
            lines.append([c])
    text = " ".join(_spaced(sorted(line, key=lambda c: c[1][0])) for line in lines).translate(_FOLD_TABLE)
    return norm(unicodedata.normalize("NFC", text))


def grids(doc_id: str) -> list[tuple[int, Grid]]:
    """(0-based page, truth Grid) of the document's frozen tables."""
    tables = json.loads(TRUTH.read_text())[doc_id]
    return [(t["page"] - 1, [[(text, 1, 1) for text in row] for row in t["cells"]]) for t in tables]


def make(cache: Path) -> None:
    from bench.tables import realdocs
    from pipeline.tables import find_pdf_tables
    from pipeline.tables.vector import page_words
    manifest = json.loads(realdocs.MANIFEST.read_text())
    out: dict[str, list] = {}
    for doc in manifest["documents"]:
        if doc["id"] not in PICKS:
            continue
        pdf = realdocs._pdf_bytes(realdocs.fetch(doc, cache), doc)
        out[doc["id"]] = []
        with pymupdf.open(stream=pdf, filetype="pdf") as pdoc:
            taken = set()  # two tables of one shape on a page are two picks
            for page, rows, cols in PICKS[doc["id"]]:
                words = page_words(pdoc[page - 1], 200)
                for t in find_pdf_tables(pdoc[page - 1], 200):
                    cells = [[norm(c.text) if c else "" for c in row] for row in t.grid()]
                    if (t.rows, t.cols) == (rows, cols) and (page, tuple(t.box)) not in taken \
                            and gutter_rows(words, t.box) == cells:
                        taken.add((page, tuple(t.box)))
                        frags = _fragments(pdoc[page - 1])
                        cells = [[_cell_text(frags, c.box) if c else "" for c in row] for row in t.grid()]
                        out[doc["id"]].append({"page": page, "cells": cells})
                        break
                else:
                    print(f"{doc['id']} p{page} {rows}x{cols}: the two readings no longer agree; left out")
    # one table a line, so a change to the truth reads as a diff of tables
    TRUTH.write_text("{\n" + ",\n".join(f"{json.dumps(k)}: [\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in v)
                                         + "\n]" for k, v in out.items()) + "\n}\n")
    print(sum(len(v) for v in out.values()), "tables written to", TRUTH)


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.tables.textlayer_truth")
    p.add_argument("--cache", type=Path, required=True)
    make(p.parse_args().cache)
