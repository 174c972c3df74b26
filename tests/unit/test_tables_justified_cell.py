"""A table without rules whose first column's cell is justified over two lines (Octave's table of eig's
algorithms: ``at  least  one  is  not  "qz"`` / ``symmetric``). The cell's word spaces are as wide as the
gap to the next column, so its words and the next cell's joined into one phrase that covered the gutter:
the two columns were read as one. The phrase is cut before the word that starts where the other rows'
second cells start, and the cell's last word, alone on the next line, goes on the row above."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.aligned import aligned_tables
from pipeline.tables.model import Token
from tests.factories import encode_png
from tests.table_factories import render_pages

PROSE = ["Compute the eigenvalues and optionally the right eigenvectors and the left eigenvectors of a",
         "matrix or pair of matrices. The flag chooses the algorithm that is used, as this table shows,",
         "and the eigenvalues that are returned are not ordered in any particular way by the function."]
COLS = (100, 235, 325, 415)  # each column's left edge (pt)
ROWS = [("", "no flag", "chol", "qz"), ("both are symmetric", '"chol"', '"chol"', '"qz"'),
        ("at least one is not symmetric", '"qz"', '"qz"', '"qz"')]


def _page() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 100.0
    for line in PROSE:
        page.insert_text((72, y), line, fontname="tiro", fontsize=10)
        y += 13
    y += 13
    for row in ROWS:
        for x, text in zip(COLS, row):
            words = text.split()
            if x == COLS[0] and len(words) > 3:
                # Justified over the column's width (up to 12 pt before the next: word spaces as wide), the
                # last word wrapped.
                first = words[:-1]
                width = COLS[1] - 12 - x - sum(pymupdf.get_text_length(w, "tiro", 10) for w in first)
                gap, at = width / (len(first) - 1), x
                for w in first:
                    page.insert_text((at, y), w, fontname="tiro", fontsize=10)
                    at += pymupdf.get_text_length(w, "tiro", 10) + gap
                page.insert_text((x, y + 13), words[-1], fontname="tiro", fontsize=10)
            elif text:
                page.insert_text((x, y), text, fontname="cour" if '"' in text else "tibo", fontsize=10)
        y += 13
    return doc.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_a_justified_cell_keeps_its_column(engine, seed):
    img, params = scan_like(render_pages(_page())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    grids = [[[c.text if c else "" for c in row] for row in t.grid()] for t in page.tables]
    assert len(grids) == 1 and [len(r) for r in grids[0]] == [len(r) for r in ROWS], (params, grids)
    # The other columns whole; the first holds its own words only, the wrapped one too (a scan's misread
    # letter aside).
    misread = sum(g != w for got, want in zip(grids[0], ROWS) for g, w in zip(got[1:], want[1:]))
    assert misread <= 1, (params, grids)
    for got, want in zip(grids[0], ROWS):
        assert '"' not in got[0] and len(got[0].split()) >= len(want[0].split()), (params, grids)
        assert got[0].split()[:1] == want[0].split()[:1], (params, grids)


def _words(y: float, *words: tuple[str, float, float]) -> list[Token]:
    return [Token(text, (x0, y, x1, y + 40), 0.99) for text, x0, x1 in words]


def test_the_cell_run_into_by_a_justified_one_is_cut_off_it():
    """Word boxes as the OCR gave them on Octave's page (a scan at 200 DPI): the justified cell's word
    spaces (26–36 px) are as wide as the gap before the next cell, and joined with it by the page's word
    spaces (18 px in the prose around)."""
    prose = [t for k in range(4) for t in _words(900 + 40 * k, *[(f"word{j}", 330 + 78 * j, 390 + 78 * j)
                                                                 for j in range(14)])]
    rows = [_words(1068, ("no", 715, 739), ("flag", 752, 798), ("chol", 974, 1019), ("qz", 1230, 1250)),
            _words(1102, ("both", 333, 386), ("are", 404, 438), ("symmetric", 457, 588), ('"chol"', 718, 805),
                   ('"chol"', 973, 1066), ('"qz"', 1232, 1293)),
            _words(1136, ("at", 325, 354), ("least", 390, 465), ("one", 491, 539), ("is", 575, 604),
                   ("not", 639, 687), ('"qz"', 722, 779), ('"qz"', 975, 1035), ('"qz"', 1232, 1286)),
            _words(1170, ("symmetric", 333, 465))]
    after = _words(1260, *[(f"word{j}", 330 + 78 * j, 390 + 78 * j) for j in range(14)])
    found = aligned_tables(prose + [t for r in rows for t in r] + after, set())
    grids = [[[c.text if c else "" for c in row] for row in t.grid()] for t, _ in found]
    assert grids == [[list(r) for r in ROWS]]
