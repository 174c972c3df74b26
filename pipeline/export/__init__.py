"""Exports: stored page results → txt, json, hOCR, ALTO, Markdown, a searchable PDF or PDF/A-2b.

A pure library (no Flask, Celery or SQLAlchemy) used by the API's
``GET /v1/jobs/{id}/result?format=`` and by the bulk client. Everything is
built from stored ``PageResult``s; nothing is OCRed again.

Several documents in one call:
- ``txt``: one text, pages and documents separated by form feeds;
- ``json``, ``hocr`` and ``md``: one file (hOCR holds many ``ocr_page``s, each naming
  its source file), so their media type never changes;
- ``alto``, ``pdf`` and ``pdfa``: one file per document, so with several documents the
  answer is a ZIP of ``<n>-<filename>.alto.xml`` / ``.pdf`` entries
  (``media_type(fmt, n)`` tells which).

Only ``pdf`` and ``pdfa`` need ``ExportDocument.data`` (the original file); the other
formats read the page results alone. Per-page provenance (source sha256,
page number, source, DPI, rotation, deskew angle, model names and hashes)
goes where each format has room: ``provenance`` per page in JSON, ``x_``
title properties in hOCR, one ``OCRProcessing`` per page in ALTO, and
``/PieceInfo`` per page in the PDF.

This module is the one face: the formats, their media types, ``txt`` and
``json`` (views of the result tree with no layout of their own) and the ZIP
of one-file-per-document formats. The layout formats have their own modules
(``hocr``, ``alto``, ``markdown``, ``searchable_pdf`` with ``pdf_text_layer`` for the
invisible text, ``pdfa`` for the archival PDF built on it); ``document`` holds what every format is built from, and
``geometry`` the box arithmetic the layout formats share.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from pipeline.export.alto import alto_document
from pipeline.export.document import (
    SOFTWARE_NAME,
    ExportDocument,
    ExportSourceMissingError,
    UnknownFormatError,
    page_provenance,
)
from pipeline.export.hocr import hocr_document
from pipeline.export.markdown import markdown_documents
from pipeline.export.pdfa import pdfa_document
from pipeline.export.searchable_pdf import pdf_document
from pipeline.export.zipped import safe_base_name, zip_bytes

__all__ = [
    "FORMATS",
    "NEEDS_SOURCE",
    "ZIP_MEDIA_TYPE",
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
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "pdfa": "application/pdf",
}
ZIP_MEDIA_TYPE = "application/zip"
# Formats built from the original file (``ExportDocument.data``), not from the page results alone.
NEEDS_SOURCE = frozenset({"pdf", "pdfa"})
JSON_SCHEMA = "docpipe.export.v1"
FORM_FEED = "\f"


def join_page_texts(texts: Iterable[str]) -> bytes:
    """The txt export from the pages' texts alone, in order (the API needs nothing else for it)."""
    return FORM_FEED.join(texts).encode("utf-8")


def _text_documents(documents: list[ExportDocument]) -> bytes:
    return join_page_texts(page.text for doc in documents for page in doc.pages)


def _json_tree(documents: list[ExportDocument]) -> dict:
    """The full result tree, documents → pages → lines → words, each page with its provenance."""
    return {
        "schema": JSON_SCHEMA,
        "software": SOFTWARE_NAME,
        "documents": [
            {
                "filename": doc.filename,
                "sha256": doc.sha256,
                "kind": doc.kind,
                "pages": [{**page.to_dict(), "provenance": page_provenance(doc, page)} for page in doc.pages],
                **({"fields": doc.fields} if doc.fields is not None else {}),
            }
            for doc in documents
        ],
    }


def _json_documents(documents: list[ExportDocument]) -> bytes:
    return json.dumps(_json_tree(documents), ensure_ascii=False).encode("utf-8")


# Formats whose one file holds every document.
_ALL_IN_ONE: dict[str, Callable[[list[ExportDocument]], bytes]] = {
    "txt": _text_documents,
    "json": _json_documents,
    "hocr": hocr_document,
    "md": markdown_documents,
}
# Formats that hold exactly one document per file: the entry suffix in a ZIP, and the writer.
_ONE_PER_FILE: dict[str, tuple[str, Callable[[ExportDocument], bytes]]] = {
    "alto": (".alto.xml", alto_document),
    "pdf": (".pdf", pdf_document),
    "pdfa": (".pdf", pdfa_document),
}


def _zip_entry_name(index: int, doc: ExportDocument, suffix: str) -> str:
    """``<n>-<filename><suffix>``: numbered so equal filenames never collide."""
    return f"{index:04d}-{safe_base_name(doc.filename)}{suffix}"


def _zip_per_document(documents: list[ExportDocument], suffix: str, render) -> bytes:
    return zip_bytes((_zip_entry_name(i, doc, suffix), render(doc)) for i, doc in enumerate(documents, start=1))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UnknownFormatError(
            f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}",
            details={"format": fmt, "allowed": list(FORMATS)},
        )


def media_type(fmt: str, document_count: int = 1) -> str:
    """The media type of ``export(fmt, documents)`` for that many documents."""
    _check_format(fmt)
    if fmt in _ONE_PER_FILE and document_count > 1:
        return ZIP_MEDIA_TYPE
    return FORMATS[fmt]


def export(fmt: str, documents: list[ExportDocument]) -> bytes:
    """Render ``documents`` (in the order given) in format ``fmt``.

    Raises ``UnknownFormatError`` (a ``ValueError``) for an unknown format and
    ``ExportSourceMissingError`` when ``pdf`` needs an original file that
    ``data`` does not carry.
    """
    _check_format(fmt)
    documents = list(documents)
    if fmt in _ALL_IN_ONE:
        return _ALL_IN_ONE[fmt](documents)
    suffix, render = _ONE_PER_FILE[fmt]
    if len(documents) == 1:
        return render(documents[0])
    return _zip_per_document(documents, suffix, render)
