"""hOCR and ALTO parsed back with lxml: text, boxes and provenance match the JSON."""
import io
import json
import re
import zipfile

import pytest
from lxml import etree

from pipeline import export
from tests.export_samples import chinese_line, english_line, mixed_document, page

XHTML = {"h": "http://www.w3.org/1999/xhtml"}
ALTO = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}


def _json_pages(doc):
    return json.loads(export.export("json", [doc]))["documents"][0]["pages"]


def _expected_words(line: dict) -> list[tuple[str, list[int], float]]:
    # Lines without word boxes (CJK) are written as one word spanning the line.
    words = line["words"] or [{"text": line["text"], "box": line["box"], "confidence": line["confidence"]}]
    return [(w["text"], [round(v) for v in w["box"]], w["confidence"]) for w in words]


def _title_props(title: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in title.split(";"))


def _bbox(title: str) -> list[int]:
    return [int(v) for v in _title_props(title)["bbox"].split()]


# --- hOCR ---------------------------------------------------------------------------------

def test_hocr_parses_and_matches_the_json_words_and_boxes():
    doc = mixed_document()
    root = etree.fromstring(export.export("hocr", [doc]))
    assert root.xpath("//h:meta[@name='ocr-system']/@content", namespaces=XHTML) == ["docpipe"]
    caps = root.xpath("//h:meta[@name='ocr-capabilities']/@content", namespaces=XHTML)[0].split()
    assert {"ocr_page", "ocr_carea", "ocr_line", "ocrx_word"} <= set(caps)

    pages = root.xpath("//h:div[@class='ocr_page']", namespaces=XHTML)
    assert len(pages) == 2
    for page_el, want in zip(pages, _json_pages(doc), strict=True):
        props = _title_props(page_el.get("title"))
        assert props["image"] == '"scan 1.png"'
        assert _bbox(page_el.get("title")) == [0, 0, want["width"], want["height"]]
        assert int(props["ppageno"]) == want["page_no"] - 1
        assert props["x_source"] == "ocr" and props["x_sha256"] == "c" * 64
        assert props["scan_res"] == "200 200"
        lines = page_el.xpath(".//h:span[@class='ocr_line']", namespaces=XHTML)
        assert len(lines) == len(want["lines"])
        for line_el, line in zip(lines, want["lines"], strict=True):
            assert _bbox(line_el.get("title")) == [round(v) for v in line["box"]]
            got = [
                (w.text, _bbox(w.get("title")), int(_title_props(w.get("title"))["x_wconf"]))
                for w in line_el.xpath("h:span[@class='ocrx_word']", namespaces=XHTML)
            ]
            assert got == [(t, b, round(c * 100)) for t, b, c in _expected_words(line)]
            # The line's own text (words joined by the spaces between them) reads as the line.
            assert "".join(line_el.itertext()) == line["text"]


def test_hocr_groups_lines_into_one_carea_per_block():
    root = etree.fromstring(export.export("hocr", [mixed_document()]))
    first = root.xpath("//h:div[@class='ocr_page']", namespaces=XHTML)[0]
    areas = first.xpath("h:div[@class='ocr_carea']", namespaces=XHTML)
    assert [len(a.xpath("h:p/h:span[@class='ocr_line']", namespaces=XHTML)) for a in areas] == [2, 1]
    assert _bbox(areas[0].get("title")) == [120, 120, 504, 202]  # union of its two lines


def test_hocr_keeps_cjk_line_as_one_word_and_escapes_markup():
    raw = export.export("hocr", [mixed_document()])
    assert "光学字符识别".encode() in raw and b"&lt;tags&gt;" in raw and b"&amp;" in raw
    root = etree.fromstring(raw)
    words = root.xpath("//h:span[@class='ocrx_word']/text()", namespaces=XHTML)
    assert "光学字符识别" in words and "<tags>" in words


def test_hocr_puts_every_document_in_one_file_naming_each_source():
    a = mixed_document()
    b = export.ExportDocument('odd "name"; x.tif', "d" * 64, "tiff", None, [page(1, [english_line("b", 1, 1)])])
    root = etree.fromstring(export.export("hocr", [a, b]))
    titles = root.xpath("//h:div[@class='ocr_page']/@title", namespaces=XHTML)
    assert len(titles) == 3
    assert _title_props(titles[2])["image"] == "\"odd 'name', x.tif\""
    assert _title_props(titles[2])["x_sha256"] == "d" * 64
    assert export.media_type("hocr", 2) == export.FORMATS["hocr"]


# --- ALTO ---------------------------------------------------------------------------------

