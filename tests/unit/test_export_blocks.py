"""hOCR and ALTO carry a page's typed blocks: the generated manual page read back with lxml."""
from __future__ import annotations

import pytest
from lxml import etree

from pipeline import Options
from pipeline.export import ExportDocument, export
from pipeline.ingest import open_document
from pipeline.textlayer import read_text_layer
from tests.manual_factory import HEADER, MANUAL, PAGE_NUMBER, TABLE, manual_pdf

XHTML = {"h": "http://www.w3.org/1999/xhtml"}
ALTO = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
HOCR_FLOATS = {"table": "ocr_table", "header": "ocr_header", "page_number": "ocr_pageno"}


@pytest.fixture(scope="module")
def manual_doc() -> ExportDocument:
    with open_document(manual_pdf()) as doc:
        result = read_text_layer(doc, 1, Options(tables=True))
    return ExportDocument(filename="manual.pdf", sha256="f" * 64, kind="pdf", data=None, pages=[result])


def _local(el) -> str:
    return etree.QName(el).localname


def _props(title: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in title.split(";"))


def test_hocr_writes_each_block_as_an_area_or_float_of_its_type(manual_doc):
    root = etree.fromstring(export("hocr", [manual_doc]))
    page = root.xpath("//h:div[@class='ocr_page']", namespaces=XHTML)[0]
    got = []
    for child in page:
        cls = child.get("class")
        if cls == "ocr_carea":
            par = child.find("h:p[@class='ocr_par']", XHTML)
            props = _props(par.get("title"))
            got.append((props["x_type"], " ".join(" ".join(ln.itertext()) for ln in par)))
            if props["x_type"] == "heading":
                assert int(props["x_level"]) in (1, 2)
                assert {ln.get("class") for ln in par} == {"ocr_line"}
        else:
            kind = {v: k for k, v in HOCR_FLOATS.items()}[cls]
            got.append((kind, " ".join(" ".join(ln.itertext()) for ln in child)))
    assert [t for t, _ in got] == [t for t, _ in MANUAL]
    assert [" ".join(x.split()) for _, x in got] == [" ".join(x.split()) for _, x in MANUAL]
    caps = root.xpath("//h:meta[@name='ocr-capabilities']/@content", namespaces=XHTML)[0].split()
    assert {"ocr_carea", "ocr_par", "ocr_table", "ocr_pageno", "ocr_header"} <= set(caps)


def test_alto_tags_blocks_puts_the_table_in_a_composed_block_and_margins_apart(manual_doc):
    root = etree.fromstring(export("alto", [manual_doc]))
    tags = {t.get("ID"): t.get("LABEL") for t in root.iterfind("a:Tags/a:LayoutTag", ALTO)}
    page = root.find("a:Layout/a:Page", ALTO)
    assert [_local(c) for c in page] == ["TopMargin", "BottomMargin", "PrintSpace"]
    assert [s.get("CONTENT") for s in page.find("a:TopMargin", ALTO).iter("{*}String")] == HEADER.split()
    assert [s.get("CONTENT") for s in page.find("a:BottomMargin", ALTO).iter("{*}String")] == [PAGE_NUMBER]
    body = page.find("a:PrintSpace", ALTO)
    kinds = [(_local(c), tags[c.get("TAGREFS")]) for c in body]
    want = [t for t, _ in MANUAL if t not in ("header", "page_number")]
    assert [label for _, label in kinds] == want
    table = body[want.index("table")]
    assert (_local(table), table.get("TYPE")) == ("ComposedBlock", "table")
    cells = [" ".join(s.get("CONTENT") for s in block.iter("{*}String")) for block in table]
    assert cells == [text for row in TABLE for text in row]  # one TextBlock per cell, row by row
    headings = [c for c in body if tags[c.get("TAGREFS")] == "heading"]
    assert [c.get("TAGREFS") for c in headings] == ["TAG_heading_1", "TAG_heading_2", "TAG_heading_2"]
