"""Structured data read from a job's documents (``extract=invoice``): what is pending, and storing it.

A document's fields are read once all its pages have ended, from its stored
page results; a job that asked for extraction ends only when every document
that can have fields has them (``db.finalize`` asks ``pending_jobs``), so its
webhook event and views always carry them. Storing is guarded by ``fields IS
NULL``: two workers that both saw a document complete store one reading.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from db.models import Document, Job, Page, PageResult
from db.states import DocumentStatus, JobStatus, PageStatus

EXTRACTS = ("invoice",)


@dataclass(frozen=True)
class PendingDocument:
    document_id: str
    job_id: str
    kind: str
    blob_key: str
    extract: str


def _open_pages():
    return select(Page.id).where(Page.document_id == Document.id, Page.status.not_in(PageStatus.TERMINAL)).exists()


def _pending(job_ids: list[str]):
    # Split (a failed document has no pages to read), every page ended, nothing stored yet.
    return and_(Document.job_id.in_(job_ids), Job.extract.is_not(None), Document.status == DocumentStatus.SPLIT,
                Document.fields.is_(None), ~_open_pages())


def pending_documents(session: Session, job_ids: list[str]) -> list[PendingDocument]:
    """The documents of these jobs whose fields can be read now and are not stored yet."""
    if not job_ids:
        return []
    rows = session.execute(
        select(Document.id, Document.job_id, Document.kind, Document.blob_key, Job.extract)
        .join(Job, Job.id == Document.job_id)
        .where(_pending(list(job_ids)))
        .order_by(Document.job_id, Document.position)
    )
    return [PendingDocument(*row) for row in rows]


def pending_jobs(session: Session, job_ids: list[str]) -> set[str]:
    """Of these jobs, those with a document whose fields are still to be read (they must not end yet)."""
    if not job_ids:
        return set()
    return set(session.scalars(
        select(Document.job_id).join(Job, Job.id == Document.job_id).where(_pending(list(job_ids))).distinct()
    ))


def document_pages(session: Session, document_id: str) -> tuple[list[dict], bool]:
    """(the stored results of the document's succeeded pages in page order, whether any of its pages failed)."""
    results = list(session.scalars(
        select(PageResult.result).join(Page, Page.id == PageResult.page_id)
        .where(Page.document_id == document_id, Page.status == PageStatus.SUCCEEDED)
        .order_by(Page.page_no)
    ))
    failed = session.scalar(
        select(Page.id).where(Page.document_id == document_id, Page.status == PageStatus.FAILED).limit(1)
    )
    return results, failed is not None


def store_fields(session: Session, document_id: str, fields: dict) -> bool:
    """Store a document's fields unless another worker already did; True if this call stored them."""
    done = session.execute(
        update(Document).where(Document.id == document_id, Document.fields.is_(None)).values(fields=fields)
    )
    return done.rowcount == 1


def job_fields(session: Session, job_id: str) -> list[Document]:
    """The job's documents in order (their ``fields`` column holds the reading, or None)."""
    return list(session.scalars(select(Document).where(Document.job_id == job_id).order_by(Document.position)))


def document_entry(doc: Document) -> dict:
    """A document's fields as the API, the json export and webhook bodies show them (one shape everywhere)."""
    entry = {"document": doc.id, "filename": doc.filename, "position": doc.position}
    stored = doc.fields
    if stored is None:
        # Not read: the file could not be split (its error says why), or the job ended before (canceled).
        failed = doc.status == DocumentStatus.FAILED
        error = {"code": doc.error_code or "document_failed", "message": doc.error_message} if failed else None
        return {**entry, "document_type": None, "fields": None, "checks": [], "needs_review": True if failed else None,
                "error": error}
    kind = (stored.get("fields") or {}).get("document_type")
    return {**entry, "document_type": kind["value"] if kind else None, "fields": stored.get("fields"),
            "checks": stored.get("checks") or [], "needs_review": bool(stored.get("needs_review")),
            "error": stored.get("error")}


def job_entries(session: Session, job_id: str) -> list[dict]:
    return [document_entry(d) for d in job_fields(session, job_id)]


@dataclass(frozen=True)
class BatchFields:
    documents: list[tuple[str, dict]]  # (job id, document_entry) by job creation (a group's jobs by id), then position
    jobs: int  # the batch's jobs that asked for extraction
    unfinished: int  # of those, still queued or running


def batch_entries(session: Session, batch_id: str) -> BatchFields:
    """The document entries of a batch's jobs that asked for extraction and have ended."""
    statuses = dict(session.execute(
        select(Job.id, Job.status).where(Job.batch_id == batch_id, Job.extract.is_not(None))
    ).all())
    ended = [j for j, status in statuses.items() if status not in JobStatus.ACTIVE]
    rows = session.scalars(
        select(Document).join(Job, Job.id == Document.job_id)
        .where(Document.job_id.in_(ended)).order_by(Job.created_at, Job.id, Document.position)
    ) if ended else []
    return BatchFields([(d.job_id, document_entry(d)) for d in rows], len(statuses), len(statuses) - len(ended))
