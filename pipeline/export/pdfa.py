"""PDF/A-2b: the searchable PDF made fit for archives, written by us.

Ghostscript is not used: Debian's 10.00 garbles the ToUnicode maps of CJK
fonts, so the archived text would not read back. Instead the file is
assembled from parts that already meet PDF/A-2b, and the parts that do
not are replaced:

- Original PDF pages are kept as they are when every font they use is
  embedded and they use no transparency and no CMYK colour (the output
  intent is sRGB, so CMYK would need a CMYK intent). Other pages are
  rendered at the page's DPI and replaced by that image, with the page's
  text (OCR or text layer) laid over it invisibly, so they stay searchable.
  Annotations and form fields are flattened into the page first; links
  stay, marked printable; scripts and attached files are not copied.
- Images become pages without alpha channels or CMYK.
- The invisible text's font (``pdf_text_layer``) is embedded and subset,
  with its ToUnicode map (so CJK text extracts) and an explicit
  ``CIDToGIDMap``.
- An output intent with an sRGB ICC profile made by LittleCMS (through
  Pillow) at export time, so no profile file is shipped or fetched.
- XMP metadata declaring ``pdfaid:part 2``, ``conformance B``, with the
  same title, producer, creator tool and dates as the Info dictionary and
  the source's sha256 as ``dc:source``; per-page provenance stays in each
  page's ``/PieceInfo``.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from xml.sax.saxutils import escape

import pymupdf
from PIL import ImageCms

from pipeline.export.document import SOFTWARE_NAME, ExportDocument, ExportSourceMissingError
from pipeline.export.searchable_pdf import from_images, open_pdf, overlay_text, write_provenance
from pipeline.result import PageResult

_DEFAULT_DPI = 200
# A fill or stroke colour set in CMYK: four numbers, then k or K.
_CMYK_OPERATOR = re.compile(rb"(?:[-+]?(?:\d+\.?\d*|\.\d+)\s+){4}[kK](?![A-Za-z])")
_REFERENCE = re.compile(r"(\d+) 0 R")
_TRANSPARENT = (re.compile(r"/SMask\s*(?!/None)[\d/<]"), re.compile(r"/(?:CA|ca)\s+(?:0?\.\d|0(?![.\d]))"),
                re.compile(r"/S\s*/Transparency"), re.compile(r"/BM\s*/(?!Normal|Compatible)"))


def pdfa_document(source: ExportDocument) -> bytes:
    if source.data is None:
        raise ExportSourceMissingError(
            f"{source.filename}: the PDF/A is built from the original file; it is no longer stored",
            details={"filename": source.filename},
        )
    doc = _from_pdf(source) if source.kind == "pdf" else from_images(source, opaque=True)
    try:
        _explicit_cid_maps(doc)
        _add_output_intent(doc)
        _set_metadata(doc, source)
        return doc.tobytes(garbage=3, deflate=True)
    finally:
        doc.close()


# -- pages ------------------------------------------------------------------------------------

def _from_pdf(source: ExportDocument) -> pymupdf.Document:
    """A new PDF holding the original's pages (or images of the ones that cannot stay) and their text."""
    original = open_pdf(source)
    by_page = {r.page_no: r for r in source.pages}
    out = pymupdf.open()
    targets: list[tuple[int, PageResult]] = []
    try:
        # Annotations and form fields become page content: their look stays, their scripts go.
        original.bake(annots=True, widgets=True)
        for index in range(original.page_count):
            page = original[index]
            result = by_page.get(index + 1)
            if _fits_pdfa(original, page):
                out.insert_pdf(original, from_page=index, to_page=index, links=False, annots=False)
                needs_text = result is not None and result.source == "ocr" and bool(result.lines)
            else:
                _insert_rendered(out, page, result)
                needs_text = result is not None and bool(result.lines)
            if result is not None:
                write_provenance(out, out[index], source, result)
                if needs_text:
                    targets.append((index, result))
        _keep_links(original, out)
    finally:
        original.close()
    overlay_text(out, targets)
    return out


def _insert_rendered(out: pymupdf.Document, page: pymupdf.Page, result: PageResult | None) -> None:
    dpi = result.dpi if result is not None else _DEFAULT_DPI
    pix = page.get_pixmap(dpi=dpi, alpha=False, colorspace=pymupdf.csRGB)
    target = out.new_page(width=page.rect.width, height=page.rect.height)
    target.insert_image(target.rect, pixmap=pix)


