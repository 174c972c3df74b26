"""Exports: stored page results → txt, json, hOCR, ALTO or a searchable PDF.

A pure library (no Flask, Celery or SQLAlchemy) used by the API's
``GET /v1/jobs/{id}/result?format=`` and by the bulk client. Everything is
built from stored ``PageResult``s; nothing is OCRed again.

Several documents in one call:
- ``txt``: one text, pages and documents separated by form feeds;
- ``json`` and ``hocr``: one file (hOCR holds many ``ocr_page``s, each naming
  its source file), so their media type never changes;
- ``alto`` and ``pdf``: one file per document, so with several documents the
  answer is a ZIP of ``<n>-<filename>.alto.xml`` / ``.pdf`` entries
  (``media_type(fmt, n)`` tells which).

Only ``pdf`` needs ``ExportDocument.data`` (the original file); the other
formats read the page results alone. Per-page provenance (source sha256,
page number, source, DPI, rotation, deskew angle, model names and hashes)
goes where each format has room: ``provenance`` per page in JSON, ``x_``
title properties in hOCR, one ``OCRProcessing`` per page in ALTO, and
``/PieceInfo`` per page in the PDF. Module map: ``plain_text``,
``json_tree``, ``hocr``, ``alto``, ``searchable_pdf`` (+ ``pdf_text_layer``
for the invisible text), ``bundle`` (ZIP), ``provenance``, ``geometry``,
``xml_text``.
"""
from __future__ import annotations

from collections.abc import Callable

from pipeline.export.alto import alto_documents
from pipeline.export.document import ExportDocument, ExportSourceMissingError, UnknownFormatError
from pipeline.export.hocr import hocr_document
from pipeline.export.json_tree import json_documents
from pipeline.export.plain_text import join_page_texts, text_documents
from pipeline.export.searchable_pdf import pdf_documents

__all__ = [
    "FORMATS",
    "ExportDocument",
    "ExportSourceMissingError",
    "UnknownFormatError",
    "export",
    "join_page_texts",
    "media_type",
]

FORMATS: dict[str, str] = {
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "hocr": "application/xhtml+xml; charset=utf-8",
    "alto": "application/xml; charset=utf-8",
    "pdf": "application/pdf",
}
ZIP_MEDIA_TYPE = "application/zip"
# Formats that hold exactly one document per file.
_ONE_DOCUMENT_PER_FILE = {"alto", "pdf"}

_WRITERS: dict[str, Callable[[list[ExportDocument]], bytes]] = {
    "txt": text_documents,
    "json": json_documents,
    "hocr": hocr_document,
    "alto": alto_documents,
    "pdf": pdf_documents,
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UnknownFormatError(
            f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}",
            details={"format": fmt, "allowed": list(FORMATS)},
        )


def media_type(fmt: str, document_count: int = 1) -> str:
    """The media type of ``export(fmt, documents)`` for that many documents."""
    _check_format(fmt)
    if fmt in _ONE_DOCUMENT_PER_FILE and document_count > 1:
        return ZIP_MEDIA_TYPE
    return FORMATS[fmt]


def export(fmt: str, documents: list[ExportDocument]) -> bytes:
    """Render ``documents`` (in the order given) in format ``fmt``.

    Raises ``UnknownFormatError`` (a ``ValueError``) for an unknown format and
    ``ExportSourceMissingError`` when ``pdf`` needs an original file that
    ``data`` does not carry.
    """
    _check_format(fmt)
    return _WRITERS[fmt](list(documents))
