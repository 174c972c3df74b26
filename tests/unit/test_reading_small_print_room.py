"""Small blurred print set with room between its lines: the detector grows such a line's box well
past its ink, and the enlarged glyphs fill too little of the recognizer's height. A long line is
cut to its own rows like a crowded one (``pipeline.linecrop.LONG_LINE``); a short one keeps its box."""
import numpy as np
import pytest
from PIL import Image, ImageDraw


from pipeline.linecrop import crowded
from pipeline.page_work import PageWork
from pipeline.upright import line_crops
from tests.factories import _pil_font, cer, degrade

FOOTER = [
    "TeX, LaTeX and METAFONT are trademarks of the American Mathematical Society. PostScript, PDF and Acrobat are",
    "trademarks of Adobe Corporation. Macintosh and TrueType are trademarks of Apple Computer. Windows, Word and",
    "OpenType are trademarks of Microsoft Corporation. Unix is a trademark of Bell Laboratories. Unicode is a",
]


def _spaced_page(lines: list[str], font: str, size: int, blur: float, reach: float) -> PageWork:
    """``lines`` set 2.2 sizes apart, scanned; each box grown ``reach`` of the ink's height above and
    below (as the detector grows blurred print's boxes), not reaching into its neighbours."""
    face = _pil_font(font, size)
    pitch = int(size * 2.2)
    img = Image.new("L", (1500, 60 + len(lines) * pitch), 225)
    draw = ImageDraw.Draw(img)
    quads = []
    for i, text in enumerate(lines):
        y = 30 + i * pitch
        draw.text((20, y), text, font=face, fill=50)
        left, top, right, bottom = face.getbbox(text)
        grow = reach * (bottom - top)
        x0, x1, y0, y1 = 15 + left, 25 + right, y + top - grow, y + bottom + grow
        quads.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
    page = degrade(np.asarray(img), blur=blur, noise=10, jpeg_quality=60, seed=2)
    return PageWork(gray=page, quads=quads, to_page=np.eye(3))


@pytest.mark.parametrize("font,size,blur", [("serif", 13, 0.9), ("sans", 12, 1.2)])
def test_a_long_small_line_with_room_is_read_from_its_own_rows(engine, font, size, blur):
    work = _spaced_page(FOOTER, font, size, blur, reach=0.6)
    assert not any(crowded(work.quads))
    crops = line_crops(work, [0, 1, 2])
    # Cut to the line's rows: the ink fills the crop as the recognizer expects.
    assert all(c.shape[0] < 0.8 * (q[:, 1].max() - q[:, 1].min()) for c, q in zip(crops, work.quads))
    read = engine.recognizer(crops)
    # Uncut, these crops read at CER 0.22 (serif) and 0.46 (sans).
    assert np.mean([cer(t, r.text) for t, r in zip(FOOTER, read)]) <= 0.15


def test_a_short_small_crop_keeps_its_box():
    work = _spaced_page(["x++", "x .* y"], "sans", 12, 0.9, reach=0.6)
    crops = line_crops(work, [0, 1])
    # An operator or a key holds too few glyphs to show a band of rows: its box is read whole.
    assert [c.shape[0] for c in crops] == [round(q[:, 1].max() - q[:, 1].min()) for q in work.quads]


def test_a_roomy_line_keeps_the_rows_of_glyphs_past_its_band():
    # Brackets and capitals reach past the band's margins; with no neighbour to cut away, their rows stay.
    from pipeline.linecrop import line_rows

    face = _pil_font("sans", 12)
    text = "if (condition) if-body [elseif (condition) elseif-body] endif; [else else-body] endif"
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("L", (right + 20, bottom - top + 14), 255)
    ImageDraw.Draw(img).text((10, 7 - top), text, font=face, fill=0)
    crop = np.asarray(img)
    inked = np.flatnonzero((crop < 160).any(axis=1))
    kept = line_rows(crop, room=True)
    assert kept.shape[0] < crop.shape[0]
    assert kept.shape[0] >= inked[-1] - inked[0] + 1


def test_a_roomy_crop_its_glyphs_mostly_fill_is_kept_whole():
    from pipeline.linecrop import line_rows

    face = _pil_font("sans", 12)
    text = "if (condition) if-body [elseif (condition) elseif-body] endif; [else else-body] endif"
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("L", (right + 20, bottom - top + 4), 255)
    ImageDraw.Draw(img).text((10, 2 - top), text, font=face, fill=0)
    crop = np.asarray(img)
    assert line_rows(crop, room=True).shape == crop.shape
