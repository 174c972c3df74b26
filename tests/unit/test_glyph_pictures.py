"""What page_glyphs measures, measured once and the same as measured afresh: np.percentile's value from its
two order statistics (``percentile``), a glyph's picture kept in the page's memo for typewriter_ls (and measured
again once its line's box or the image changes), whether a box has a picture without measuring it, and a page
whose text shows too few sure look-alikes to judge one left uncut."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline import Engine, EngineConfig
from pipeline.line_ink import LineInk
from pipeline.medians import percentile
from pipeline.page_glyphs import glyph_picture, glyph_pictures, has_picture, page_glyphs
from pipeline.page_work import PageWork
from pipeline.upright import LineCrops
from tests.factories import _pil_font, degrade
from tests.line_crops import render_line_crop

LINES = ["Il1 file 1990 ID", "lll 111 III"]


def _page() -> PageWork:
    """``LINES`` in 20-px serif print on a scanned page, each line's box about its ink."""
    face = _pil_font("serif", 20)
    img = Image.new("L", (360, 60 + 50 * len(LINES)), 245)
    draw = ImageDraw.Draw(img)
    quads = []
    for i, text in enumerate(LINES):
        y = 25 + 50 * i
        draw.text((20, y), text, font=face, fill=30)
        left, top, right, bottom = face.getbbox(text)
        quads.append(np.array([[14 + left, y + top - 6], [26 + right, y + top - 6], [26 + right, y + bottom + 6],
                               [14 + left, y + bottom + 6]], dtype=np.float32))
    page = degrade(np.asarray(img), blur=0.7, noise=6, jpeg_quality=75, seed=4)
    return PageWork(gray=page, quads=quads, to_page=np.eye(3))


def _glyph_boxes(ink: LineInk) -> list[tuple[int, int, int, int]]:
    stats = ink.pieces[2][1:]
    return [tuple(int(v) for v in s[:4]) for s in stats if s[3] >= 8]


@pytest.mark.parametrize("scan", [False, True])
def test_percentile_is_numpys_to_the_bit(scan):
    gray = render_line_crop("Il1 file 1990 ID, lll", "serif", 24, scan=scan)
    ink = 255.0 - gray.astype(np.float32)
    across = ink.mean(axis=0)
    for x in range(0, gray.shape[1] - 3, 7):
        for values in (ink[:, x : x + 3], ink[3:-3, x : x + 9], across[x : x + 40]):
            for q in (0, 1, 20, 33.3, 50, 98, 99.5, 100):
                assert percentile(values, q) == float(np.percentile(values, q))


def test_a_picture_is_measured_once_a_page_and_again_once_its_line_or_image_changes():
    work = _page()
    ink = LineCrops(work).inks([0])[0]
    boxes = _glyph_boxes(ink)
    assert len(boxes) >= 8
    first = [glyph_pictures(LineCrops(work))(ink, box) for box in boxes]
    assert all(np.array_equal(p, glyph_picture(ink.gray, box)) for p, box in zip(first, boxes))
    # typewriter_ls asks the same page: the pictures page_glyphs measured, not measured again
    again = glyph_pictures(LineCrops(work))
    assert all(again(ink, box) is p for p, box in zip(first, boxes))
    assert not first[0].flags.writeable  # shared by both checks
    # the line's box moved: its crop and ink are made anew, and so are its pictures
    work.quads = [work.quads[0] + np.float32([[0, 3]]), work.quads[1]]
    moved = LineCrops(work).inks([0])[0]
    assert moved is not ink
    for box in _glyph_boxes(moved):
        p = glyph_pictures(LineCrops(work))(moved, box)
        fresh = glyph_picture(moved.gray, box)
        assert (p is None and fresh is None) or np.array_equal(p, fresh)
    # another image (a page turned): nothing kept from the old one
    work.gray = work.gray.copy()
    assert glyph_pictures(LineCrops(work))(ink, boxes[0]) is not first[0]


def test_a_box_has_a_picture_where_its_middle_rows_hold_ink():
    gray = np.full((40, 80), 255, np.uint8)
    gray[5:35, 10:14] = 20  # a stem
    gray[5:8, 50:60] = 20  # a bar over paper: none of its middle rows is inked
    for box in [(10, 5, 4, 30), (50, 5, 10, 30), (30, 5, 6, 30), (48, 0, 14, 40), (0, 0, 80, 40)]:
        assert has_picture(gray, box) == (glyph_picture(gray, box) is not None)
    assert not has_picture(gray, (50, 5, 10, 30)) and has_picture(gray, (10, 5, 4, 30))
    work = _page()
    ink = LineCrops(work).inks([1])[0]
    for box in _glyph_boxes(ink):
        assert has_picture(ink.gray, box) == (glyph_picture(ink.gray, box) is not None)


def test_a_page_with_too_few_sure_look_alikes_is_not_cut():
    recognizer = Engine(EngineConfig(threads=1)).recognizer
    crops = [degrade(render_line_crop(t, "serif", 24), blur=0.7, noise=6, jpeg_quality=70, seed=1)
             for t in ["see I and 1 and I", "part I, step 1"]]
    decoded = recognizer(crops)
    # each lone glyph read as the other, the reading the model's next choice: open, but the page shows at most
    # a few sure pictures of either
    swapped = [replace(d, chars=tuple(replace(c, char="I" if c.char == "1" else "1", second=c.char)
                                      if c.char in "1I" else c for c in d.chars)) for d in decoded]

    def never(indices):
        raise AssertionError(f"lines {indices} were cut")
    assert page_glyphs(swapped, never) == swapped
