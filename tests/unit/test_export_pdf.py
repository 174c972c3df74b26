"""Searchable PDF export, checked by extracting the text back with PyMuPDF (and poppler)."""
import io
import math
import shutil
import subprocess
import zipfile

import numpy as np
import pymupdf
import pytest

from pipeline import export
from pipeline.result import Line, PageResult
from tests.factories import _pil_font, cer, encode_jpeg, encode_png, make_pdf, make_tiff, render_text_image
from tests.export_samples import english_line, mixed_document, page

EN = ["Invoice 2024-0417 issued by Northwind Supply Ltd.", "Payment terms: net 30 days from the invoice date."]
ZH = ["采购合同编号：HT-2024-0315。", "甲方：上海明远科技有限公司"]


def rendered_page(lines, font="sans", size_px=32, dpi=200, page_no=1):
    """A rendered page and the result an ideal engine would return for it:
    factories.render_text_image puts line i at y = margin + i * step."""
    img = render_text_image(lines, font=font, size_px=size_px)
    pil_font = _pil_font(font, size_px)
    step, margin = round(size_px * 1.6), 120
    result_lines = []
    for i, text in enumerate(lines):
        x0, top, x1, bottom = pil_font.getbbox(text)
        box = [margin + x0, margin + i * step + top, margin + x1, margin + i * step + bottom]
        result_lines.append(Line(text=text, confidence=0.95, box=[float(v) for v in box]))
    h, w = img.shape
    result = PageResult(page_no=page_no, width=w, height=h, dpi=dpi, source="ocr", text="\n".join(lines),
                        confidence=0.95, lines=result_lines, preprocessing={"rotation": 0, "deskew_angle": 0.0},
                        models={"det": "1" * 64, "rec": "2" * 64})
    return img, result


def points(box, page_rect, result):
    sx, sy = page_rect.width / result.width, page_rect.height / result.height
    return pymupdf.Rect(box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)


def assert_words_inside_lines(pdf_page, result, tol=1.0):
    words = pdf_page.get_text("words")
    assert words, "no text extracted"
    line_rects = [(points(ln.box, pdf_page.rect, result), ln.text) for ln in result.lines]
    for x0, y0, x1, y1, text, *_ in words:
        inside = [t for r, t in line_rects
                  if r.x0 - tol <= x0 and x1 <= r.x1 + tol and r.y0 - tol <= y0 and y1 <= r.y1 + tol]
        assert inside and any(text in t for t in inside), (text, (x0, y0, x1, y1))


def open_pdf(raw):
    return pymupdf.open("pdf", raw)


def test_image_input_becomes_pages_at_their_dpi_with_text_on_each_line():
    doc = mixed_document(data=make_tiff([np.full((2339, 1654), 255, np.uint8)] * 2), kind="tiff")
    pdf = open_pdf(export.export("pdf", [doc]))
    assert pdf.page_count == 2
    for pdf_page, result in zip(pdf, doc.pages, strict=True):
        assert pdf_page.rect.width == pytest.approx(1654 * 72 / 200, abs=0.01)
        assert pdf_page.rect.height == pytest.approx(2339 * 72 / 200, abs=0.01)
        assert cer(result.text, pdf_page.get_text()) == 0.0
        assert_words_inside_lines(pdf_page, result)
        # The image is there, under the text.
        assert len(pdf_page.get_images()) == 1


def test_line_text_is_stretched_to_the_line_box():
    doc = mixed_document(data=make_tiff([np.full((2339, 1654), 255, np.uint8)] * 2), kind="tiff")
    pdf = open_pdf(export.export("pdf", [doc]))
    for pdf_page, result in zip(pdf, doc.pages, strict=True):
        extracted = {
            "".join(s["text"] for s in ln["spans"]): pymupdf.Rect(ln["bbox"])
            for b in pdf_page.get_text("dict")["blocks"] for ln in b.get("lines", [])
        }
        for line in result.lines:
            want, got = points(line.box, pdf_page.rect, result), extracted[line.text]
            assert got.x0 == pytest.approx(want.x0, abs=0.5) and got.x1 == pytest.approx(want.x1, abs=0.5)
            assert got.y0 == pytest.approx(want.y0, abs=0.5) and got.y1 == pytest.approx(want.y1, abs=0.5)


