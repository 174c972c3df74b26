"""A comma between digits in a scanned table (``5,391``) read as a point: at table print size a sans
comma differs from a point only by its short tail below the baseline. The generated tables bench lost
94 of its 112 missed scan cells so. The mark is now told from its ink and the model's weight on the
comma (pipeline/digit_marks.py)."""
from __future__ import annotations
import random
import pymupdf
import pytest
from bench.scan import scan_like
from pipeline import Options
from tests.factories import encode_png
from tests.table_factories import render_pages


def _rows(seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    return [(f"Item {k + 1}", f"{rng.randint(1000, 9999):,}", f"{rng.randint(100, 9999)}.{rng.randint(0, 99):02d}")
            for k in range(8)]


def _page(rows: list[tuple[str, str, str]], font: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 90), "Quarterly figures by item", fontname=font, fontsize=10)
    y = 120.0
    for row in [("Item", "Units", "Amount")] + rows:
        for x, text in zip((80, 220, 340), row):
            page.insert_text((x, y), text, fontname=font, fontsize=10)
        page.draw_line((72, y + 6), (440, y + 6), width=0.5)
        y += 22
    for x in (72, 200, 320, 440):
        page.draw_line((x, 106), (x, y - 16), width=0.5)
    return doc.tobytes()


@pytest.mark.parametrize("font,seed", [("helv", 1), ("helv", 2), ("helv", 3), ("tiro", 4)])
def test_thousands_commas_and_decimal_points_come_out_as_printed(engine, font, seed):
    rows = _rows(seed)
    img, params = scan_like(render_pages(_page(rows, font))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    cells = [c.text for t in page.tables for row in t.grid() for c in row if c]
    assert cells, (params, page.text)
    units = {r[1] for r in rows}
    amounts = {r[2] for r in rows}
    # Each number's mark as printed (one cell of each column may be missed: a digit misread by the scan),
    # and no decimal point made a comma. Times commas at 10 pt: only those the model weighed as commas
    # too (0.07-0.28 here; 0.0002-0.005 for the others, as for points) are made commas; main read none.
    missed = sum(u not in cells for u in units)
    assert missed <= (1 if font == "helv" else 5), (params, cells)
    assert sum(a not in cells for a in amounts) <= 1, (params, cells)
    assert not {a.replace(".", ",") for a in amounts} & set(cells), (params, cells)
