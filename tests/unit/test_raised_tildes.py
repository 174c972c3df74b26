"""A typewriter tilde before a slash (``~/.octave_hist``), set raised as cmtt sets it (a short thick wave at the capitals'
height), 8-9 pt Courier Bold scanned at 200 DPI: the recognizer reads many as ``"``; their ink is one flat stroke and they
become ``~`` (pipeline/raised_tildes.py). Double quotes typed before a slash (``"/usr/bin"``) stay."""
from __future__ import annotations

import pymupdf
import pytest

from tests.scanned_rows import rows_page, scanned_reader

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


@pytest.fixture(scope="module")
def read():
    return scanned_reader(lambda size: rows_page(ROWS, _put, size, REPEATS))


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
