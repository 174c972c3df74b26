"""Steps tests take on the database directly, as a worker would, without a broker."""
from __future__ import annotations

from sqlalchemy.orm import Session

from db.pages import SplitItem, document_works, split_documents


def split_document(
    session: Session, document_id: str, page_numbers: list[int], read: dict[int, dict] | None = None, *, worker: str = ""
) -> list[str]:
    """Split one document as the split task does (the product only splits in groups); returns its queued page ids."""
    work = document_works(session, [document_id]).get(document_id)
    if work is None:
        return []
    return split_documents(session, [SplitItem(work, page_numbers, read or {})], worker=worker).get(document_id, [])
