"""A typewriter tilde before a slash (``~/.octave_hist``), set raised as cmtt sets it (a short thick wave at the capitals'
height), 8-9 pt Courier Bold scanned at 200 DPI: the recognizer reads many as ``"``; their ink is one flat stroke and they
become ``~`` (pipeline/raised_tildes.py). Double quotes typed before a slash (``"/usr/bin"``) stay."""
from __future__ import annotations

import pymupdf
import pytest

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Options
from tests.factories import encode_png
from tests.table_factories import render_pages

# (left text, its face, right text, its face); ``~`` drawn raised.
ROWS = [("history -w [file]", "cobo", "write history to file (~/.octave_hist if no", "cobo"),
        ("cd ~/src", "cobo", "a path under your home, ~/.octaverc read first", "cobo"),
        ('"/usr/bin"', "cobo", 'a string "/usr/bin" and "/etc" typed', "cour")]
REPEATS = 3
TILDES = ["(~/.octave_hist", "~/src", "~/.octaverc"]
QUOTES = ['"/usr/bin"', '"/etc"']


def _put(page: pymupdf.Page, x: float, y: float, text: str, font: str, size: float) -> None:
    """``text`` on the baseline at ``y``, each ``~`` drawn in its cell as a wave .3 em wide, .15 em thick, its middle
    .58 em over the baseline."""
    for i, part in enumerate(text.split("~")):
        if i:
            w, a, mid = 0.3 * size, 0.06 * size, y - 0.58 * size
            x0 = x + 0.15 * size
            shape = page.new_shape()
            shape.draw_bezier((x0, mid + 0.3 * a), (x0 + w / 3, mid - 1.5 * a), (x0 + 2 * w / 3, mid + 1.5 * a),
                              (x0 + w, mid - 0.3 * a))
            shape.finish(color=(0, 0, 0), width=0.15 * size, closePath=False, lineCap=1)
            shape.commit()
            x += 0.6 * size  # Courier's cell
        page.insert_text((x, y), part, fontname=font, fontsize=size)
        x += pymupdf.get_text_length(part, fontname=font, fontsize=size)


def _page(size: float) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 100.0
    for _ in range(REPEATS):
        for left, left_face, right, right_face in ROWS:
            _put(page, 60, y, left, left_face, size)
            _put(page, 180, y, right, right_face, size)
            y += 1.6 * size
        y += 20
    return doc.tobytes()


@pytest.fixture(scope="module")
def read():
    """The page at a size, scanned with a seed, as read (each read once for both tests)."""
    engine, texts = Engine(EngineConfig(threads=1)), {}

    def text(size: float, seed: int) -> str:
        if (size, seed) not in texts:
            img, _ = scan_like(render_pages(_page(size))[0], seed)
            texts[size, seed] = next(engine.process(encode_png(img), Options())).text
        return texts[size, seed]
    return text


# Main kept 1 and 3 of these 9 tildes (the rest read ``"``, or a ``-``).
@pytest.mark.parametrize("size, seed", [(8, 3), (9, 2)])
def test_raised_tildes_before_a_slash_read_as_tildes(read, size, seed):
    words = read(size, seed).split()
    assert sum(words.count(w) for w in TILDES) >= 3 * REPEATS - 1, words
    assert not any(w.startswith(('("/', '"/.', '"/src')) for w in words), words


@pytest.mark.parametrize("size, seed", [(8, 3), (9, 2)])
def test_double_quotes_before_a_slash_stay(read, size, seed):
    words = read(size, seed).split()
    assert sum(words.count(w) for w in QUOTES) >= 2 * REPEATS, words
    assert not any(w.startswith("~/usr") or w.startswith("~/etc") for w in words), words
