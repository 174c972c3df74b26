"""ALTO XML v4: Description, then Layout/Page/PrintSpace/TextBlock/TextLine/String.

One file per document (several documents: a ZIP, see the package's ``export``). Units are
pixels of the page as rendered at its DPI. Each page points (``PROCESSING``)
to its own ``OCRProcessing`` entry, which records how that page was read:
DPI, rotation and deskew angle as the pre-processing step; source (OCR or
the PDF's text layer), models and their sha256 as the OCR step. Lines
without word boxes (CJK) become one ``String`` spanning the line. A block
whose lines do not run left to right carries ``ROTATION`` (counter-clockwise
degrees, the median of its lines').
"""
from __future__ import annotations

from lxml import etree

from pipeline.export.document import SOFTWARE_NAME, ExportDocument, models_label, page_provenance, xml_text
from pipeline.export.geometry import LEVEL_TOLERANCE_DEG, blocks, int_box, reading_angle, union
from pipeline.result import PageResult, Word

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ALTO_NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _geometry(box: list[float]) -> dict[str, int]:
    x0, y0, x1, y1 = int_box(box)
    return {"HPOS": x0, "VPOS": y0, "WIDTH": x1 - x0, "HEIGHT": y1 - y0}


def _wc(confidence: float) -> str:
    return f"{max(0.0, min(1.0, confidence)):.3f}"


def _processing_id(page: PageResult) -> str:
    return f"OCR_{page.page_no}"


def _write_processing(desc: etree._Element, doc: ExportDocument, page: PageResult) -> None:
    prov = page_provenance(doc, page)
    proc = _el(desc, "OCRProcessing", ID=_processing_id(page))
    pre = _el(proc, "preProcessingStep")
    _el(pre, "processingStepDescription", f"page {page.page_no} rendered at {page.dpi} dpi")
    _el(pre, "processingStepSettings",
        f"dpi={page.dpi}; rotation={prov['rotation']}; deskew_angle={prov['deskew_angle']:g}")
    step = _el(proc, "ocrProcessingStep")
    if page.source == "text_layer":
        _el(step, "processingStepDescription", "text taken from the PDF's own text layer")
    else:
        _el(step, "processingStepDescription", "text recognized by OCR")
    _el(step, "processingStepSettings", f"source={page.source}; models={models_label(page.models)}")
    software = _el(step, "processingSoftware")
    _el(software, "softwareName", SOFTWARE_NAME)


def _write_words(text_line: etree._Element, id_prefix: str, words: list[Word]) -> None:
    for i, word in enumerate(words):
        if i:
            prev = int_box(words[i - 1].box)
            here = int_box(word.box)
            sp = {"HPOS": prev[2], "VPOS": here[1], "WIDTH": max(0, here[0] - prev[2])}
            _el(text_line, "SP", **sp)
        _el(text_line, "String", ID=f"{id_prefix}_{i + 1}", CONTENT=xml_text(word.text),
            **_geometry(word.box), WC=_wc(word.confidence))


def _write_page(layout: etree._Element, page: PageResult) -> None:
    p = page.page_no
    page_el = _el(layout, "Page", ID=f"PAGE_{p}", PHYSICAL_IMG_NR=p, WIDTH=page.width, HEIGHT=page.height,
                  PROCESSING=_processing_id(page), PC=_wc(page.confidence))
    space = {"HPOS": 0, "VPOS": 0, "WIDTH": page.width, "HEIGHT": page.height}
    print_space = _el(page_el, "PrintSpace", ID=f"PS_{p}", **space)
    n_line = 0
    rotation = int(page.preprocessing.get("rotation", 0) or 0)
    for n_block, block in enumerate(blocks(page.lines), start=1):
        block_el = _el(print_space, "TextBlock", ID=f"BLOCK_{p}_{n_block}",
                       **_geometry(union(ln.box for ln in block)))
        angles = sorted(reading_angle(ln, rotation) for ln in block)
        angle = angles[len(angles) // 2]
        if abs(angle) >= LEVEL_TOLERANCE_DEG:
            block_el.set("ROTATION", f"{angle:.1f}")
        for line in block:
            n_line += 1
            line_el = _el(block_el, "TextLine", ID=f"LINE_{p}_{n_line}", **_geometry(line.box))
            words = line.words or [Word(line.text, line.confidence, line.box)]
            _write_words(line_el, f"STRING_{p}_{n_line}", words)


def alto_tree(doc: ExportDocument) -> etree._Element:
    root = etree.Element(f"{{{ALTO_NS}}}alto", nsmap={None: ALTO_NS, "xsi": XSI_NS})
    root.set("SCHEMAVERSION", "4.2")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    desc = _el(root, "Description")
    _el(desc, "MeasurementUnit", "pixel")
    source = _el(desc, "sourceImageInformation")
    _el(source, "fileName", xml_text(doc.filename))
    _el(source, "fileIdentifier", doc.sha256, fileIdentifierLocation="sha256")
    for page in doc.pages:
        _write_processing(desc, doc, page)
    layout = _el(root, "Layout")
    for page in doc.pages:
        _write_page(layout, page)
    return root


def alto_document(doc: ExportDocument) -> bytes:
    return etree.tostring(alto_tree(doc), xml_declaration=True, encoding="UTF-8", pretty_print=True)
