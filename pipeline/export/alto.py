"""ALTO XML v4: Description, Tags, then Layout/Page/PrintSpace/TextBlock/TextLine/String.

Each typed block (``pipeline/blocks.py``) is a ``TextBlock`` whose
``TAGREFS`` names a ``LayoutTag`` (``LABEL`` the block type: heading,
paragraph, list_item, caption, header, footer, page_number; headings one
tag per level). A table is a ``ComposedBlock`` of ``TYPE="table"`` with a
``TextBlock`` per cell that holds text; a figure an ``Illustration`` (in a
``ComposedBlock`` of ``TYPE="figure"`` with its text, when it has some).
Running headers, footers and page numbers go in the page's ``TopMargin``
or ``BottomMargin``, as ALTO keeps them out of the ``PrintSpace``.

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
from pipeline.blocks import blocks_of
from pipeline.export.geometry import LEVEL_TOLERANCE_DEG, int_box, reading_angle, union
from pipeline.result import Block, Line, PageResult, Word

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


_MARGIN_TYPES = ("header", "footer", "page_number")


def _tag_id(block: Block) -> str:
    return f"TAG_{block.type}" + (f"_{block.level}" if block.level is not None else "")


def _write_tags(root: etree._Element, doc: ExportDocument) -> None:
    """One ``LayoutTag`` per block type (and heading level) the document uses; blocks point at them."""
    seen: dict[str, Block] = {}
    for page in doc.pages:
        for block in blocks_of(page):
            seen.setdefault(_tag_id(block), block)
    if not seen:
        return
    tags = _el(root, "Tags")
    for tag_id, block in sorted(seen.items()):
        attrs = {"DESCRIPTION": f"level {block.level}"} if block.level is not None else {}
        _el(tags, "LayoutTag", ID=tag_id, LABEL=block.type, **attrs)


class _Ids:
    def __init__(self, page_no: int) -> None:
        self.page, self.block, self.line = page_no, 0, 0

    def next_block(self) -> str:
        self.block += 1
        return f"BLOCK_{self.page}_{self.block}"


def _write_page(layout: etree._Element, page: PageResult) -> None:
    p = page.page_no
    page_el = _el(layout, "Page", ID=f"PAGE_{p}", PHYSICAL_IMG_NR=p, WIDTH=page.width, HEIGHT=page.height,
                  PROCESSING=_processing_id(page), PC=_wc(page.confidence))
    ids = _Ids(p)
    rotation = int(page.preprocessing.get("rotation", 0) or 0)
    blocks = blocks_of(page)
    # ALTO keeps running titles and page numbers out of the print space, in the page's margins.
    top = [b for b in blocks if b.type in _MARGIN_TYPES and b.box[1] + b.box[3] < page.height]
    bottom = [b for b in blocks if b.type in _MARGIN_TYPES and b not in top]
    for name, group in (("TopMargin", top), ("BottomMargin", bottom)):
        if group:
            margin = _el(page_el, name, ID=f"{name.upper()}_{p}", **_geometry(union(b.box for b in group)))
            for block in group:
                _write_block(margin, page, block, ids, rotation)
    space = {"HPOS": 0, "VPOS": 0, "WIDTH": page.width, "HEIGHT": page.height}
    print_space = _el(page_el, "PrintSpace", ID=f"PS_{p}", **space)
    for block in blocks:
        if block.type not in _MARGIN_TYPES:
            _write_block(print_space, page, block, ids, rotation)


def _write_block(parent: etree._Element, page: PageResult, block: Block, ids: _Ids, rotation: int) -> None:
    lines = [page.lines[i] for i in block.lines]
    if block.type == "table":
        _write_table(parent, page, block, lines, ids, rotation)
    elif block.type == "figure":
        _write_figure(parent, block, lines, ids, rotation)
    elif lines:
        _write_text_block(parent, lines, ids, rotation, TAGREFS=_tag_id(block))


def _write_text_block(parent: etree._Element, lines: list[Line], ids: _Ids, rotation: int, **attrs) -> None:
    block_el = _el(parent, "TextBlock", ID=ids.next_block(), **attrs, **_geometry(union(ln.box for ln in lines)))
    angles = sorted(reading_angle(ln, rotation) for ln in lines)
    angle = angles[len(angles) // 2]
    if abs(angle) >= LEVEL_TOLERANCE_DEG:
        block_el.set("ROTATION", f"{angle:.1f}")
    for line in lines:
        ids.line += 1
        line_el = _el(block_el, "TextLine", ID=f"LINE_{ids.page}_{ids.line}", **_geometry(line.box))
        words = line.words or [Word(line.text, line.confidence, line.box)]
        _write_words(line_el, f"STRING_{ids.page}_{ids.line}", words)


def _write_table(parent: etree._Element, page: PageResult, block: Block, lines: list[Line], ids: _Ids,
                 rotation: int) -> None:
    """A ``ComposedBlock`` of ``TYPE="table"``: one ``TextBlock`` per cell that holds lines, in row order."""
    composed = _el(parent, "ComposedBlock", ID=ids.next_block(), TAGREFS=_tag_id(block), TYPE="table",
                   **_geometry(block.box))
    table = next((t for t in page.tables if all(abs(a - b) < 1.0 for a, b in zip(t.box, block.box))), None)
    cells = sorted(table.cells, key=lambda c: (c.row, c.col)) if table is not None else []
    groups: dict[int, list[Line]] = {}
    for line in lines:
        cx, cy = (line.box[0] + line.box[2]) / 2, (line.box[1] + line.box[3]) / 2
        at = next((n for n, c in enumerate(cells) if c.box[0] <= cx <= c.box[2] and c.box[1] <= cy <= c.box[3]),
                  len(cells) + len(groups))  # a line in no cell stands as a block of its own
        groups.setdefault(at, []).append(line)
    for _, group in sorted(groups.items()):
        _write_text_block(composed, group, ids, rotation)
    if not groups:  # a table read with no lines of its own still marks its place
        _el(composed, "GraphicalElement", ID=ids.next_block(), **_geometry(block.box))


def _write_figure(parent: etree._Element, block: Block, lines: list[Line], ids: _Ids, rotation: int) -> None:
    """An ``Illustration``; with text inside it, a ``ComposedBlock`` of ``TYPE="figure"`` holding both."""
    if not lines:
        _el(parent, "Illustration", ID=ids.next_block(), TAGREFS=_tag_id(block), **_geometry(block.box))
        return
    composed = _el(parent, "ComposedBlock", ID=ids.next_block(), TAGREFS=_tag_id(block), TYPE="figure",
                   **_geometry(block.box))
    _el(composed, "Illustration", ID=ids.next_block(), **_geometry(block.box))
    _write_text_block(composed, lines, ids, rotation)


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
    _write_tags(root, doc)
    layout = _el(root, "Layout")
    for page in doc.pages:
        _write_page(layout, page)
    return root


def alto_document(doc: ExportDocument) -> bytes:
    return etree.tostring(alto_tree(doc), xml_declaration=True, encoding="UTF-8", pretty_print=True)
