"""Quoted one-letter codes alone in their cells (Octave's marker table: `‘x’  cross`), scanned: the recognizer
reads the cell as a line of its own, and drops its opening quote (`x’`) where the page's repair of lost
opening quotes has no ascenders on the line to measure the mark by. pipeline/tables/lost_quotes.py writes it
back where the cell's ink shows a quote mark at each end. Possessives (`users’`), with no mark before the
word, keep what they read."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png, font_path
from tests.table_factories import render_pages

CODES = [("+", "crosshair"), ("o", "circle"), ("x", "cross"), ("s", "square"), ("d", "diamond"),
         ("v", "downward-facing triangle"), ("p", "pentagram"), ("h", "hexagram")]
LETTERS = "oxsdph"  # `+` and `v` are misread for other reasons (`4`, `'v`), on main as on the branch
STRAIGHT = str.maketrans("‘’“”", "''\"\"")  # the page's quote style decides curly or straight; not asked here
SEEDS = (0, 1, 4, 5)  # main drops the opening quote of `x` on each


def _pdf(rows: list[tuple[str, str]], quoted: bool) -> bytes:
    """Codes in a typewriter face, in serif quotes, a gutter before their descriptions."""
    serif = str(font_path("serif"))
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="ls", fontfile=serif)
    quote = pymupdf.Font(fontfile=serif).text_length("\u2018", 10)
    y = 150.0
    for code, what in rows:
        x = 120.0
        if quoted:
            page.insert_text((x, y), "\u2018", fontname="ls", fontsize=10)
            x += quote
        page.insert_text((x, y), code, fontname="cour" if quoted else "ls", fontsize=10)
        if quoted:
            page.insert_text((x + 6.0, y), "\u2019", fontname="ls", fontsize=10)
        page.insert_text((190, y), what, fontname="ls", fontsize=10)
        y += 13
    return doc.tobytes()


def _first_column(engine, pdf: bytes, seed: int) -> list[str]:
    img, _ = scan_like(render_pages(pdf, 200)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    return [r[0].translate(STRAIGHT) for t in page.tables for r in t.texts()]


@pytest.mark.parametrize("seed", SEEDS)
def test_quoted_codes_keep_their_opening_quote(engine, seed):
    got = _first_column(engine, _pdf(CODES, True), seed)
    assert len(got) == len(CODES), got
    want = {f"'{c}'" for c in LETTERS}
    # each letter's cell as set, but for one at most (a misread letter or a quote the scan broke)
    right = [x for x in got if x in want]
    assert len(right) >= len(LETTERS) - 1 and "'x'" in right, got
    assert not [x for x in got if x.endswith("'") and not x.startswith("'")], got


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_possessives_stay(engine, seed):
    rows = [("users’", "their files"), ("hosts’", "their names"), ("groups’", "their members"),
            ("owners’", "their rights"), ("readers’", "their notes")]
    got = _first_column(engine, _pdf(rows, False), seed)
    assert len(got) == len(rows), got
    assert not [x for x in got if x.startswith("'")], got