def test_words_sit_on_their_own_boxes_with_real_spaces_between():
    doc = mixed_document(data=make_tiff([np.full((2339, 1654), 255, np.uint8)] * 2), kind="tiff")
    pdf = open_pdf(export.export("pdf", [doc]))
    first = doc.pages[0]
    want = [(w.text, points(w.box, pdf[0].rect, first)) for ln in first.lines for w in ln.words]
    got = pdf[0].get_text("words")
    assert [w[4] for w in got] == [t for t, _ in want]
    for (x0, y0, x1, y1, *_), (_, box) in zip(got, want):
        assert x0 == pytest.approx(box.x0, abs=0.5) and x1 == pytest.approx(box.x1, abs=0.5)
    # One unbroken line per OCR line, spaces included, for every reader.
    assert pdf[0].get_text().splitlines() == [ln.text for ln in first.lines]
    poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", "-", "-"],
                             input=pdf.tobytes(), capture_output=True, check=True).stdout.decode()
    assert [t for t in poppler.splitlines() if t.strip()] == [ln.text for ln in first.lines]


def test_text_is_invisible():
    img, result = rendered_page(EN)
    blank = np.full_like(img, 255)
    doc = export.ExportDocument("blank.png", "0" * 64, "png", encode_png(blank), [result])
    pdf = open_pdf(export.export("pdf", [doc]))
    assert "Invoice" in pdf[0].get_text()
    pix = pdf[0].get_pixmap(dpi=50, colorspace=pymupdf.csGRAY)
    assert min(pix.samples) == 255, "render mode 3 text must not paint anything"


def test_rendered_english_and_chinese_pages_round_trip():
    en_img, en = rendered_page(EN)
    zh_img, zh = rendered_page(ZH, font="cjk", page_no=2)
    zh_img = np.pad(zh_img, ((0, en_img.shape[0] - zh_img.shape[0]), (0, 0)), constant_values=255) \
        if zh_img.shape[0] < en_img.shape[0] else zh_img
    zh.height = zh_img.shape[0]
    en_img = np.pad(en_img, ((0, zh_img.shape[0] - en_img.shape[0]), (0, 0)), constant_values=255)
    en.height = en_img.shape[0]
    doc = export.ExportDocument("p.tiff", "9" * 64, "tiff", make_tiff([en_img, zh_img]), [en, zh])
    raw = export.export("pdf", [doc])
    pdf = open_pdf(raw)
    for pdf_page, result in zip(pdf, doc.pages, strict=True):
        assert cer(result.text, pdf_page.get_text()) <= 0.005
        assert_words_inside_lines(pdf_page, result)
    # Another reader (poppler) gets the same text, CJK included.
    assert shutil.which("pdftotext"), "pdftotext missing: install the Debian package poppler-utils"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=raw, capture_output=True,
                          check=True).stdout.decode()
    assert cer("\n".join(EN + ZH), text) <= 0.005
    assert "上海明远科技有限公司" in text


def test_pdf_input_keeps_text_layer_pages_and_adds_text_to_scanned_ones():
    img, scanned = rendered_page(EN, page_no=2)
    original = make_pdf([{"text": ["Born digital text layer page."]}, {"image": img, "dpi": 200},
                         {"image": img, "dpi": 200}])
    text_page = page(1, [english_line("Born digital text layer page.", 200, 200)], source="text_layer")
    doc = export.ExportDocument("in.pdf", "a" * 64, "pdf", original, [text_page, scanned])  # page 3: no result
    before = open_pdf(original)
    after = open_pdf(export.export("pdf", [doc]))
    assert after.page_count == 3
    # The text-layer page is kept as it was: same content, same text, same pixels.
    assert after[0].read_contents() == before[0].read_contents()
    assert after[0].get_text() == before[0].get_text()
    assert after[0].get_pixmap(dpi=40).samples == before[0].get_pixmap(dpi=40).samples
    # The scanned page gets the OCR text, placed on its lines, and looks the same.
    assert before[1].get_text() == ""
    assert cer(scanned.text, after[1].get_text()) <= 0.005
    assert_words_inside_lines(after[1], scanned)
    assert after[1].get_pixmap(dpi=40).samples == before[1].get_pixmap(dpi=40).samples
    # A page without a result is left alone.
    assert after[2].get_text() == ""


