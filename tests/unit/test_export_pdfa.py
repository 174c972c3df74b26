"""PDF/A-2b export of a mixed job, each requirement checked with pikepdf (no PDF/A validator installs here:
veraPDF is neither on PyPI nor in Debian), and its text read back with PyMuPDF, CJK included."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pikepdf
import pymupdf
import pytest
from lxml import etree
from PIL import ImageCms

from pipeline import Engine, EngineConfig, Options
from pipeline.export import ExportDocument, ExportSourceMissingError, export, media_type
from tests.factories import ZH_TEXT, cer, encode_png, make_pdf, render_text_image
from tests.manual_factory import manual_pdf, manual_scan_image

XMP_NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
          "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
          "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/"}


def _mixed_pdf() -> bytes:
    """Page 1 born-digital with embedded fonts and a link; 2 born-digital in Helvetica (not embedded)
    with Chinese in PyMuPDF's built-in CJK font (not embedded either); 3 a scan; 4 a Chinese scan;
    5 born-digital with a half-transparent box. The file opens with a script."""
    doc = pymupdf.open(stream=manual_pdf(), filetype="pdf")
    doc[0].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 80, 300, 105), "uri": "https://example.org/"})
    base = pymupdf.open(stream=make_pdf([
        {"text": ["Shipping notes for the second quarter, printed in Helvetica.", ZH_TEXT[0], ZH_TEXT[3]]},
        {"image": manual_scan_image(), "dpi": 200},
        {"image": render_text_image(ZH_TEXT[:4], font="cjk", size_px=40), "dpi": 200},
        {"text": ["This page has a translucent highlight over its first line of text."]},
    ]), filetype="pdf")
    base[3].draw_rect(pymupdf.Rect(60, 60, 400, 100), color=None, fill=(1, 1, 0), fill_opacity=0.4)
    doc.insert_pdf(base)
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


@pytest.fixture(scope="module")
def job():
    data = _mixed_pdf()
    engine = Engine(EngineConfig(threads=1))
    pages = list(engine.process(data, Options(tables=True)))
    assert [p.source for p in pages] == ["text_layer", "text_layer", "ocr", "ocr", "text_layer"]
    doc = ExportDocument(filename="mixed job.pdf", sha256="a1" * 32, kind="pdf", data=data, pages=pages)
    return doc, export("pdfa", [doc])


def _pdf_date(value: str) -> datetime:
    return datetime.strptime(value[2:16], "%Y%m%d%H%M%S")


def _xmp_date(value: str) -> datetime:
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")


def test_file_structure_metadata_and_output_intent(job):
    doc, raw = job
    assert media_type("pdfa") == "application/pdf"
    header = re.match(rb"%PDF-1\.(\d)\r?\n%(.{4})", raw)
    assert header and int(header.group(1)) >= 4 and all(b > 127 for b in header.group(2))
    pdf = pikepdf.open(io.BytesIO(raw))
    assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
    assert len(pdf.trailer.ID) == 2
    meta = pdf.Root.Metadata
    assert (meta.Type, meta.Subtype) == ("/Metadata", "/XML") and "/Filter" not in meta
    xmp = etree.fromstring(meta.read_bytes())
    desc = xmp.find(".//rdf:Description", XMP_NS)
    assert desc.findtext("pdfaid:part", namespaces=XMP_NS) == "2"
    assert desc.findtext("pdfaid:conformance", namespaces=XMP_NS) == "B"
    info = pdf.trailer.Info
    assert desc.findtext("dc:title/rdf:Alt/rdf:li", namespaces=XMP_NS) == str(info.Title) == "mixed job.pdf"
    assert desc.findtext("pdf:Producer", namespaces=XMP_NS) == str(info.Producer) == "docpipe"
    assert desc.findtext("xmp:CreatorTool", namespaces=XMP_NS) == str(info.Creator)
    assert desc.findtext("dc:source", namespaces=XMP_NS) == f"sha256:{doc.sha256}"
    assert _xmp_date(desc.findtext("xmp:CreateDate", namespaces=XMP_NS)) == _pdf_date(str(info.CreationDate))
    assert _xmp_date(desc.findtext("xmp:ModifyDate", namespaces=XMP_NS)) == _pdf_date(str(info.ModDate))
    for key in info.keys():  # every Info entry with an XMP twin has it
        assert key in ("/Title", "/Subject", "/Producer", "/Creator", "/CreationDate", "/ModDate"), key
    (intent,) = list(pdf.Root.OutputIntents)
    assert intent.S == "/GTS_PDFA1" and intent.OutputConditionIdentifier
    profile = intent.DestOutputProfile
    assert int(profile.N) == 3
    icc = ImageCms.ImageCmsProfile(io.BytesIO(profile.read_bytes()))
    assert icc.profile.xcolor_space.strip() == "RGB" and icc.profile.version == pytest.approx(4.2)


def _font_dicts(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            yield obj


def test_fonts_embedded_no_transparency_scripts_or_cmyk(job):
    _, raw = job
    pdf = pikepdf.open(io.BytesIO(raw))
    fonts = list(_font_dicts(pdf))
    assert fonts
    for font in fonts:
        subtype = font.Subtype
        if subtype == "/Type3":
            continue
        if subtype == "/Type0":
            assert "/ToUnicode" in font
            (font,) = list(font.DescendantFonts)
            if font.Subtype == "/CIDFontType2":
                assert "/CIDToGIDMap" in font
        files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(font.FontDescriptor.keys())
        assert files, f"{font.get('/BaseFont')} is not embedded"
    for obj in pdf.objects:
        d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(d, pikepdf.Dictionary):
            continue
        assert "/JS" not in d and "/JavaScript" not in d and "/AA" not in d and "/EmbeddedFiles" not in d
        assert d.get("/SMask", pikepdf.Name.None_) == pikepdf.Name.None_, "soft mask"
        for key in ("/CA", "/ca"):
            assert float(d.get(key, 1)) == 1.0
        assert d.get("/BM", pikepdf.Name.Normal) in (pikepdf.Name.Normal, pikepdf.Name.Compatible)
        group = d.get("/Group")
        assert group is None or group.get("/S") != "/Transparency"
        assert d.get("/ColorSpace") != "/DeviceCMYK"
        if d.get("/Type") == "/Annot":
            assert int(d.F) & 4 and not int(d.F) & 0b100011  # printable, not hidden/invisible/noview
    assert "/OpenAction" not in pdf.Root and "/Names" not in pdf.Root
    for page in pdf.pages:
        assert "/Group" not in page.obj or page.Group.get("/S") != "/Transparency"


def test_extracted_text_matches_the_results_cjk_included(job):
    doc, raw = job
    with pymupdf.open(stream=raw, filetype="pdf") as out:
        assert out.page_count == len(doc.pages)
        for page, result in zip(out, doc.pages):
            text = page.get_text()
            assert cer(result.text, text) <= 0.02, (result.page_no, result.text[:80], text[:80])
        assert ZH_TEXT[0] in "".join(out[1].get_text().split())
        assert "".join(ZH_TEXT[1].split())[:10] in "".join(out[3].get_text().split())
        links = out[0].get_links()
        assert [link.get("uri") for link in links] == ["https://example.org/"]


def test_image_input_loses_its_alpha_and_pdfa_needs_the_original():
    import numpy as np
    from PIL import Image

    rgba = np.dstack([render_text_image(["Alpha channel page"], height=600)] * 3 + [np.full((600, 1654), 200, np.uint8)])
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG")
    engine = Engine(EngineConfig(threads=1))
    pages = list(engine.process(buf.getvalue(), Options()))
    doc = ExportDocument("alpha.png", "b2" * 32, "png", buf.getvalue(), pages)
    pdf = pikepdf.open(io.BytesIO(export("pdfa", [doc])))
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Subtype") == "/Image":
            assert "/SMask" not in obj.stream_dict
    with pytest.raises(ExportSourceMissingError):
        export("pdfa", [ExportDocument("alpha.png", "b2" * 32, "png", None, pages)])
