"""Searchable PDF: the original pages, or the images as pages, plus invisible text.

PDF inputs keep every original page; pages read by OCR get the text layer,
pages whose text came from the PDF's own text layer (``source ==
"text_layer"``) and pages without a result stay as they were (a page OCRed
although it had text, ``mode=ocr``, does get the OCR layer on top of its own
text: mixed pages, a scan with a stamped text header, need it). Image inputs
(one page per frame: multi-page TIFF, ...) become a new PDF with each frame
as a page of ``width × height`` pixels at the page's DPI. Per-page
provenance is written into each page's ``/PieceInfo`` (the PDF's place for
an application's private page data) under ``/docpipe``.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pymupdf
from PIL import Image, ImageOps, ImageSequence

from pipeline.errors import CorruptFileError
from pipeline.export.document import (
    SOFTWARE_NAME,
    ExportDocument,
    ExportSourceMissingError,
    models_label,
    page_provenance,
)
from pipeline.export.pdf_text_layer import text_layer_pdf
from pipeline.result import PageResult

_DEFAULT_IMAGE_DPI = 200
# Modes PDF image XObjects take as they are; anything else goes to RGB.
_PASS_MODES = {"1", "L", "RGB", "LA", "RGBA"}
_OPAQUE_MODES = {"1", "L", "RGB"}


def _pdf_string(text: str) -> str:
    return pymupdf.get_pdf_str(text)


def write_provenance(doc: pymupdf.Document, page: pymupdf.Page, source: ExportDocument,
                      result: PageResult) -> None:
    prov = page_provenance(source, result)
    private = (
        f"/SourceSha256 {_pdf_string(prov['source_sha256'])} /PageNo {prov['page_no']} "
        f"/Source /{prov['source']} /Dpi {prov['dpi']} /Rotation {prov['rotation']} "
        f"/DeskewAngle {prov['deskew_angle']:.4f} /Models {_pdf_string(models_label(prov['models']))}"
    )
    stamp = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")
    doc.xref_set_key(
        page.xref, "PieceInfo",
        f"<</{SOFTWARE_NAME} <</LastModified ({stamp}) /Private <<{private}>> >> >>",
    )


def overlay_text(doc: pymupdf.Document, targets: list[tuple[int, PageResult]]) -> None:
    """Lay each result's text layer over page ``index`` of ``doc``."""
    if not targets:
        return
    layer = text_layer_pdf([(doc[i].rect, result) for i, result in targets])
    for n, (i, _) in enumerate(targets):
        doc[i].show_pdf_page(doc[i].rect, layer, n, overlay=True)


def open_pdf(source: ExportDocument) -> pymupdf.Document:
    try:
        return pymupdf.open(stream=source.data, filetype="pdf")
    except (pymupdf.FileDataError, RuntimeError) as exc:
        raise CorruptFileError(f"{source.filename}: the PDF cannot be opened again for export") from exc


def _from_pdf(source: ExportDocument) -> pymupdf.Document:
    doc = open_pdf(source)
    targets = []
    for result in source.pages:
        index = result.page_no - 1
        if not 0 <= index < doc.page_count:
            continue
        write_provenance(doc, doc[index], source, result)
        if result.source == "ocr" and result.lines:
            targets.append((index, result))
    overlay_text(doc, targets)
    return doc


def _frames(source: ExportDocument) -> list[Image.Image]:
    try:
        image = Image.open(io.BytesIO(source.data))
        if source.kind != "tiff":
            # As in pipeline.ingest: only TIFFs have pages; other formats' extra
            # frames (animated WebP) are not read.
            return [image.copy()]
        return [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (OSError, ValueError) as exc:
        raise CorruptFileError(f"{source.filename}: the image cannot be opened again for export") from exc


_EXIF_ORIENTATION = 0x0112


def _upright(frame: Image.Image, kind: str) -> tuple[Image.Image, bool]:
    """The frame as the engine read it (``pipeline.ingest`` applies a JPEG's
    EXIF orientation), and whether that turned it."""
    if kind != "jpeg" or frame.getexif().get(_EXIF_ORIENTATION, 1) == 1:
        return frame, False
    return ImageOps.exif_transpose(frame), True


def _image_bytes(frame: Image.Image, opaque: bool = False) -> bytes:
    if opaque and (frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)):
        frame = _on_white(frame)
    if frame.mode not in _PASS_MODES:
        frame = frame.convert("RGB")
    buf = io.BytesIO()
    frame.save(buf, format="PNG")
    return buf.getvalue()


def _page_size(frame: Image.Image, result: PageResult | None) -> tuple[float, float]:
    if result is not None:
        return result.width * 72 / result.dpi, result.height * 72 / result.dpi
    dpi = frame.info.get("dpi", (_DEFAULT_IMAGE_DPI,))[0] or _DEFAULT_IMAGE_DPI
    return frame.width * 72 / float(dpi), frame.height * 72 / float(dpi)


def _on_white(frame: Image.Image) -> Image.Image:
    """The frame without transparency: laid on white, as a viewer shows it."""
    rgba = frame.convert("RGBA")
    page = Image.new("RGB", rgba.size, "white")
    page.paste(rgba, mask=rgba.getchannel("A"))
    return page.convert("L") if frame.mode in ("L", "LA", "1") else page


def from_images(source: ExportDocument, opaque: bool = False) -> pymupdf.Document:
    """A PDF with each frame as a page (``opaque``: no transparency and no CMYK, as PDF/A with an sRGB
    output intent needs)."""
    by_page = {r.page_no: r for r in source.pages}
    doc = pymupdf.open()
    targets = []
    for index, frame in enumerate(_frames(source)):
        result = by_page.get(index + 1)
        frame, turned = _upright(frame, source.kind)
        width, height = _page_size(frame, result)
        page = doc.new_page(width=width, height=height)
        # A JPEG goes in as it is (no recompression, no loss) unless EXIF turned it.
        as_is = source.kind == "jpeg" and not turned and (not opaque or frame.mode in _OPAQUE_MODES)
        raw = source.data if as_is else _image_bytes(frame, opaque)
        page.insert_image(page.rect, stream=raw)
        if result is not None:
            write_provenance(doc, page, source, result)
            if result.lines:
                targets.append((index, result))
    overlay_text(doc, targets)
    doc.set_metadata({"title": source.filename, "creator": SOFTWARE_NAME, "producer": SOFTWARE_NAME,
                      "subject": f"sha256:{source.sha256}"})
    return doc


def pdf_document(source: ExportDocument) -> bytes:
    if source.data is None:
        raise ExportSourceMissingError(
            f"{source.filename}: the searchable PDF is built from the original file; it is no longer stored",
            details={"filename": source.filename},
        )
    doc = _from_pdf(source) if source.kind == "pdf" else from_images(source)
    try:
        return doc.tobytes(garbage=3, deflate=True)
    finally:
        doc.close()
