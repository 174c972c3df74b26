"""hOCR 1.2 (XHTML): ocr_page → ocr_carea → ocr_par → ocr_line → ocrx_word, one area per typed block.

A page's typed blocks (``pipeline/blocks.py``) become text areas, one
``ocr_par`` each with its type (``x_type``) and heading level
(``x_level``) in the title; every line stays an ``ocr_line``, so readers
that take only those lose nothing. Tables, figures,
running headers, footers and page numbers are hOCR floats: ``ocr_table``,
``ocr_photo``, ``ocr_header``, ``ocr_footer``, ``ocr_pageno`` (a div
holding their lines).

One file for all documents: hOCR holds many ``ocr_page``s and each names its
source file in ``image "..."``. ``ppageno`` counts from 0 within a document,
as Tesseract writes it; ``id="page_<doc>_<page_no>"`` carries the 1-based
number. Lines without word boxes (CJK lines: the recognizer does not
segment them) become one ``ocrx_word`` spanning the line. A line that does
not run left to right (tilted scan, page read turned) carries ``textangle``
(counter-clockwise degrees, from its polygon or the page's rotation). Provenance sits in
each page's title as ``x_`` properties: ``x_source``, ``x_sha256``,
``x_models``, ``x_rotation``, ``x_deskew``, plus ``scan_res`` (the DPI).
"""
from __future__ import annotations

from lxml import etree

from pipeline.export.document import SOFTWARE_NAME, ExportDocument, models_label, page_provenance, xml_text
from pipeline.blocks import blocks_of
from pipeline.export.geometry import LEVEL_TOLERANCE_DEG, int_box, reading_angle, union
from pipeline.result import Line, PageResult, Word

XHTML = "http://www.w3.org/1999/xhtml"
CAPABILITIES = ("ocr_page ocr_carea ocr_par ocr_line ocr_table ocr_photo ocr_header ocr_footer ocr_pageno "
                "ocrx_word ocrp_wconf")
_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{XHTML}}}{tag}", attrs)
    # A newline after each structural element keeps the file readable; lxml's
    # pretty printer would instead indent inside lines, changing their text.
    if tag != "span" or attrs.get("class") == "ocr_line":
        el.tail = "\n"
    if tag in ("head", "body", "div", "p"):
        el.text = "\n"
    return el


def _bbox(box: list[float]) -> str:
    return "bbox {} {} {} {}".format(*int_box(box))


def _wconf(confidence: float) -> int:
    return max(0, min(100, round(confidence * 100)))


def _quoted(value: str) -> str:
    # Title values are ';'-separated and double-quoted: keep both out of them.
    return '"' + xml_text(value).replace('"', "'").replace(";", ",") + '"'


def _page_title(doc: ExportDocument, page: PageResult) -> str:
    prov = page_provenance(doc, page)
    parts = [
        f"image {_quoted(doc.filename)}",
        f"bbox 0 0 {page.width} {page.height}",
        f"ppageno {page.page_no - 1}",
        f"scan_res {page.dpi} {page.dpi}",
        f"x_source {page.source}",
        f"x_sha256 {doc.sha256}",
        f"x_rotation {prov['rotation']}",
        f"x_deskew {prov['deskew_angle']:g}",
    ]
    if page.models:
        parts.append(f"x_models {_quoted(models_label(page.models))}")
    return "; ".join(parts)


def _line_words(line: Line) -> list[Word]:
    return line.words or [Word(line.text, line.confidence, line.box)]


# Typed blocks that hOCR has a float class for; the rest are text areas (ocr_carea → ocr_par).
_FLOATS = {"table": "ocr_table", "figure": "ocr_photo", "header": "ocr_header", "footer": "ocr_footer",
           "page_number": "ocr_pageno"}


class _Counter:
    def __init__(self) -> None:
        self.line = self.word = 0


def _write_page(body: etree._Element, doc_no: int, doc: ExportDocument, page: PageResult) -> None:
    pid = f"{doc_no}_{page.page_no}"
    div = _el(body, "div", **{"class": "ocr_page", "id": f"page_{pid}", "title": _page_title(doc, page)})
    count = _Counter()
    rotation = int(page.preprocessing.get("rotation", 0) or 0)
    for n_block, block in enumerate(blocks_of(page), start=1):
        lines = [page.lines[i] for i in block.lines]
        if block.type in _FLOATS:
            container = _el(div, "div", **{"class": _FLOATS[block.type], "id": f"block_{pid}_{n_block}",
                                           "title": _bbox(block.box)})
        else:
            area = _el(div, "div", **{"class": "ocr_carea", "id": f"block_{pid}_{n_block}",
                                      "title": _bbox(union(ln.box for ln in lines))})
            title = f"{_bbox(union(ln.box for ln in lines))}; x_type {block.type}"
            if block.level is not None:
                title += f"; x_level {block.level}"
            container = _el(area, "p", **{"class": "ocr_par", "id": f"par_{pid}_{n_block}", "title": title})
        for line in lines:
            _write_line(container, pid, line, "ocr_line", rotation, count)


def _write_line(parent: etree._Element, pid: str, line: Line, cls: str, rotation: int, count: _Counter) -> None:
    count.line += 1
    title = f"{_bbox(line.box)}; x_wconf {_wconf(line.confidence)}"
    angle = reading_angle(line, rotation)
    if abs(angle) >= LEVEL_TOLERANCE_DEG:
        title += f"; textangle {angle:.1f}"
    span = _el(parent, "span", **{"class": cls, "id": f"line_{pid}_{count.line}", "title": title})
    words = _line_words(line)
    for i, word in enumerate(words):
        count.word += 1
        w = _el(span, "span", **{
            "class": "ocrx_word", "id": f"word_{pid}_{count.word}",
            "title": f"{_bbox(word.box)}; x_wconf {_wconf(word.confidence)}",
        })
        w.text = xml_text(word.text)
        # Spaces between words keep the page's plain text readable.
        w.tail = " " if i < len(words) - 1 else None


def hocr_tree(documents: list[ExportDocument]) -> etree._Element:
    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    html.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    html.text = "\n"
    head = _el(html, "head")
    _el(head, "title").text = xml_text(", ".join(doc.filename for doc in documents)) or "docpipe"
    _el(head, "meta", **{"http-equiv": "Content-Type", "content": "text/html; charset=utf-8"})
    _el(head, "meta", name="ocr-system", content=SOFTWARE_NAME)
    _el(head, "meta", name="ocr-capabilities", content=CAPABILITIES)
    _el(head, "meta", name="ocr-number-of-pages", content=str(sum(len(d.pages) for d in documents)))
    body = _el(html, "body")
    for doc_no, doc in enumerate(documents, start=1):
        for page in doc.pages:
            _write_page(body, doc_no, doc, page)
    return html


def hocr_document(documents: list[ExportDocument]) -> bytes:
    return etree.tostring(
        hocr_tree(documents), xml_declaration=True, encoding="UTF-8", doctype=_DOCTYPE
    )
