"""A table of quoted names in a typewriter face (Octave's regexp options: `'tokenExtents'`  `te`), scanned:
the closing quote stands a cell's blank from the letter before it and the OCR splits it off as a word of
its own, so the cell read `'tokenExtents '`. A lone quote closing the quote its word opens joins that word
(pipeline/tables/words.py, ``_closes``)."""
from __future__ import annotations
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.words import join_words
from pipeline.tables.model import Token
from tests.factories import encode_png
from tests.table_factories import render_pages

ROWS = [("'start'", "s"), ("'end'", "e"), ("'tokenExtents'", "te"), ("'match'", "m"), ("'tokens'", "t"),
        ("'names'", "nm"), ("'split'", "sp")]
SEEDS = (0, 1, 2, 3)


def _pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 150.0
    page.insert_text((120, y - 18), "Option", fontname="tiro", fontsize=10)
    page.insert_text((300, y - 18), "Short", fontname="tiro", fontsize=10)
    for name, short in ROWS:
        page.insert_text((120, y), name, fontname="cour", fontsize=10)
        page.insert_text((300, y), short, fontname="cour", fontsize=10)
        y += 13
    return doc.tobytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_quoted_names_keep_their_closing_quote(engine, seed):
    img, _ = scan_like(render_pages(_pdf(), 200)[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    names = [c.text for t in page.tables for c in t.cells if c.col == 0 and c.row > 0]
    assert not [n for n in names if n.endswith(" '")], names
    right = sum(n in {name for name, _ in ROWS} for n in names)
    assert right >= 5, names


def test_only_a_quote_its_word_opens_is_joined():
    def joined(*texts):
        return join_words([Token(t, (10.0 * k, 0, 10.0 * k + 8, 10)) for k, t in enumerate(texts)])
    assert joined("'tokens", "'") == "'tokens'"
    assert joined("use", '"name', '"') == 'use "name"'
    assert joined("rock", "'n'", "'") == "rock 'n' '"  # the word holds its own closing quote
    assert joined("the", "word", "'") == "the word '"
