"""Plain text: pages, then documents, separated by form feeds."""
from __future__ import annotations

from pipeline.export.document import ExportDocument

FORM_FEED = "\f"


def text_documents(documents: list[ExportDocument]) -> bytes:
    return join_page_texts(page.text for doc in documents for page in doc.pages)


def join_page_texts(texts) -> bytes:
    """The txt export from the pages' texts alone, in order (the API needs nothing else for it)."""
    return FORM_FEED.join(texts).encode("utf-8")
