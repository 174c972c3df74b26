"""Exports of real engine results: rendered pages OCRed by pipeline.Engine, then
exported and read back (PyMuPDF for the PDF, lxml for hOCR and ALTO)."""
import hashlib
import json
import math
import cv2
import numpy as np
import pymupdf
import pytest
from lxml import etree
from pipeline import Options, export
from tests.factories import (
    EN_TEXT, ZH_TEXT, _pil_font, cer, degrade, encode_png, make_pdf, make_tiff, render_text_image, wrap_line,
)

EN_LINES = EN_TEXT[:8]
ZH_LINES = ZH_TEXT[:8]


def ocr(engine, data, **options):
    return list(engine.process(data, Options(**options)))


def document(name, kind, data, pages):
    return export.ExportDocument(name, hashlib.sha256(data).hexdigest(), kind, data, pages)


def to_points(box, pdf_page, result):
    sx, sy = pdf_page.rect.width / result.width, pdf_page.rect.height / result.height
    return pymupdf.Rect(box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)


def check_searchable_page(pdf_page, result, tol=1.0):
    """Extracted text matches the OCR text; each word lies inside the box of a line containing it."""
    assert result.lines, "the engine read nothing"
    assert cer(result.text, pdf_page.get_text()) <= 0.005
    # Spaces survive too (words are placed one by one, spaces stretched between them).
    assert cer(result.text, pdf_page.get_text(), ignore_whitespace=False) <= 0.005
    lines = [(to_points(ln.box, pdf_page, result), ln.text) for ln in result.lines]
    for x0, y0, x1, y1, word, *_ in pdf_page.get_text("words"):
        assert any(r.x0 - tol <= x0 and x1 <= r.x1 + tol and r.y0 - tol <= y0 and y1 <= r.y1 + tol and word in t
                   for r, t in lines), (word, (x0, y0, x1, y1))


@pytest.fixture(scope="module")
def image_pages(engine):
    """A clean English page and a scan-like Chinese page (tilted, blurred, noisy) as a TIFF."""
    en = render_text_image(EN_LINES, height=1100)
    zh = degrade(render_text_image(ZH_LINES, font="cjk", height=1100), angle=1.2, blur=0.6, noise=6)
    data = make_tiff([en, zh])
    return en, data, ocr(engine, data)


def test_searchable_pdf_from_ocred_images(image_pages):
    en_img, data, results = image_pages
    assert [r.source for r in results] == ["ocr", "ocr"]
    pdf = pymupdf.open("pdf", export.export("pdf", [document("scan.tiff", "tiff", data, results)]))
    assert pdf.page_count == 2
    for pdf_page, result in zip(pdf, results, strict=True):
        check_searchable_page(pdf_page, result)
    assert "上海明远科技有限公司" in pdf[1].get_text().replace(" ", "")
    # The text sits on the ink: each English line's extracted box overlaps where
    # factories.render_text_image drew that line (wrapped as it wraps them).
    font, step, margin = _pil_font("sans", 32), round(32 * 1.6), 120
    usable = en_img.shape[1] - 2 * margin
    drawn = [piece for text in EN_LINES for piece in wrap_line(text, lambda t: font.getlength(t) <= usable)]
    sx = pdf[0].rect.width / results[0].width
    extracted = [pymupdf.Rect(ln["bbox"]) for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])]
    for i, text in enumerate(drawn):
        x0, top, x1, bottom = font.getbbox(text)
        truth = pymupdf.Rect(margin + x0, margin + i * step + top, margin + x1, margin + i * step + bottom) * sx
        # Detection pads its boxes, so ask for covered ink and a similar height, not a tight fit.
        best = max(extracted, key=lambda r: abs(truth & r))
        assert abs(truth & best) / abs(truth) >= 0.9, (text, truth, best)
        assert best.height <= 1.6 * truth.height and best.width <= 1.3 * truth.width, (text, truth, best)


def test_searchable_pdf_keeps_text_layer_pages_and_fills_scanned_ones(engine):
    scanned = render_text_image(EN_LINES[:5], height=2339)
    original = make_pdf([{"text": ["A born-digital page with its own text layer.", "第二行中文文本。"]},
                         {"image": scanned, "dpi": 200}])
    results = ocr(engine, original)
    assert [r.source for r in results] == ["text_layer", "ocr"]
    before = pymupdf.open("pdf", original)
    after = pymupdf.open("pdf", export.export("pdf", [document("mixed.pdf", "pdf", original, results)]))
    assert after[0].read_contents() == before[0].read_contents()
    assert after[0].get_text() == before[0].get_text()
    check_searchable_page(after[1], results[1])
    assert after[1].get_pixmap(dpi=50).samples == before[1].get_pixmap(dpi=50).samples