REQUIRED = {
    "Page": {"ID", "PHYSICAL_IMG_NR", "WIDTH", "HEIGHT"},
    "PrintSpace": {"HPOS", "VPOS", "WIDTH", "HEIGHT"},
    "TextBlock": {"ID", "HPOS", "VPOS", "WIDTH", "HEIGHT"},
    "TextLine": {"HPOS", "VPOS", "WIDTH", "HEIGHT"},
    "String": {"CONTENT", "HPOS", "VPOS", "WIDTH", "HEIGHT", "WC"},
}
CHILDREN = {  # element → the only children ALTO v4 allows there (of the ones we write)
    "alto": ["Description", "Tags", "Layout"],
    "Tags": ["LayoutTag"],
    "Layout": ["Page"],
    "Page": ["TopMargin", "BottomMargin", "PrintSpace"],
    "TopMargin": ["TextBlock"],
    "BottomMargin": ["TextBlock"],
    "PrintSpace": ["TextBlock", "ComposedBlock", "Illustration"],
    "ComposedBlock": ["TextBlock", "Illustration", "GraphicalElement"],
    "TextBlock": ["TextLine"],
    "TextLine": ["String", "SP"],
}
# ALTO's sequences: the order these children must come in where they appear.
ORDER = {"alto": ["Description", "Styles", "Tags", "Layout"],
         "Page": ["TopMargin", "LeftMargin", "RightMargin", "BottomMargin", "PrintSpace"]}


def _local(el) -> str:
    return etree.QName(el).localname


def _check_alto_structure(root) -> None:
    assert root.tag == "{http://www.loc.gov/standards/alto/ns-v4#}alto"
    assert [_local(c) for c in root][0] == "Description" and [_local(c) for c in root][-1] == "Layout"
    tag_ids = {t.get("ID") for t in root.iterfind("a:Tags/a:LayoutTag", ALTO)}
    for el in root.iter():
        if el.get("TAGREFS") is not None:
            assert set(el.get("TAGREFS").split()) <= tag_ids
        if _local(el) in ORDER:
            kinds = [_local(c) for c in el]
            assert kinds == sorted(kinds, key=ORDER[_local(el)].index), kinds
    desc = root.find("a:Description", ALTO)
    order = [_local(c) for c in desc]
    assert order[0] == "MeasurementUnit" and desc[0].text == "pixel"
    assert order[1] == "sourceImageInformation"
    assert set(order[2:]) == {"OCRProcessing"}
    processing_ids = {p.get("ID") for p in desc.findall("a:OCRProcessing", ALTO)}
    for proc in desc.findall("a:OCRProcessing", ALTO):
        # ALTO's sequence: preProcessingStep*, ocrProcessingStep, postProcessingStep*.
        assert [_local(c) for c in proc] == ["preProcessingStep", "ocrProcessingStep"]
    ids = [el.get("ID") for el in root.iter() if el.get("ID")]
    assert len(ids) == len(set(ids)), "IDs must be unique"
    for el in root.iter():
        name = _local(el)
        if name in CHILDREN:
            assert {_local(c) for c in el} <= set(CHILDREN[name]), name
        if name in REQUIRED:
            assert REQUIRED[name] <= set(el.attrib), (name, el.attrib)
            for attr in REQUIRED[name] - {"ID", "CONTENT"}:
                float(el.get(attr))
        if name == "Page":
            assert el.get("PROCESSING") in processing_ids
        if name == "String":
            assert 0.0 <= float(el.get("WC")) <= 1.0
    for line in root.iter("{*}TextLine"):
        kinds = [_local(c) for c in line]
        assert kinds[0] == "String" and kinds[-1] == "String"
        assert all(a != b for a, b in zip(kinds, kinds[1:])), "String and SP alternate"


def test_alto_is_structurally_valid_v4():
    _check_alto_structure(etree.fromstring(export.export("alto", [mixed_document()])))


