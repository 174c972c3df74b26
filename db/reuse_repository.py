"""Result reuse in the database: find an identical finished job and copy its pages into a new one.

The copy is rows, not references: the new job owns its ``pages`` and
``page_results``, so deleting the job it came from changes nothing for it.
``reuse_key`` is computed by the worker (workers/result_reuse.py), which
knows the models and code that would read the file; here it is only a key.
"""
from __future__ import annotations

import copy

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db import outbox
from db.clock import utcnow
from db.models import Document, Job, Page, PageResult, new_id
from db.states import DocumentStatus, JobStatus, PageStatus


def document_hashes(session: Session, job_ids: list[str]) -> dict[str, list[str]]:
    """job id → the sha256 of every file of the job, in order: a job is reused only as a whole."""
    out: dict[str, list[str]] = {j: [] for j in job_ids}
    rows = session.execute(
        select(Document.job_id, Document.sha256).where(Document.job_id.in_(list(job_ids)))
        .order_by(Document.job_id, Document.position)
    )
    for job_id, sha256 in rows:
        out[job_id].append(sha256)
    return out


def set_reuse_keys(session: Session, keys: dict[str, str]) -> None:
    # Every document's split computes the same key for its job; the first one writes it.
    for job_id, key in sorted(keys.items()):
        session.execute(update(Job).where(Job.id == job_id, Job.reuse_key.is_(None)).values(reuse_key=key))


def find_sources(session: Session, wanted: dict[str, tuple[str, str]]) -> dict[str, str]:
    """job id → the newest succeeded job of the same tenant with the same key (never the job itself).

    ``wanted``: job id → (tenant id, reuse key). One query for all of them.
    """
    if not wanted:
        return {}
    rows = session.execute(
        select(Job.id, Job.tenant_id, Job.reuse_key)
        .where(Job.reuse_key.in_(sorted({key for _, key in wanted.values()})), Job.status == JobStatus.SUCCEEDED)
        .order_by(Job.finished_at.desc(), Job.id)
    ).all()
    found = {}
    for job_id, (tenant_id, key) in wanted.items():
        found_id = next((r.id for r in rows if r.reuse_key == key and r.tenant_id == tenant_id and r.id != job_id), None)
        if found_id is not None:
            found[job_id] = found_id
    return found


def copy_document_pages(session: Session, document_id: str, source_job_id: str) -> bool:
    """Give the document succeeded pages copied from the source job's document at the same position.

    False, with nothing written, when the document was split already (a
    duplicate delivery), its job has ended, or the source does not hold
    exactly the pages wanted (then the caller reads the file as usual).
    """
    doc = session.get(Document, document_id)
    if doc is None or doc.status != DocumentStatus.QUEUED:
        return False
    job = session.get(Job, doc.job_id)
    if job.status not in JobStatus.ACTIVE:
        return False
    source = session.execute(
        select(Page, PageResult)
        .join(PageResult, PageResult.page_id == Page.id)
        .join(Document, Document.id == Page.document_id)
        .where(Document.job_id == source_job_id, Document.position == doc.position, Page.status == PageStatus.SUCCEEDED)
        .order_by(Page.page_no)
    ).all()
    if len(source) != doc.pages_selected:
        return False
    won = session.execute(
        update(Document)
        .where(Document.id == doc.id, Document.status == DocumentStatus.QUEUED)
        .values(status=DocumentStatus.SPLIT)
    )
    if won.rowcount != 1:
        return False
    offset = session.scalar(
        select(func.coalesce(func.sum(Document.pages_selected), 0)).where(
            Document.job_id == doc.job_id, Document.position < doc.position
        )
    )
    now = utcnow()
    copied = []
    for i, (page, result) in enumerate(source):
        page_id = new_id()
        copied.append(page_id)
        # attempts=0 and no claimed_by: visibly not read by any worker.
        session.add(
            Page(id=page_id, job_id=doc.job_id, document_id=doc.id, position=offset + i, page_no=page.page_no,
                 status=PageStatus.SUCCEEDED, attempts=0, created_at=now, started_at=now, finished_at=now)
        )
        session.add(
            PageResult(page_id=page_id, job_id=doc.job_id, source=result.source, text=result.text,
                       confidence=result.confidence, result=copy.deepcopy(result.result), created_at=now)
        )
    session.flush()
    session.execute(
        update(Job)
        .where(Job.id == doc.job_id, Job.reused_from.is_(None))
        .values(reused_from=source_job_id, updated_at=now)
    )
    outbox.append_page_events(session, copied)
    return True
