"""Line boxes side by side that overlap, parted at the blank between them (pipeline/side_overlaps.py).

On a generated table scan (bench: seed 101, header rules, wrapped cells, Chinese; tilted 1-2°) the box of
``3,913`` took in the first glyph of ``3187.13`` beside it once the recognizer's margin was added, and
the line read ``3,913 3``; ``技术支持地区`` read ``技术支持地区 2`` so. The two cells were scored wrong."""
from __future__ import annotations

import numpy as np
import pytest

from bench.scan import scan_like
from pipeline import Engine, EngineConfig, Options
from pipeline.side_overlaps import part_side_overlaps
from tests.factories import encode_png, render_text_image
from tests.table_factories import random_table, render_pages, table_pdf


def _quad(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def _ink_columns(img: np.ndarray) -> np.ndarray:
    return np.flatnonzero((img < 128).sum(axis=0) >= 2)


def test_two_words_boxes_overlapping_part_at_the_blank_between_them():
    img = render_text_image(["3,913      3187.13"], font="sans", size_px=32)
    cols = _ink_columns(img)
    gaps = np.flatnonzero(np.diff(cols) > 20)
    end_a, start_b = cols[gaps[0]], cols[gaps[0] + 1]  # the first text's last ink column, the second's first
    rows = np.flatnonzero((img < 128).sum(axis=1))
    y0, y1 = rows[0] - 4, rows[-1] + 4
    # Each box reaches past the blank into the other's text, as the margins made them.
    a, b = _quad(cols[0] - 8, y0, start_b + 6, y1), _quad(end_a - 6, y0, cols[-1] + 8, y1)
    new_a, new_b = part_side_overlaps(img, [a, b])
    assert end_a < new_a[1, 0] == new_b[0, 0] < start_b
    assert new_a[0, 0] == a[0, 0] and new_b[1, 0] == b[1, 0]


def test_one_line_found_as_two_overlapping_pieces_is_left_whole():
    img = render_text_image(["overlapping"], font="sans", size_px=32)
    cols = _ink_columns(img)
    rows = np.flatnonzero((img < 128).sum(axis=1))
    mid = (cols[0] + cols[-1]) // 2
    a, b = _quad(cols[0] - 4, rows[0] - 4, mid + 15, rows[-1] + 4), _quad(mid - 15, rows[0] - 4, cols[-1] + 4, rows[-1] + 4)
    new_a, new_b = part_side_overlaps(img, [a, b])
    assert np.array_equal(new_a, a) and np.array_equal(new_b, b)


@pytest.fixture(scope="module")
def engine():
    return Engine(EngineConfig(threads=1))


def test_the_generated_scan_reads_each_cell_once(engine):
    spec = random_table(101, lang="zh", rules="header", spans=False, wraps=True)
    # The bench's scan of this table (bench/tables: input 47 of the generated set).
    img, params = scan_like(render_pages(table_pdf(spec), 200)[0], 101 * 31 + 5 * 47 + 4)
    page = next(engine.process(encode_png(img), Options()))
    texts = [line.text for line in page.lines]
    assert "3,913" in texts and "3187.13" in texts, (params, texts)
    assert "技术支持地区" in texts and "2,969" in texts, (params, texts)