def test_rotated_pdf_page_places_text_in_the_page_as_shown():
    img = np.full((2339, 1654), 255, np.uint8)
    src = pymupdf.open("pdf", make_pdf([{"image": img, "dpi": 200}]))
    src[0].set_rotation(90)
    original = src.tobytes()
    shown = src[0].rect  # landscape now
    # The engine renders the page as shown: width and height swap.
    h, w = round(shown.height * 200 / 72), round(shown.width * 200 / 72)
    lines = [english_line("Rotated page text", 300, 200), english_line("second line here", 300, 260)]
    result = page(1, lines, width=w, height=h)
    pdf = open_pdf(export.export("pdf", [export.ExportDocument("r.pdf", "b" * 64, "pdf", original, [result])]))
    assert pdf[0].rotation == 90
    assert cer(result.text, pdf[0].get_text()) == 0.0
    assert_words_inside_lines(pdf[0], result)
    for block in pdf[0].get_text("dict")["blocks"]:
        for ln in block.get("lines", []):
            assert ln["dir"] == pytest.approx((1.0, 0.0)), "text must run along the shown lines"


def test_tilted_line_follows_its_polygon():
    angle = math.radians(3)
    x0, y0, length, height = 200.0, 400.0, 800.0, 40.0
    top_right = [x0 + length * math.cos(angle), y0 + length * math.sin(angle)]
    polygon = [[x0, y0], top_right, [top_right[0] - height * math.sin(angle), top_right[1] + height * math.cos(angle)],
               [x0 - height * math.sin(angle), y0 + height * math.cos(angle)]]
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    line = Line("a slightly tilted line of text", 0.9, [min(xs), min(ys), max(xs), max(ys)], polygon=polygon)
    result = page(1, [line])
    doc = export.ExportDocument("t.png", "c" * 64, "png", encode_png(np.full((2339, 1654), 255, np.uint8)), [result])
    pdf = open_pdf(export.export("pdf", [doc]))
    (ln,) = [ln for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])]
    assert math.degrees(math.atan2(ln["dir"][1], ln["dir"][0])) == pytest.approx(3, abs=0.2)
    assert "".join(s["text"] for s in ln["spans"]) == line.text
    assert_words_inside_lines(pdf[0], result, tol=2.0)


def test_jpeg_goes_in_without_recompression():
    img, result = rendered_page(EN)
    jpeg = encode_jpeg(img, quality=70)
    pdf = open_pdf(export.export("pdf", [export.ExportDocument("s.jpg", "d" * 64, "jpeg", jpeg, [result])]))
    (xref, *_), = pdf[0].get_images()
    assert pdf.extract_image(xref)["image"] == jpeg


def test_provenance_is_written_per_page():
    doc = mixed_document(data=make_tiff([np.full((2339, 1654), 255, np.uint8)] * 2), kind="tiff")
    pdf = open_pdf(export.export("pdf", [doc]))
    kind, value = pdf.xref_get_key(pdf[0].xref, "PieceInfo")
    assert kind == "dict"
    assert "c" * 64 in value and "/PageNo 1" in value and "/Dpi 200" in value and "/DeskewAngle .4" in value
    for name, digest in doc.pages[0].models.items():
        assert f"{name}:{digest}" in value
    assert "/PageNo 2" in pdf.xref_get_key(pdf[1].xref, "PieceInfo")[1]
    assert pdf.metadata["subject"] == "sha256:" + "c" * 64


def test_several_documents_make_a_zip_of_pdfs():
    a = mixed_document(data=make_tiff([np.full((2339, 1654), 255, np.uint8)] * 2), kind="tiff", filename="a.tif")
    img, result = rendered_page(ZH, font="cjk")
    b = export.ExportDocument("b.png", "e" * 64, "png", encode_png(img), [result])
    raw = export.export("pdf", [a, b])
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert zf.namelist() == ["0001-a.tif.pdf", "0002-b.png.pdf"]
        second = open_pdf(zf.read("0002-b.png.pdf"))
    assert cer("".join(ZH), second[0].get_text()) <= 0.005


