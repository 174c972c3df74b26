"""Small, tightly set print: a line's box reaches into the lines above and below, and the
recognizer misreads the line among its neighbours' ink strips. The crop is cut to the line's
own rows (``pipeline.linecrop``) for boxes that overlap their neighbours."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from pipeline.linecrop import crowded, line_rows
from tests.factories import _pil_font, cer, degrade

LINES = [
    "following pages as are needed to hold, legibly, the material this License requires to",
    "useful document free in the sense of freedom: to assure everyone the effective",
    "freedom to copy and redistribute it, with or without modifying it, either commer-",
]


def _middle_line_crop(size: int, reach: float) -> np.ndarray:
    """Three lines of serif print set solid, scanned; the middle line's crop reaching
    ``reach`` line pitches into its neighbours (as the detector's grown boxes do)."""
    font = _pil_font("serif", size)
    pitch = int(size * 1.05)
    img = Image.new("L", (1000, 80 + 3 * pitch), 235)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(LINES):
        draw.text((20, 40 + i * pitch), text, font=font, fill=40)
    page = degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=60, seed=3)
    _, top, _, bottom = font.getbbox(LINES[1])
    y = 40 + pitch
    return page[int(y + top - reach * pitch) : int(y + bottom + reach * pitch), 10:980]


@pytest.mark.parametrize("size,reach", [(16, 0.3), (16, 0.45)])
def test_a_line_among_its_neighbours_strips_is_read_from_its_own_rows(engine, size, reach):
    crop = _middle_line_crop(size, reach)
    trimmed = line_rows(crop)
    assert trimmed.shape[0] < crop.shape[0]
    assert cer(LINES[1], engine.recognizer([trimmed])[0].text) <= 0.01


def test_a_crop_with_no_neighbours_keeps_its_rows():
    font = _pil_font("serif", 30)
    img = Image.new("L", (900, 60), 255)
    ImageDraw.Draw(img).text((10, 10), "Quietly typed jumbo text", font=font, fill=0)
    crop = np.asarray(img)
    rows = np.flatnonzero((crop < 128).any(axis=1))
    kept = line_rows(crop)
    # The glyphs' rows from ascender to descender all stay.
    assert kept.shape[0] >= rows[-1] - rows[0] + 1


def _box(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def test_crowded_boxes_are_those_reaching_into_a_line_above_or_below():
    tight = [_box(0, 0, 500, 27), _box(0, 19, 500, 46), _box(0, 38, 500, 65)]  # pitch 19, boxes 27 high
    spaced = [_box(0, 200, 500, 227), _box(0, 240, 500, 267)]
    side_by_side = [_box(0, 400, 200, 427), _box(220, 402, 500, 429)]
    assert crowded(tight + spaced + side_by_side) == [True, True, True, False, False, False, False]
