"""Tables from scans: generated tables rendered, degraded like an office scan, read by the real engine."""
from __future__ import annotations
import numpy as np
import pytest
from bench.scan import scan_like
from pipeline import Options
from pipeline.tables.join import join_pages
from pipeline.tables.raster import find_image_tables
from tests.factories import encode_png, make_pdf
from tests.table_factories import random_table, render_pages, table_pdf


def _norm(text: str) -> str:
    return "".join(text.split())


def _check(table, spec, min_cells: float) -> None:
    assert (table.rows, table.cols, table.header_rows) == (spec.rows, spec.cols, spec.header_rows)
    truth = {(c["row"], c["col"]): c for c in spec.truth()["cells"]}
    got = {(c.row, c.col): c for c in table.cells if c.text}
    assert {(k, v["row_span"], v["col_span"]) for k, v in truth.items()} == \
           {(k, v.row_span, v.col_span) for k, v in got.items()}
    right = sum(k in got and _norm(got[k].text) == _norm(v["text"]) for k, v in truth.items())
    assert right / len(truth) >= min_cells, [(v["text"], got[k].text if k in got else None) for k, v in truth.items()]
    for cell in table.cells:
        assert 0.0 <= cell.confidence <= 1.0


@pytest.mark.parametrize("rules,lang,shape,seed", [
    ("grid", "en", "plain", 0),
    ("grid", "zh", "spans", 1),
    ("none", "en", "spans", 2),
    ("none", "zh", "wraps", 3),
    ("columns", "en", "wraps", 1),
    ("header", "zh", "plain", 2),
])
def test_scanned_table_is_read_cell_by_cell(engine, rules, lang, shape, seed):
    spec = random_table(seed, lang=lang, rules=rules, spans=shape == "spans", wraps=shape == "wraps")
    img, _ = scan_like(render_pages(table_pdf(spec))[0], seed)
    page = next(engine.process(encode_png(img), Options(tables=True)))
    assert len(page.tables) == 1
    _check(page.tables[0], spec, 0.8)
    # the found table sits where the page's lines are: its box holds the words of its first cell
    first = next(c for c in page.tables[0].cells if c.row == 0 and c.col == 0)
    word = next(w for line in page.lines for w in line.words if w.text and w.text in first.text)
    cx, cy = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
    assert first.box[0] <= cx <= first.box[2] and first.box[1] <= cy <= first.box[3]


def test_scanned_pdf_pages_continue_one_table(engine):
    spec = random_table(4, rules="grid", rows=12)
    pages = [scan_like(img, k)[0] for k, img in enumerate(render_pages(table_pdf(spec, split_after=6)))]
    pdf = make_pdf([{"image": img, "dpi": 200} for img in pages])
    results = list(engine.process(pdf, Options(tables=True)))
    assert [r.source for r in results] == ["ocr", "ocr"]
    [joined] = join_pages([r.tables for r in results])
    _check(joined, spec, 0.8)


def test_tables_are_off_unless_asked(engine):
    spec = random_table(0, rules="grid")
    page = next(engine.process(encode_png(render_pages(table_pdf(spec))[0]), Options()))
    assert page.tables == [] and "tables" not in page.timings


@pytest.mark.parametrize("image", [
    np.full((1200, 900), 255, np.uint8),
    np.random.default_rng(1).integers(0, 256, (1200, 900), dtype=np.uint8),
])
def test_pages_without_text_have_no_tables(image):
    # a ruled frame with nothing in it, on a blank page and on noise
    image = image.copy()
    image[200:205, 100:800] = 0
    image[600:605, 100:800] = 0
    image[200:605, 100:105] = 0
    image[200:605, 795:800] = 0
    image[200:605, 450:455] = 0
    assert find_image_tables(image, [], 200) == []
