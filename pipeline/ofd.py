"""OFD (GB/T 33190, the format of China's electronic invoices) turned into a PDF with a text layer.

An OFD is a ZIP of XML: a document lists its pages, each page holds text,
path and image objects placed in millimetres from the top left, and a page
may draw a template under itself (e-invoices put the form's printed labels
there). Each text object's characters are written to a PDF page at their
own positions, so the text layer, rendering, exports and invoice fields of
the PDF path serve OFD unchanged. Paths are drawn as lines (the form's
rules) and images placed in their boxes.

Written here rather than taken from a library: the PyPI packages that read
OFD (easyofd and its kind) render through reportlab and several image
stacks, pin none of them, and none checks a ZIP's sizes before unpacking;
the part needed here, text with positions, is small. XML is parsed with
entities and network access off.
"""
from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass

import pymupdf
from lxml import etree

from pipeline.errors import CorruptFileError, TooManyPagesError

log = logging.getLogger(__name__)

MM = 72 / 25.4  # PDF points per millimetre
MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def is_ofd(data: bytes) -> bool:
    """A ZIP whose root holds ``OFD.xml`` (read from its central directory only)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(n.lstrip("/") == "OFD.xml" for n in z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float

    @classmethod
    def parse(cls, text: str | None) -> "_Box | None":
        nums = _numbers(text)
        return cls(*nums[:4]) if len(nums) >= 4 else None


def _numbers(text: str | None) -> list[float]:
    try:
        return [float(v) for v in (text or "").split()]
    except ValueError as exc:
        raise CorruptFileError(f"the OFD has a malformed number list: {text!r}") from exc


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Package:
    """The ZIP, its sizes checked before anything is unpacked."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise CorruptFileError(f"the OFD is not a readable ZIP archive: {exc}") from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise CorruptFileError(f"the OFD holds {len(infos)} files; the limit is {MAX_MEMBERS}")
        total = sum(i.file_size for i in infos)
        if any(i.file_size > MAX_MEMBER_BYTES for i in infos) or total > MAX_TOTAL_BYTES:
            raise CorruptFileError("the OFD unpacks to more than it may (a ZIP bomb?)",
                                   details={"unpacked_bytes": total})
        self.names = {i.filename.lstrip("/"): i.filename for i in infos}

    def read(self, path: str) -> bytes:
        name = self.names.get(posixpath.normpath(path.lstrip("/")))
        if name is None:
            raise CorruptFileError(f"the OFD lacks {path}")
        return self.zip.read(name)

    def xml(self, path: str):
        try:
            return etree.fromstring(self.read(path), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise CorruptFileError(f"the OFD's {path} is not well-formed XML: {exc}") from exc


def _child(el, name: str):
    return next((c for c in el.iter() if _local(c.tag) == name), None)


def _children(el, name: str):
    return [c for c in el.iter() if _local(c.tag) == name]


def _join(base_dir: str, loc: str) -> str:
    return loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)


class _Resources:
    """Fonts and images by ID, from the document's public and document resources."""

    def __init__(self, pkg: _Package, doc_dir: str, doc_root):
        self.images: dict[str, str] = {}
        for tag in ("PublicRes", "DocumentRes"):
            for ref in _children(doc_root, tag):
                res_path = _join(doc_dir, (ref.text or "").strip())
                res = pkg.xml(res_path)
                res_dir = _join(posixpath.dirname(res_path), res.get("BaseLoc", ""))
                for media in _children(res, "MultiMedia"):
                    loc = _child(media, "MediaFile")
                    if loc is not None and loc.text:
                        self.images[media.get("ID", "")] = _join(res_dir, loc.text.strip())


