"""A ruled table whose cells hold an ellipsis of middle dots (`· · ·`, TeX's \\cdots), scanned: the recognizer
reads the dots as `...`, `,,.` or `。..`. pipeline/tables/middle_dots.py tells them by where their ink sits on
the line: halfway up the letters beside them, not at their foot. Baseline dots stay as read."""
from __future__ import annotations
import itertools
import re
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages

FONTS = {name: pymupdf.Font(name) for name in ("china-s", "tiro")}
MID = "· · ·"
ROWS = [("命令", "记录号", "采集人", "采集号", "科名", "学名"), ("Collect", "1", MID, MID, MID, "Primula"),
        ("Collect", "2", MID, MID, MID, "Lonicera"), ("Identify", "3", MID, MID, MID, "Idesia")]
SEEDS = (0, 1, 2, 3)


def _put(page, x: float, y: float, text: str, size: float = 11) -> float:
    x0 = x
    for cjk, run in itertools.groupby(text, key=lambda ch: "\u3000" <= ch <= "\u9fff"):
        run, name = "".join(run), "china-s" if cjk else "tiro"
        if page is not None:
            page.insert_text((x, y), run, fontname=name, fontsize=size)
        x += FONTS[name].text_length(run, size)
    return x - x0


def _pdf(rows, *, pad: float = 16, pitch: float = 19.0, baseline: float = 14, size: float = 11, rule: float = 0.6) -> bytes:
    """A full grid, each cell's text centred, ``pad`` points wider than its column's widest text; its baseline
    ``baseline`` points below the row's top rule."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    widths = [max(_put(None, 0, 0, r[c], size) for r in rows) + pad for c in range(len(rows[0]))]
    shape = page.new_shape()
    for k, row in enumerate(rows):
        x, y = 72.0, 150 + k * pitch
        for c, text in enumerate(row):
            _put(page, x + (widths[c] - _put(None, 0, 0, text, size)) / 2, y + baseline, text, size)
            shape.draw_rect(pymupdf.Rect(x, y, x + widths[c], y + pitch))
            x += widths[c]
    shape.finish(color=(0, 0, 0), width=rule)
    shape.commit()
    return doc.tobytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_middle_dots_in_a_ruled_table(engine, seed):
    img, params = scan_like(render_pages(_pdf(ROWS))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert len(page.tables) == 1, params
    got = page.tables[0].texts()
    assert len(got) == len(ROWS) and all(len(r) == len(ROWS[0]) for r in got), params
    # The detector boxes no word at all for some of the ellipses (an empty cell: not the table step's
    # doing); every one it boxes reads as middle dots, and the other cells as set.
    dots = [got[r][c] for r in range(1, len(ROWS)) for c in range(2, 5)]
    assert all(d == MID for d in dots if d) and sum(map(bool, dots)) >= 2, (dots, params)
    assert [[x for c, x in enumerate(r) if not 2 <= c <= 4 or not k] for k, r in enumerate(got)] == \
        [[x for c, x in enumerate(r) if not 2 <= c <= 4 or not k] for k, r in enumerate(ROWS)], params


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_baseline_dots_stay(engine, seed):
    rows = [r[:2] + tuple("..." if x == MID else x for x in r[2:]) for r in ROWS]
    img, params = scan_like(render_pages(_pdf(rows))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    got = [x for t in page.tables for r in t.texts() for x in r]
    # read as the recognizer reads them (`...`, `。..`), never as middle dots
    assert sum(bool(re.fullmatch(r"[.,。…]+", x)) for x in got) >= 2 and not any("·" in x for x in got), (str(got), params)
