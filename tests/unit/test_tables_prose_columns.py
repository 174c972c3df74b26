"""A page set in three columns of prose whose lines share baselines (a brochure, a newsletter): every
line is in three pieces with gutters that run down the page, and the page came out one table of
three columns, each cell a line of prose. Three columns or more, each of long lines, are a page set in
columns (pipeline/tables/aligned.py, ``_looks_like_prose``); a table of three columns with one column
of long descriptions beside short ones stays a table."""
from __future__ import annotations
import textwrap
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import put_mixed, render_pages

PROSE = [
    "A shared volume keeps its files on the server and hands each reader a copy when asked. The copy is "
    "checked against the stored one before it is returned, and a changed file is fetched again from the "
    "start rather than patched, which keeps the rules simple for everyone who depends on the service.",
    "Printing goes through a queue that holds each job until a printer is free. Jobs from the same person "
    "stay in the order they were sent, and a job that fails is set aside with a note so that the next one "
    "can start at once; the note says which page stopped it and why the printer refused it.",
    "Backups run every night after the last office closes. Each run copies what changed since the night "
    "before, and once a week a full copy is made and taken to another building, so that a fire or a flood "
    "in one place cannot take both the files and every copy of them at the same time.",
]
OPTIONS = [("Option", "Short description", "Section"), ("aboveskip", "sets the space above the caption", "2.6"),
           ("format", "sets the format of the whole caption", "2.1"), ("indent", "sets the indent of lines after the first", "2.4"),
           ("margin", "sets the margin on both sides", "2.4"), ("width", "sets a fixed width for the caption", "2.4")]
SEEDS = (0, 1, 2)


def _read(engine, pdf: bytes, seed: int):
    img, _ = scan_like(render_pages(pdf, 200)[0], seed)
    return next(engine.process(encode_png(img), Options(tables=True))).tables


def _columns_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for k, text in enumerate(PROSE):
        for i, line in enumerate(textwrap.wrap(text, 38)):
            put_mixed(page, 40 + 185 * k, 100 + 12 * i, line, latin="tiro", size=9)
    return doc.tobytes()


def _options_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for i, row in enumerate(OPTIONS):
        for x, text in zip((90, 200, 450), row):
            put_mixed(page, x, 150 + 13 * i, text, latin="tiro", size=10)
    return doc.tobytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_three_columns_of_prose_are_no_table(engine, seed):
    tables = _read(engine, _columns_pdf(), seed)
    assert not any(t.cols >= 3 for t in tables), [(t.rows, t.cols, t.texts()[:2]) for t in tables]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_table_with_one_column_of_descriptions_stays(engine, seed):
    tables = _read(engine, _options_pdf(), seed)
    assert any(t.rows == 6 and t.cols == 3 for t in tables), [(t.rows, t.cols) for t in tables]
