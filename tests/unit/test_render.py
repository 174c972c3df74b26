"""Rendering within the pixel budget."""
import numpy as np
import pymupdf
import pytest

from pipeline import Limits, open_document
from pipeline.errors import PageTooLargeError
from pipeline.render import fitting_dpi, render_page
from tests.factories import encode_png, make_pdf, make_tiff


def test_a4_renders_at_requested_dpi():
    with open_document(make_pdf([{"text": ["Hello"]}])) as doc:
        page = render_page(doc, 1, 200)
    assert page.dpi == 200 and page.image.dtype == np.uint8
    assert page.image.shape == (2339, 1653)  # A4 is 595 x 842 pt
    assert page.image.min() < 100 and np.median(page.image) == 255


def test_poster_page_lowers_dpi_to_fit_budget():
    doc = pymupdf.open()
    doc.new_page(width=2384, height=3370)  # A0 in points: 200 DPI would be 146 MP
    with open_document(doc.tobytes()) as d:
        page = render_page(d, 1, 200)
    assert page.dpi < 200 and page.image.size <= 50_000_000
    assert page.dpi >= 100


def test_page_that_cannot_fit_even_at_minimum_dpi():
    doc = pymupdf.open()
    doc.new_page(width=14400, height=14400)  # 200 x 200 inches
    with open_document(doc.tobytes(), Limits(max_pixels=100_000)) as d:
        with pytest.raises(PageTooLargeError):
            render_page(d, 1, 200)


@pytest.mark.parametrize("w,h,dpi,budget", [(595, 842, 300, 50_000_000), (2384, 3370, 200, 50_000_000), (612, 792, 200, 1_000_000)])
def test_fitting_dpi_never_exceeds_budget(w, h, dpi, budget):
    got = fitting_dpi(w, h, dpi, budget)
    assert got <= dpi
    assert np.ceil(w / 72 * got) * np.ceil(h / 72 * got) <= budget


def test_raster_pages_keep_their_pixels_and_dpi():
    a = np.full((50, 70), 255, np.uint8)
    b = np.zeros((40, 30), np.uint8)
    with open_document(make_tiff([a, b], dpi=300)) as doc:
        assert doc.page_count == 2
        p2 = render_page(doc, 2, 200)
        p1 = render_page(doc, 1, 200)
    assert p2.image.shape == (40, 30) and p2.image.max() == 0 and p2.dpi == 300
    assert p1.image.shape == (50, 70)
    with open_document(encode_png(a)) as doc:
        assert render_page(doc, 1, 150).dpi == 150  # no DPI stored: the requested one
