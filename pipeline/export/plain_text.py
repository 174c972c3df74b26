"""Plain text: pages, then documents, separated by form feeds."""
from __future__ import annotations

from pipeline.export.document import ExportDocument

FORM_FEED = "\f"


def text_documents(documents: list[ExportDocument]) -> bytes:
    pages = [page.text for doc in documents for page in doc.pages]
    return FORM_FEED.join(pages).encode("utf-8")
