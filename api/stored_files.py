"""Checked files into the blob store (named by new ids, never by the client's filename), and out again
when the transaction that was to record them fails: shared by ``POST /v1/jobs`` and group submits."""
from __future__ import annotations

import logging

from api.submission import CheckedFile
from db.jobs import NewDocument
from db.models import new_id

log = logging.getLogger(__name__)


def store_document(blobs, f: CheckedFile) -> NewDocument:
    """Write the file's bytes to the blob store; the document row that will point at them."""
    blob_key = new_id()
    blobs.put(blob_key, f.data)
    return NewDocument(
        id=new_id(),
        filename=f.filename,
        sha256=f.sha256,
        size=len(f.data),
        kind=f.kind,
        page_count=f.page_count,
        pages_selected=f.pages_selected,
        blob_key=blob_key,
    )


def delete_blobs(blobs, keys) -> None:
    for k in keys:
        try:
            blobs.delete(k)
        except Exception as exc:  # noqa: BLE001 - cleanup only
            log.warning("could not delete blob %s: %s", k, exc)