def test_alto_text_boxes_and_confidences_match_the_json():
    doc = mixed_document()
    root = etree.fromstring(export.export("alto", [doc]))
    pages = root.findall("a:Layout/a:Page", ALTO)
    for page_el, want in zip(pages, _json_pages(doc), strict=True):
        assert (int(page_el.get("WIDTH")), int(page_el.get("HEIGHT"))) == (want["width"], want["height"])
        assert int(page_el.get("PHYSICAL_IMG_NR")) == want["page_no"]
        lines = page_el.findall(".//a:TextLine", ALTO)
        assert len(lines) == len(want["lines"])
        for line_el, line in zip(lines, want["lines"], strict=True):
            x0, y0, x1, y1 = (round(v) for v in line["box"])
            assert [int(line_el.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")] == [x0, y0, x1 - x0, y1 - y0]
            got = []
            for s in line_el.findall("a:String", ALTO):
                h, v, w, ht = (int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
                got.append((s.get("CONTENT"), [h, v, h + w, v + ht], round(float(s.get("WC")), 2)))
            assert got == [(t, b, round(c, 2)) for t, b, c in _expected_words(line)]
            assert " ".join(s.get("CONTENT") for s in line_el.findall("a:String", ALTO)) == line["text"]
        blocks = page_el.findall(".//a:TextBlock", ALTO)
        assert len(blocks) == len({ln["block"] for ln in want["lines"]})


def test_alto_records_per_page_provenance():
    doc = mixed_document()
    root = etree.fromstring(export.export("alto", [doc]))
    assert root.findtext("a:Description/a:sourceImageInformation/a:fileName", namespaces=ALTO) == "scan 1.png"
    ident = root.find("a:Description/a:sourceImageInformation/a:fileIdentifier", ALTO)
    assert ident.text == "c" * 64
    page1 = root.find("a:Layout/a:Page", ALTO)
    proc = root.xpath("//a:OCRProcessing[@ID=$id]", namespaces=ALTO, id=page1.get("PROCESSING"))[0]
    settings = " ".join(proc.xpath(".//a:processingStepSettings/text()", namespaces=ALTO))
    assert "dpi=200" in settings and "deskew_angle=0.4" in settings and "rotation=0" in settings
    for name, digest in doc.pages[0].models.items():
        assert f"{name}:{digest}" in settings
    assert proc.findtext(".//a:softwareName", namespaces=ALTO) == "docpipe"


def test_alto_writes_a_zip_with_one_file_per_document():
    a = mixed_document()
    b = export.ExportDocument("../../etc/a.png", "d" * 64, "png", None, [page(1, [chinese_line("第二份", 10, 10)])])
    raw = export.export("alto", [a, b])
    assert export.media_type("alto", 2) == "application/zip"
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        names = zf.namelist()
        assert names == ["0001-scan 1.png.alto.xml", "0002-a.png.alto.xml"]
        second = etree.fromstring(zf.read(names[1]))
    _check_alto_structure(second)
    assert second.findtext(".//a:fileName", namespaces=ALTO) == "../../etc/a.png"
    assert [s.get("CONTENT") for s in second.iter("{*}String")] == ["第二份"]


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
def test_empty_and_text_layer_pages_stay_valid(fmt):
    doc = export.ExportDocument("t.pdf", "f" * 64, "pdf", None, [
        page(1, []),
        page(2, [english_line("from the text layer", 50, 50)], source="text_layer"),
    ])
    root = etree.fromstring(export.export(fmt, [doc]))
    if fmt == "alto":
        _check_alto_structure(root)
        settings = root.xpath("//a:OCRProcessing[@ID='OCR_2']//a:processingStepSettings/text()", namespaces=ALTO)
        assert any("source=text_layer" in s for s in settings)
    else:
        titles = root.xpath("//h:div[@class='ocr_page']/@title", namespaces=XHTML)
        assert re.search(r"x_source text_layer", titles[1])
        assert "from the text layer" in "".join(root.itertext())
    if fmt == "alto":
        assert [s.get("CONTENT") for s in root.iter("{*}String")] == ["from", "the", "text", "layer"]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_turned_lines_carry_their_angle(rotation):
    line = english_line("turned words", 700, 300)
    line.box = [700.0, 300.0, 740.0, 900.0] if rotation in (90, 270) else line.box
    doc = export.ExportDocument("t.png", "c" * 64, "png", None, [page(1, [line], rotation=rotation)])
    want = {0: None, 90: "-90.0", 180: "180.0", 270: "90.0"}[rotation]  # counter-clockwise
    hocr = etree.fromstring(export.export("hocr", [doc]))
    title = hocr.xpath("//h:span[@class='ocr_line']/@title", namespaces=XHTML)[0]
    assert _title_props(title).get("textangle") == want
    alto = etree.fromstring(export.export("alto", [doc]))
    assert alto.find(".//a:TextBlock", ALTO).get("ROTATION") == want


def test_tilted_polygon_gives_its_angle():
    line = english_line("a tilted line", 100, 100)
    line.polygon = [[100, 140], [500, 100], [504, 140], [104, 180]]  # rising to the right
    doc = export.ExportDocument("t.png", "c" * 64, "png", None, [page(1, [line])])
    hocr = etree.fromstring(export.export("hocr", [doc]))
    angle = float(_title_props(hocr.xpath("//h:span[@class='ocr_line']/@title", namespaces=XHTML)[0])["textangle"])
    assert angle == pytest.approx(5.7, abs=0.1)
    alto = etree.fromstring(export.export("alto", [doc]))
    assert float(alto.find(".//a:TextBlock", ALTO).get("ROTATION")) == pytest.approx(5.7, abs=0.1)


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
def test_control_characters_from_text_layers_do_not_break_the_xml(fmt):
    line = english_line("tab\there nul\x00 ff\x0c esc\x1b end", 10, 10)
    doc = export.ExportDocument("bad\x01name.pdf", "c" * 64, "pdf", None, [page(1, [line], source="text_layer")])
    root = etree.fromstring(export.export(fmt, [doc]))
    text = " ".join(root.itertext()) + " ".join(s.get("CONTENT") for s in root.iter("{*}String"))
    assert "nul" in text and "esc" in text and "\x00" not in text and "\x1b" not in text