def _keep_links(original: pymupdf.Document, out: pymupdf.Document) -> None:
    """Links to places and web addresses, printable as PDF/A wants; launch and script actions are dropped."""
    for index in range(original.page_count):
        for link in original[index].get_links():
            if link.get("kind") in (pymupdf.LINK_URI, pymupdf.LINK_GOTO, pymupdf.LINK_NAMED):
                out[index].insert_link(link)
    for page in out:
        for xref in page.annot_xrefs():
            out.xref_set_key(xref[0], "F", "4")


def _fits_pdfa(doc: pymupdf.Document, page: pymupdf.Page) -> bool:
    """Whether the page can be kept as it is: fonts embedded, no transparency, no CMYK colour."""
    for _, ext, kind, *_ in page.get_fonts(full=True):
        if ext == "n/a" and kind != "Type3":
            return False
    if re.search(r"/Group\s*<<[^>]*/S\s*/Transparency", doc.xref_object(page.xref)):
        return False
    for xref in _resource_objects(doc, page):
        obj = doc.xref_object(xref, compressed=True)
        if any(p.search(obj) for p in _TRANSPARENT):
            return False
        if "/DeviceCMYK" in obj or re.search(r"/N\s+4\b", obj) and "/ICCBased" not in obj:
            return False
        if "/Form" in obj and doc.xref_is_stream(xref) and _CMYK_OPERATOR.search(doc.xref_stream(xref) or b""):
            return False
    return not _CMYK_OPERATOR.search(page.read_contents())


def _resource_objects(doc: pymupdf.Document, page: pymupdf.Page) -> set[int]:
    """Every object the page's resources reach (fonts, images, forms, graphics states, colour spaces)."""
    kind, value = doc.xref_get_key(page.xref, "Resources")
    todo = [int(m) for m in _REFERENCE.findall(value)] if kind in ("xref", "dict") else []
    seen: set[int] = set()
    while todo:
        xref = todo.pop()
        if xref in seen or not 0 < xref < doc.xref_length():
            continue
        seen.add(xref)
        if doc.xref_get_key(xref, "Type")[1] == "/Page":
            continue  # a back-reference up the page tree
        todo.extend(int(m) for m in _REFERENCE.findall(doc.xref_object(xref, compressed=True)))
    return seen


# -- fonts, colour, metadata ------------------------------------------------------------------

def _explicit_cid_maps(doc: pymupdf.Document) -> None:
    """PDF/A wants a CIDFontType2's CIDToGIDMap written out; our text font's CIDs are its glyph ids."""
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "Subtype")[1] == "/CIDFontType2" and \
                doc.xref_get_key(xref, "CIDToGIDMap")[0] == "null":
            doc.xref_set_key(xref, "CIDToGIDMap", "/Identity")


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile: LittleCMS's built-in one, labelled version 4.2."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data = bytearray(profile.tobytes())
    # LittleCMS writes version 4.3; PDF 1.7 (and so PDF/A-2) names ICC.1:2004-10, version 4.2, as the
    # newest it knows, and 4.3 changed no tag LittleCMS writes. The label is part of the profile id's
    # checksum, so the id becomes zeros ("not computed"), as ICC allows.
    data[8:12] = bytes([4, 0x20, 0, 0])
    data[84:100] = bytes(16)
    return bytes(data)


def _add_output_intent(doc: pymupdf.Document) -> None:
    icc = doc.get_new_xref()
    doc.update_object(icc, "<< /N 3 >>")
    doc.update_stream(icc, srgb_profile(), compress=True)
    intent = doc.get_new_xref()
    doc.update_object(intent, f"<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
                              f"/Info (sRGB IEC61966-2.1) /DestOutputProfile {icc} 0 R >>")
    doc.xref_set_key(doc.pdf_catalog(), "OutputIntents", f"[{intent} 0 R]")


def _set_metadata(doc: pymupdf.Document, source: ExportDocument) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    title = source.filename
    subject = f"sha256:{source.sha256}"
    doc.set_metadata({
        "title": title, "subject": subject, "creator": SOFTWARE_NAME, "producer": SOFTWARE_NAME,
        "author": "", "keywords": "",
        "creationDate": now.strftime("D:%Y%m%d%H%M%S+00'00'"), "modDate": now.strftime("D:%Y%m%d%H%M%S+00'00'"),
    })
    doc.set_xml_metadata(xmp_packet(title, subject, now))


def xmp_packet(title: str, subject: str, when: datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    title, subject = escape(title), escape(subject)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:source>{subject}</dc:source>
   <xmp:CreatorTool>{SOFTWARE_NAME}</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
   <pdf:Producer>{SOFTWARE_NAME}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
