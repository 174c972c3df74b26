"""Database rows → the public JSON shapes of jobs and pages (see api/schemas.py)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.fields import document_entry
from db.finalize import confidence_stats
from db.clock import isoformat
from db.models import Document, Job, Page
from db.states import DocumentStatus, JobStatus, PageStatus


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _error(code: str | None, message: str | None) -> dict | None:
    return None if code is None else {"code": code, "message": message or ""}


def _load_documents(session: Session, jobs: list[Job]) -> None:
    """Load the documents of all these jobs in one query (instead of one lazy load per job)."""
    missing = {j.id: j for j in jobs if "documents" not in j.__dict__}
    if not missing:
        return
    by_job: dict[str, list[Document]] = {job_id: [] for job_id in missing}
    for doc in session.scalars(select(Document).where(Document.job_id.in_(list(missing))).order_by(Document.position)):
        by_job[doc.job_id].append(doc)
    for job_id, docs in by_job.items():
        # As if loaded by the relationship itself: no lazy load, nothing marked changed.
        set_committed_value(missing[job_id], "documents", docs)


def _page_counts_by_document(session: Session, job_ids: list[str]) -> dict[str, dict[str, int]]:
    """document id → {page status → count}, for every document of these jobs, in one query."""
    counts: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(Page.document_id, Page.status, func.count())
        .where(Page.job_id.in_(job_ids))
        .group_by(Page.document_id, Page.status)
    )
    for doc_id, status, n in rows:
        counts.setdefault(doc_id, {})[status] = n
    return counts


def _job_counts(jobs: list[Job], by_document: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """job id → {page status → count}, summed from its documents' counts (no query of its own)."""
    counts: dict[str, dict[str, int]] = {}
    for job in jobs:
        total = counts.setdefault(job.id, {})
        for doc in job.documents:
            for status, n in by_document.get(doc.id, {}).items():
                total[status] = total.get(status, 0) + n
    return counts


def _document_statuses(job: Job, counts: dict[str, dict[str, int]]) -> dict[str, str]:
    out = {}
    for doc in job.documents:
        c = counts.get(doc.id, {})
        # A document's status reads like a job's, from its own pages.
        if doc.status == DocumentStatus.FAILED:
            out[doc.id] = JobStatus.FAILED
        elif job.status == JobStatus.CANCELED:
            out[doc.id] = JobStatus.CANCELED
        elif not c or sum(c.get(s, 0) for s in PageStatus.ACTIVE) > 0 or sum(c.values()) < doc.pages_selected:
            started = c.get(PageStatus.RUNNING) or c.get(PageStatus.SUCCEEDED) or c.get(PageStatus.FAILED)
            out[doc.id] = JobStatus.RUNNING if started else JobStatus.QUEUED
        elif c.get(PageStatus.FAILED):
            out[doc.id] = JobStatus.PARTIAL if c.get(PageStatus.SUCCEEDED) else JobStatus.FAILED
        else:
            out[doc.id] = JobStatus.SUCCEEDED
    return out


def job_views(session: Session, jobs: list[Job]) -> list[dict]:
    ids = [j.id for j in jobs]
    if not ids:
        return []
    # A fixed number of queries however many jobs (the bulk client asks for many at once).
    _load_documents(session, jobs)
    by_document = _page_counts_by_document(session, ids)
    counts = _job_counts(jobs, by_document)
    with_pages = [j.id for j in jobs if counts[j.id].get(PageStatus.SUCCEEDED)]
    confidence = confidence_stats(session, with_pages) if with_pages else {}
    views = []
    for job in jobs:
        c = counts[job.id]
        doc_status = _document_statuses(job, by_document)
        views.append(
            {
                "id": job.id,
                "status": job.status,
                "progress": {
                    "pages_total": job.pages_total,
                    "pages_done": c.get(PageStatus.SUCCEEDED, 0),
                    "pages_failed": c.get(PageStatus.FAILED, 0),
                },
                "documents": [
                    {
                        "id": d.id,
                        "filename": d.filename,
                        "sha256": d.sha256,
                        "page_count": d.page_count,
                        "kind": d.kind,
                        "status": doc_status[d.id],
                        "error": _error(d.error_code, d.error_message),
                        **(_fields_summary(d) if job.extract else {}),
                    }
                    for d in job.documents
                ],
                "confidence": _round(confidence.get(job.id, (None, None))[0]),
                "confidence_min": _round(confidence.get(job.id, (None, None))[1]),
                "error": _error(job.error_code, job.error_message),
                "options": {"mode": job.mode, "pages": job.pages_spec, "priority": job.priority, "tables": job.tables,
                            **({"extract": job.extract} if job.extract else {})},
                "external_ref": job.external_ref,
                "created_at": isoformat(job.created_at),
                "updated_at": isoformat(job.updated_at),
                "finished_at": isoformat(job.finished_at),
                "batch_id": job.batch_id,
                "reused_from": job.reused_from,
                "links": {
                    "self": url_for("jobs.get_job", job_id=job.id),
                    "pages": url_for("jobs.list_pages", job_id=job.id),
                    "result": url_for("exports.get_result", job_id=job.id),
                    **({"fields": url_for("fields.get_fields", job_id=job.id)} if job.extract else {}),
                },
            }
        )
    return views


def _fields_summary(document) -> dict:
    entry = document_entry(document)
    return {"document_type": entry["document_type"], "needs_review": entry["needs_review"]}


def job_view(session: Session, job: Job) -> dict:
    return job_views(session, [job])[0]


def is_terminal(job: Job) -> bool:
    return job.status in JobStatus.TERMINAL


def page_view(job_id: str, page: Page, result, document: Document) -> dict:
    data = result.result if result is not None else None
    view = {
        "id": page.id,
        "document": page.document_id,
        "page_no": page.page_no,
        "status": page.status,
        "source": None,
        "text": None,
        "confidence": None,
        "lines": [],
        "blocks": [],
        "width": None,
        "height": None,
        "dpi": None,
        "error": _error(page.error_code, page.error_message) if page.status == PageStatus.FAILED else None,
        "attempts": page.attempts,
        "timings": {},
        "tables": [],
        "warnings": [],
        "provenance": None,
        "image_url": url_for(
            "exports.get_page_image", job_id=job_id, document_id=page.document_id, page_no=page.page_no
        ),
    }
    if data is not None and page.status == PageStatus.SUCCEEDED:
        pre = data.get("preprocessing") or {}
        view.update(
            source=data.get("source"),
            text=data.get("text"),
            confidence=data.get("confidence"),
            lines=[
                {
                    "text": line.get("text"),
                    "confidence": line.get("confidence"),
                    "box": line.get("box"),
                    "words": [
                        {"text": w.get("text"), "confidence": w.get("confidence"), "box": w.get("box")}
                        for w in line.get("words") or []
                    ],
                }
                for line in data.get("lines") or []
            ],
            blocks=data.get("blocks") or [],
            width=data.get("width"),
            height=data.get("height"),
            dpi=data.get("dpi"),
            timings=data.get("timings") or {},
            tables=data.get("tables") or [],  # as stored: the pipeline's contract (pipeline/tables/model.py)
            warnings=data.get("warnings") or [],
            provenance={
                "models": data.get("models") or {},
                "dpi": data.get("dpi"),
                "deskew_angle": pre.get("deskew_angle"),
                "rotation": pre.get("rotation"),
                "document_sha256": document.sha256,
            },
        )
    return view