def ofd_to_pdf(data: bytes, max_pages: int = 2000) -> tuple[bytes, int]:
    """The OFD as PDF bytes with a text layer, and its page count."""
    pkg = _Package(data)
    root = pkg.xml("OFD.xml")
    doc_root_el = _child(root, "DocRoot")
    if doc_root_el is None or not (doc_root_el.text or "").strip():
        raise CorruptFileError("the OFD names no document (DocRoot)")
    doc_path = doc_root_el.text.strip().lstrip("/")
    doc_dir = posixpath.dirname(doc_path)
    document = pkg.xml(doc_path)
    default_box = _Box.parse((_child(document, "PhysicalBox").text if _child(document, "PhysicalBox") is not None
                              else None)) or _Box(0, 0, 210, 297)
    templates = {t.get("ID", ""): _join(doc_dir, t.get("BaseLoc", "")) for t in _children(document, "TemplatePage")}
    pages = [p for p in _children(document, "Page") if p.get("BaseLoc")]
    if not pages:
        raise CorruptFileError("the OFD has no pages")
    if len(pages) > max_pages:
        raise TooManyPagesError(f"the OFD has {len(pages)} pages; the limit is {max_pages}",
                                details={"page_count": len(pages), "max_pages": max_pages})
    resources = _Resources(pkg, doc_dir, document)
    out = pymupdf.open()
    for page_ref in pages:
        content_path = _join(doc_dir, page_ref.get("BaseLoc"))
        content = pkg.xml(content_path)
        area = _child(content, "PhysicalBox")
        box = _Box.parse(area.text if area is not None else None) or default_box
        page = out.new_page(width=box.w * MM, height=box.h * MM)
        for tpl in _children(content, "Template"):
            if tpl.get("TemplateID") in templates:
                _draw(page, pkg.xml(templates[tpl.get("TemplateID")]), pkg, resources)
        _draw(page, content, pkg, resources)
    data_out = out.tobytes(garbage=3, deflate=True)
    out.close()
    return data_out, len(pages)


def _draw(page: pymupdf.Page, content, pkg: _Package, resources: _Resources) -> None:
    for el in content.iter():
        kind = _local(el.tag)
        if kind == "TextObject":
            _text(page, el)
        elif kind == "PathObject":
            _path(page, el)
        elif kind == "ImageObject":
            _image(page, el, pkg, resources)


def _delta(text: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, where ``g N v`` stands for N copies of v."""
    tokens, out = (text or "").split(), []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _text(page: pymupdf.Page, el) -> None:
    box = _Box.parse(el.get("Boundary"))
    if box is None:
        return
    ctm = _numbers(el.get("CTM")) or [1, 0, 0, 1, 0, 0]
    scale = abs(ctm[3]) or 1.0
    size = float(el.get("Size", "3.5")) * scale
    for code in _children(el, "TextCode"):
        text = code.text or ""
        if not text.strip():
            continue
        x = box.x + float(code.get("X", "0")) * (abs(ctm[0]) or 1.0) + ctm[4]
        y = box.y + float(code.get("Y", "0")) * scale + ctm[5]
        steps = [d * (abs(ctm[0]) or 1.0) for d in _delta(code.get("DeltaX"))]
        if not steps:
            page.insert_text((x * MM, y * MM), text, fontname="china-s", fontsize=size * MM)
            continue
        # Characters placed one by one where the OFD puts them: forms space their labels wide.
        for k, ch in enumerate(text):
            if ch.strip():
                page.insert_text((x * MM, y * MM), ch, fontname="china-s", fontsize=size * MM)
            x += steps[k] if k < len(steps) else steps[-1]


_PATH_TOKEN = re.compile(r"[A-Za-z]|-?\d+(?:\.\d+)?")


def _path(page: pymupdf.Page, el) -> None:
    box = _Box.parse(el.get("Boundary"))
    data = _child(el, "AbbreviatedData")
    if box is None or data is None or el.get("Stroke", "true") == "false":
        return
    tokens = _PATH_TOKEN.findall(data.text or "")
    pos = start = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens):
            pt = pymupdf.Point((box.x + float(tokens[i + 1])) * MM, (box.y + float(tokens[i + 2])) * MM)
            if op == "L" and pos is not None:
                page.draw_line(pos, pt, width=0.5)
            else:
                start = pt
            pos = pt
            i += 3
        elif op == "C":
            if pos is not None and start is not None:
                page.draw_line(pos, start, width=0.5)
            pos = start
            i += 1
        else:
            i += 1  # curves and arcs: a form's rules are straight; skip the rest of the command


def _image(page: pymupdf.Page, el, pkg: _Package, resources: _Resources) -> None:
    box = _Box.parse(el.get("Boundary"))
    path = resources.images.get(el.get("ResourceID", ""))
    if box is None or path is None:
        return
    rect = pymupdf.Rect(box.x * MM, box.y * MM, (box.x + box.w) * MM, (box.y + box.h) * MM)
    try:
        page.insert_image(rect, stream=pkg.read(path))
    except (RuntimeError, ValueError) as exc:
        # A seal or logo in a format MuPDF cannot decode (bare JBIG2, say) is left out: the page's
        # text, which is what is read, is all there, and the log says what was missing.
        log.warning("OFD image %s left out: %s", path, exc)
