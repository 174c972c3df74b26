"""Figures set in a CJK font's wide cells on a Chinese line (pipeline/spacing.py): each digit stands a
cell apart, as on a Chinese VAT invoice, and must come out as the one number printed (公司14, not
公司1 4), while a space printed between digit groups stays."""
import numpy as np
import pymupdf
import pytest


from pipeline.options import Options
from tests.factories import degrade, encode_png

LINES = ["名        称：上海明达贸易有限公司14", "名        称：北京云图科技有限公司29",
         "地 址、电 话：上海市浦东新区世纪大道100号 021-66668888",
         "开户行及账号：中国工商银行北京分行 0200001234567890123",
         "服务电话：010 8888 6666，传真：021 6666 8888"]


def _page() -> np.ndarray:
    """The lines in PyMuPDF's built-in simplified Chinese font (its ASCII in wide half-width cells), 10 pt at 200 DPI."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=300)
    for k, text in enumerate(LINES):
        page.insert_text((50, 50 + 30 * k), text, fontname="china-s", fontsize=10)
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w).copy()


@pytest.mark.parametrize("scan", [False, True])
def test_tracked_out_figures_are_one_number_and_printed_spaces_stay(engine, scan):
    img = _page()
    if scan:
        img = degrade(img, blur=0.8, noise=8, jpeg_quality=60, seed=3)
    page = next(iter(engine.process(encode_png(img), Options())))
    text = page.text
    for number in ("公司14", "公司29", "100", "021-66668888", "0200001234567890123"):
        assert number in text, text
    assert "010 8888 6666" in text and "021 6666 8888" in text, text
