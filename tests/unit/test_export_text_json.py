import json

import pytest

from pipeline import export
from pipeline.result import PageResult
from tests.export_samples import english_line, mixed_document, page


def test_txt_separates_pages_and_documents_with_form_feeds():
    a = mixed_document()
    b = export.ExportDocument("b.png", "d" * 64, "png", None, [page(1, [english_line("second doc", 10, 10)])])
    out = export.export("txt", [a, b]).decode("utf-8")
    assert out.split("\f") == [
        "The quick brown fox\njumps over the lazy dog.\nInvoice No. 4711 & <tags>",
        "光学字符识别\n文档处理流水线\nTotal: 42 EUR",
        "second doc",
    ]


def test_txt_keeps_empty_pages_as_empty_segments():
    doc = export.ExportDocument("x.pdf", "e" * 64, "pdf", None, [page(1, []), page(2, [english_line("hi", 1, 1)])])
    assert export.export("txt", [doc]) == b"\fhi"


def test_json_round_trips_the_result_tree_with_provenance():
    doc = mixed_document()
    tree = json.loads(export.export("json", [doc]))
    assert [d["filename"] for d in tree["documents"]] == ["scan 1.png"]
    pages = tree["documents"][0]["pages"]
    for got, want in zip(pages, doc.pages, strict=True):
        assert PageResult.from_dict(got) == want
        prov = got["provenance"]
        assert prov["source_sha256"] == "c" * 64
        assert prov["page_no"] == want.page_no
        assert prov["dpi"] == 200
        assert prov["models"] == want.models
    assert pages[0]["provenance"]["deskew_angle"] == 0.4
    assert pages[0]["lines"][0]["words"][1] == {"text": "quick", "confidence": pytest.approx(0.96), "box": [184, 120, 264, 152]}


def test_unknown_format_is_a_value_error_with_a_code():
    with pytest.raises(ValueError) as err:
        export.export("docx", [mixed_document()])
    assert err.value.code == "unknown_format"
    assert "txt" in str(err.value)


def test_media_types_cover_every_format():
    assert export.FORMATS["txt"].startswith("text/plain")
    assert export.FORMATS["json"] == "application/json"
    for fmt in export.FORMATS:
        assert export.media_type(fmt, 1) == export.FORMATS[fmt]


def test_unknown_document_kind_is_refused():
    with pytest.raises(ValueError):
        export.ExportDocument("x.doc", "0" * 64, "doc", None, [])


def test_the_contract_others_code_against():
    assert set(export.FORMATS) == {"txt", "json", "hocr", "alto", "md", "pdf", "pdfa"}
    assert export.FORMATS["pdf"] == export.FORMATS["pdfa"] == "application/pdf"
    assert export.media_type("pdf", 3) == export.media_type("pdfa", 2) == export.media_type("alto", 2) == "application/zip"
    assert export.media_type("md", 3) == export.FORMATS["md"]
    assert export.media_type("txt", 3) == export.FORMATS["txt"]
    doc = mixed_document()
    with pytest.raises(AttributeError):
        doc.filename = "changed"  # frozen
    assert export.export("txt", []) == b""
