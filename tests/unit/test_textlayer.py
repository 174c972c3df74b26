"""PDF text layers: when they are used, and the lines and boxes they give."""
import numpy as np
import pymupdf

from pipeline import textlayer
from tests.factories import EN_TEXT, ZH_TEXT, cer, make_pdf


def page_of(data):
    return pymupdf.open(stream=data).load_page(0)


def test_born_digital_page_is_usable_and_exact():
    page = page_of(make_pdf([{"text": EN_TEXT[:5]}]))
    assert textlayer.is_usable(page)
    lines = textlayer.extract_lines(page, 200)
    assert cer("\n".join(EN_TEXT[:5]), "\n".join(l.text for l in lines)) == 0.0
    assert all(l.confidence == 1.0 for l in lines)
    # Text starts at 72 pt from the left: 200 px at 200 DPI.
    assert abs(lines[0].box[0] - 200) < 3
    words = lines[0].words
    assert [w.text for w in words] == EN_TEXT[0].split()
    for w in words:
        assert lines[0].box[0] - 1 <= w.box[0] and w.box[2] <= lines[0].box[2] + 1


def test_chinese_text_layer():
    page = page_of(make_pdf([{"text": ZH_TEXT[:4]}]))
    assert textlayer.is_usable(page)
    text = "\n".join(l.text for l in textlayer.extract_lines(page, 200))
    assert cer("\n".join(ZH_TEXT[:4]), text) == 0.0


def test_image_only_page_is_not_usable():
    img = np.full((400, 300), 255, np.uint8)
    assert not textlayer.is_usable(page_of(make_pdf([{"image": img, "dpi": 100}])))


def test_scan_with_a_stamped_header_is_not_usable():
    doc = pymupdf.open(stream=make_pdf([{"image": np.full((2339, 1654), 200, np.uint8), "dpi": 200}]))
    doc[0].insert_text((72, 40), "Received 2024-03-01", fontsize=9)
    assert not textlayer.is_usable(doc[0])


def test_rotated_page_boxes_follow_the_rendered_orientation():
    doc = pymupdf.open(stream=make_pdf([{"text": ["A line of text on a turned page"]}]))
    doc[0].set_rotation(90)
    page = doc[0]
    lines = textlayer.extract_lines(page, 72)
    x0, y0, x1, y1 = lines[0].box
    # Rendered landscape: 842 x 595 px at 72 DPI; the line now runs top to bottom.
    assert 0 <= x0 < x1 <= 842 and 0 <= y0 < y1 <= 595
    assert (y1 - y0) > (x1 - x0)