def test_small_pdf_despite_the_cjk_font():
    img, result = rendered_page(ZH, font="cjk")
    raw = export.export("pdf", [export.ExportDocument("b.png", "e" * 64, "png", encode_png(img), [result])])
    assert len(raw) < len(encode_png(img)) + 60_000  # the font is subset, not embedded whole (1.7 MB)


def test_missing_original_has_a_code():
    with pytest.raises(export.ExportSourceMissingError) as err:
        export.export("pdf", [mixed_document(data=None)])
    assert err.value.code == "export_source_missing"


def test_corrupt_original_has_a_code():
    doc = export.ExportDocument("x.pdf", "f" * 64, "pdf", b"%PDF-1.7 truncated", [page(1, [])])
    with pytest.raises(Exception) as err:
        export.export("pdf", [doc])
    assert getattr(err.value, "code", None) == "corrupt_file"


def test_jpeg_exif_orientation_is_applied_like_the_engine_does():
    from PIL import Image

    img, _ = rendered_page(EN)
    pil = Image.fromarray(img)
    exif = pil.getexif()
    exif[0x0112] = 6  # shown turned 90° clockwise: the engine reads it portrait-turned
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", exif=exif.tobytes())
    h, w = img.shape  # the upright image is h wide and w high
    result = page(1, [english_line("turned page", 20, 40)], width=h, height=w)
    pdf = open_pdf(export.export("pdf", [export.ExportDocument("t.jpg", "0" * 64, "jpeg", buf.getvalue(), [result])]))
    assert pdf[0].rect.width == pytest.approx(h * 72 / 200, abs=0.01)
    assert pdf[0].rect.height == pytest.approx(w * 72 / 200, abs=0.01)
    (xref, *_), = pdf[0].get_images()
    info = pdf.extract_image(xref)
    assert (info["width"], info["height"]) == (h, w)
    assert pdf[0].get_text().strip() == "turned page"


@pytest.mark.parametrize("rotation, direction", [(90, (0, 1)), (180, (-1, 0)), (270, (0, -1))])
def test_lines_of_a_turned_page_read_in_the_page_rotation(rotation, direction):
    """Without polygons, a page the engine read turned gets text running the same way."""
    if rotation == 180:
        boxes = [[300.0, 1500.0, 900.0, 1540.0], [300.0, 1440.0, 800.0, 1480.0]]
    else:
        boxes = [[700.0, 300.0, 740.0, 900.0], [760.0, 300.0, 800.0, 800.0]]
    texts = ["turned text line one", "and line two"]
    lines = [Line(t, 0.9, b) for t, b in zip(texts, boxes)]
    result = page(1, lines, rotation=rotation)
    doc = export.ExportDocument("t.png", "c" * 64, "png", encode_png(np.full((2339, 1654), 255, np.uint8)), [result])
    pdf = open_pdf(export.export("pdf", [doc]))
    got = [ln for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])]
    assert ["".join(s["text"] for s in ln["spans"]) for ln in got] == texts
    for ln in got:
        assert ln["dir"] == pytest.approx(direction, abs=1e-3)
    assert_words_inside_lines(pdf[0], result)


@pytest.mark.parametrize("mediabox, cropbox", [
    ("[0 0 595 842]", "[40 60 555 800]"),
    ("[100 200 695 1042]", None),
    ("[0 -842 595 0]", "[20 -822 575 -20]"),
])
def test_offset_media_and_crop_boxes(mediabox, cropbox):
    """The engine renders the visible (crop) box; the text must land there too."""
    src = pymupdf.open("pdf", make_pdf([{"image": np.full((2339, 1654), 255, np.uint8), "dpi": 200}]))
    src.xref_set_key(src[0].xref, "MediaBox", mediabox)
    if cropbox:
        src.xref_set_key(src[0].xref, "CropBox", cropbox)
    original = src.tobytes()
    shown = pymupdf.open("pdf", original)[0].rect
    w, h = round(shown.width * 200 / 72), round(shown.height * 200 / 72)
    result = page(1, [english_line("Cropped page text", 150, 200), english_line("near the edge", 20, h - 60)],
                  width=w, height=h)
    pdf = open_pdf(export.export("pdf", [export.ExportDocument("c.pdf", "b" * 64, "pdf", original, [result])]))
    assert cer(result.text, pdf[0].get_text()) == 0.0
    assert_words_inside_lines(pdf[0], result)
