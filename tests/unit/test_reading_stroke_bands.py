"""Short entries of small print set close (a reference card's operators, a list's numbers): each box reaches
into the next, so its crop is cut to the line's band of rows (``pipeline.linecrop.line_rows``). In a crop
of a few glyphs one stroke can make that band: the bar of ``+`` or ``==``, the foot of a ``2``. Cut to a
stroke's rows the glyphs lose their tops and bottoms (``x + y`` read ``0 中 5J``, ``2.`` read ``和``); the
crop is read as it stands instead."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from pipeline.linecrop import crowded, line_rows
from pipeline.page_work import PageWork
from pipeline.upright import line_crops
from tests.factories import _pil_font, cer, degrade

ENTRIES = ["x + y", "x - y", "x == y", "x != y", "2.", "3.", "x < y", "x >= y"]


def _entries_page(font: str, size: int) -> PageWork:
    """``ENTRIES`` one under another at 1.75 sizes apart, scanned; each box 1.3 pitches tall around its ink's
    middle, so that it reaches into its neighbours' as the detector's boxes of close small print do."""
    face = _pil_font(font, size)
    pitch = int(size * 1.75)
    img = Image.new("L", (300, 40 + len(ENTRIES) * pitch), 235)
    draw = ImageDraw.Draw(img)
    quads = []
    for i, text in enumerate(ENTRIES):
        y = 20 + i * pitch
        draw.text((20, y), text, font=face, fill=70)
        left, top, right, bottom = face.getbbox(text)
        mid, half = y + (top + bottom) / 2, 0.65 * pitch
        quads.append(np.array([[15 + left, mid - half], [25 + right, mid - half], [25 + right, mid + half],
                               [15 + left, mid + half]], dtype=np.float32))
    page = degrade(np.asarray(img), blur=0.8, noise=8, jpeg_quality=70, seed=1)
    return PageWork(gray=page, quads=quads, to_page=np.eye(3))


@pytest.mark.parametrize("font,size", [("sans", 12), ("sans", 13), ("mono", 12), ("mono", 13)])
def test_short_crowded_entries_are_not_cut_to_one_stroke(engine, font, size):
    work = _entries_page(font, size)
    assert sum(crowded(work.quads)) >= len(ENTRIES) - 1
    crops = line_crops(work, list(range(len(ENTRIES))))
    # Cut to a stroke, a crop kept 0.14-0.22 of its box; cut to the line's band, at least 0.45.
    assert all(c.shape[0] >= 0.4 * (q[:, 1].max() - q[:, 1].min()) for c, q in zip(crops, work.quads))
    read = engine.recognizer(crops)
    # Cut to strokes these read at mean CER 0.32-0.63; the list numbers came out as other characters.
    assert np.mean([cer(t, r.text) for t, r in zip(ENTRIES, read)]) <= 0.12
    assert [r.text for r in read[4:6]] == ["2.", "3."]


def test_a_crowded_line_of_words_with_a_thin_band_is_still_cut():
    # Guard: a line of words, its box twice its ink's height: its band (a serif face's x-height between the
    # dense rows of its serifs) is under a quarter of the crop, but many glyphs make it, and it is cut.
    face = _pil_font("serif", 13)
    text = "these small lines are cut to their own rows"
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("L", (right + 20, 2 * (bottom - top) + 10), 255)
    ImageDraw.Draw(img).text((10, (bottom - top) // 2 + 5 - top), text, font=face, fill=0)
    crop = np.asarray(img)
    assert crop.shape[1] > 8 * crop.shape[0]
    assert line_rows(crop).shape[0] < 0.8 * crop.shape[0]