def test_hocr_and_alto_of_engine_results_match_the_json(image_pages):
    _, data, results = image_pages
    doc = document("scan.tiff", "tiff", data, results)
    tree = json.loads(export.export("json", [doc]))
    pages = tree["documents"][0]["pages"]

    hocr = etree.fromstring(export.export("hocr", [doc]))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    for page_el, want in zip(hocr.xpath("//h:div[@class='ocr_page']", namespaces=ns), pages, strict=True):
        line_els = page_el.xpath(".//h:span[@class='ocr_line']", namespaces=ns)
        assert ["".join(el.itertext()) for el in line_els] == [ln["text"] for ln in want["lines"]]
        for el, ln in zip(line_els, want["lines"], strict=True):
            bbox = [int(v) for v in el.get("title").split(";")[0].split()[1:]]
            assert all(abs(a - b) <= 1 for a, b in zip(bbox, ln["box"], strict=True))

    alto = etree.fromstring(export.export("alto", [doc]))
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    for page_el, want in zip(alto.findall("a:Layout/a:Page", ns), pages, strict=True):
        assert (int(page_el.get("WIDTH")), int(page_el.get("HEIGHT"))) == (want["width"], want["height"])
        strings = [s.get("CONTENT") for s in page_el.iter("{*}String")]
        words = [w["text"] for ln in want["lines"] for w in (ln["words"] or [ln])]
        assert strings == words
        for s in page_el.iter("{*}String"):
            assert 0 <= float(s.get("WC")) <= 1
            x, y, w, h = (int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
            assert 0 <= x and 0 <= y and x + w <= want["width"] + 1 and y + h <= want["height"] + 1
    assert cer("".join(ZH_LINES), "".join(ln["text"] for ln in pages[1]["lines"])) <= 0.05


def test_txt_is_the_ocr_text_page_by_page(image_pages):
    _, data, results = image_pages
    text = export.export("txt", [document("scan.tiff", "tiff", data, results)]).decode()
    en, zh = text.split("\f")
    assert cer(" ".join(EN_LINES), en) <= 0.02
    assert cer("".join(ZH_LINES), zh) <= 0.05


def test_png_of_a_page_round_trips(engine):
    img = render_text_image(ZH_LINES[:4], font="cjk", height=700)
    data = encode_png(img)
    results = ocr(engine, data)
    pdf = pymupdf.open("pdf", export.export("pdf", [document("zh.png", "png", data, results)]))
    check_searchable_page(pdf[0], results[0])
    assert pdf[0].rect.width == pytest.approx(img.shape[1] * 72 / results[0].dpi, abs=0.01)
    # The page shows the image, pixel for pixel, and nothing else (the text is invisible).
    pix = pdf[0].get_pixmap(dpi=results[0].dpi, colorspace=pymupdf.csGRAY)
    shown = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    assert shown.shape == img.shape
    assert np.abs(shown.astype(int) - img).mean() < 1.0


def test_tilted_scan_text_follows_each_line(engine):
    """A page scanned 2.5° off: the engine deskews internally but reports boxes and
    polygons on the page as scanned; the text layer runs along each tilted line."""
    img = degrade(render_text_image(EN_LINES[:6], height=1000), angle=2.5, blur=0.5, noise=5)
    data = encode_png(img)
    (result,) = ocr(engine, data)
    assert abs(result.preprocessing["deskew_angle"]) > 1.5
    pdf = pymupdf.open("pdf", export.export("pdf", [document("tilted.png", "png", data, [result])]))
    check_searchable_page(pdf[0], result, tol=2.0)
    s = pdf[0].rect.width / result.width
    dirs = [ln["dir"] for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])]
    assert dirs
    for dx, dy in dirs:
        assert math.degrees(math.atan2(dy, dx)) == pytest.approx(-2.5, abs=0.7)
    # Each word's centre lies inside the polygon of a line that contains it.
    polygons = [(np.array(ln.polygon, np.float32) * s, ln.text) for ln in result.lines if ln.polygon]
    assert len(polygons) == len(result.lines)
    for x0, y0, x1, y1, word, *_ in pdf[0].get_text("words"):
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        assert any(cv2.pointPolygonTest(poly, centre, True) >= -1.0 and word in text for poly, text in polygons), word


@pytest.mark.parametrize("quarter_turns", [1, 2])
def test_turned_page_text_reads_along_its_lines(engine, quarter_turns):
    """A page scanned sideways or upside down: the engine reads it turned, reports
    boxes on the page as scanned, and the text layer runs along the printed lines."""
    img = np.ascontiguousarray(np.rot90(render_text_image(EN_LINES[:4], height=800), quarter_turns))
    data = encode_png(img)
    (result,) = ocr(engine, data)
    assert result.preprocessing["rotation"] == (360 - 90 * quarter_turns) % 360
    pdf = pymupdf.open("pdf", export.export("pdf", [document("turned.png", "png", data, [result])]))
    check_searchable_page(pdf[0], result, tol=1.5)
    want = {1: (0, -1), 2: (-1, 0)}[quarter_turns]  # counter-clockwise turns: text runs up, or right to left
    dirs = [ln["dir"] for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])]
    assert dirs and all(d == pytest.approx(want, abs=0.05) for d in dirs)  # within 3°: polygons of short lines wobble
