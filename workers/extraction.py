"""Reading a document's structured data (``extract=invoice``) once all its pages have ended.

Called wherever the workers may end a job (``JobRunner.finish_jobs``, the
sweeper), before the finalizer: ``db.finalize`` does not end a job whose
documents still wait for their fields, so the job's event and views carry
them. The reading works on the stored page results (text layer or OCR lines
with boxes), so it costs no second OCR, and on the file itself only for a
PDF's embedded e-invoice XML.

A failure here must not lose the job: the document gets an error entry
(every field null, a failed ``extraction`` check, ``needs_review``) and the
job ends as its pages say.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from db.fields import PendingDocument, document_pages, pending_documents, store_fields
from pipeline.invoice import FIELD_NAMES, Check, extract_invoice
from pipeline.result import PageResult

log = logging.getLogger(__name__)


def read_pending(database, blob: Callable[[str], bytes], job_ids: list[str]) -> int:
    """Read and store the fields of these jobs' documents that are complete and not read yet; returns how many."""
    with database.session() as s:
        pending = pending_documents(s, job_ids)
    stored = 0
    for doc in pending:
        started = time.process_time()
        with database.session() as s:
            results, any_failed = document_pages(s, doc.document_id)
        entry = read_document(doc, results, any_failed, blob)
        # What extraction adds to a document, in this process's CPU (bench/invoice_service.py reads it).
        entry["cpu_seconds"] = round(time.process_time() - started, 4)
        with database.session() as s:
            stored += store_fields(s, doc.document_id, entry)
    return stored


def read_document(doc: PendingDocument, results: list[dict], any_failed: bool, blob: Callable[[str], bytes]) -> dict:
    """The stored entry of one document: the pipeline's ``{fields, checks, needs_review}``, or an error entry."""
    try:
        pages = [PageResult.from_dict(r) for r in results]
        # Only a PDF can carry an e-invoice's XML; other files are read from their pages alone.
        pdf = blob(doc.blob_key) if doc.kind == "pdf" else None
        result = extract_invoice(pages, pdf=pdf)
        if any_failed:
            # Fields on an unread page are missing, not absent: a person should look.
            result.checks.append(Check("all_pages_read", "failed", "some pages of the document failed; their fields are missing"))
            result.needs_review = True
        entry = {**result.to_dict(), "error": None}
    except Exception as exc:  # noqa: BLE001 - any failure of the reading becomes the document's error entry
        log.exception("invoice extraction failed for document %s", doc.document_id)
        entry = error_entry("extraction_failed", f"the fields could not be read: {type(exc).__name__}: {exc}")
    entry["extract"] = doc.extract
    return entry


def error_entry(code: str, message: str) -> dict:
    fields: dict = dict.fromkeys(FIELD_NAMES)
    fields["line_items"] = []
    return {
        "fields": fields,
        "checks": [Check("extraction", "failed", message).to_dict()],
        "needs_review": True,
        "error": {"code": code, "message": message},
    }
