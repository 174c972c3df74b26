"""Batches: create, find (tenant-scoped), attach jobs, aggregate their progress, list their jobs.

Everything a batch reports is computed from its jobs and pages when asked,
so it is right however its jobs end (a worker, the sweeper, a cancel).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from db.batch_models import Batch
from db.clock import isoformat, utcnow
from db.models import JOB_ACTIVE, PAGE_FAILED, PAGE_SUCCEEDED, Job, Page, PageResult, WebhookEvent, new_id
from db.repository import decode_cursor, encode_cursor
from db.webhook_models import WebhookEndpoint

BATCH_EMPTY, BATCH_RUNNING, BATCH_COMPLETED = "empty", "running", "completed"
BATCH_COMPLETED_EVENT = "batch.completed"


def create_batch(
    session: Session, tenant_id: str, name: str, external_ref: str | None = None, callback_url: str | None = None
) -> Batch:
    batch = Batch(
        id=new_id(), tenant_id=tenant_id, name=name, external_ref=external_ref, callback_url=callback_url,
        created_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, tenant_id: str, batch_id: str) -> Batch | None:
    """The batch if it belongs to the tenant (another tenant's batch is simply not found)."""
    return session.scalar(select(Batch).where(Batch.id == batch_id, Batch.tenant_id == tenant_id))


def add_job(session: Session, batch_id: str, job_id: str) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(batch_id=batch_id))
    # A batch that had ended is open again: the end of its new last job announces it once more.
    session.execute(update(Batch).where(Batch.id == batch_id, Batch.completed_at.is_not(None)).values(completed_at=None))


def complete_if_last(session: Session, job_id: str) -> str | None:
    """Called in the transaction that ended ``job_id``: if that was its batch's last active job, mark the
    batch completed and write ``batch.completed`` into the outbox (when the batch has a callback_url or
    the tenant an endpoint subscribed to it). Returns the batch id when it completed the batch.

    Two jobs of a batch ending at once must not both think the other is
    still running (each sees only its own end): the batch row is locked
    first, so the second transaction waits, then counts with a fresh
    snapshot under READ COMMITTED and sees the first one's end. The
    guarded UPDATE on ``completed_at`` makes exactly one of them write the
    event. (SQLite serializes writers anyway; FOR UPDATE is a no-op there.)
    """
    batch_id = session.scalar(select(Job.batch_id).where(Job.id == job_id))
    if not batch_id:
        return None
    row = session.execute(
        select(Batch.completed_at).where(Batch.id == batch_id).with_for_update()
    ).first()
    if row is None or row.completed_at is not None:
        return None
    active = session.scalar(
        select(func.count()).select_from(Job).where(Job.batch_id == batch_id, Job.status.in_(JOB_ACTIVE))
    )
    if active:
        return None
    now = utcnow()
    won = session.execute(
        update(Batch).where(Batch.id == batch_id, Batch.completed_at.is_(None)).values(completed_at=now)
    )
    if won.rowcount != 1:
        return None
    batch = session.get(Batch, batch_id)
    session.refresh(batch)
    if not batch.callback_url and not _has_subscriber(session, batch.tenant_id):
        # Nobody would receive it: an outbox row with no destination would be scanned by every sweep.
        return batch_id
    session.add(
        WebhookEvent(
            job_id=job_id,  # the job whose end completed the batch: one event per completion
            tenant_id=batch.tenant_id,
            type=BATCH_COMPLETED_EVENT,
            callback_url=batch.callback_url,
            payload=batch_summary(session, batch, now),
        )
    )
    return batch_id


def _has_subscriber(session: Session, tenant_id: str) -> bool:
    endpoints = session.scalars(
        select(WebhookEndpoint.events).where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.disabled_at.is_(None))
    )
    return any(BATCH_COMPLETED_EVENT in (events or ()) for events in endpoints)


def batch_summary(session: Session, batch: Batch, now: datetime | None = None) -> dict:
    """The outbox payload of ``batch.completed``: counts only, never text or file names."""
    p = batch_progress(session, batch.id, now)
    return {
        "type": BATCH_COMPLETED_EVENT,
        "batch_id": batch.id,
        "name": batch.name,
        "external_ref": batch.external_ref,
        "files": {"total": sum(p.jobs.values()), "by_status": p.jobs},
        "pages": {"total": p.pages_total, "by_status": p.pages},
        "confidence": p.confidence,
        "completed_at": isoformat(batch.completed_at or now),
    }


@dataclass
class BatchProgress:
    jobs: dict[str, int] = field(default_factory=dict)  # job status → count
    pages: dict[str, int] = field(default_factory=dict)  # page status → count (not yet split: "queued")
    pages_total: int = 0
    confidence: float | None = None
    started_at: datetime | None = None  # the first page taken up (claimed or copied)
    finished_at: datetime | None = None  # the last job's end, once every job has ended
    status: str = BATCH_EMPTY
    elapsed_seconds: float | None = None
    pages_per_second: float | None = None
    eta_seconds: float | None = None

    @property
    def pages_processed(self) -> int:
        return self.pages.get(PAGE_SUCCEEDED, 0) + self.pages.get(PAGE_FAILED, 0)


def batch_progress(session: Session, batch_id: str, now: datetime | None = None) -> BatchProgress:
    now = now or utcnow()
    p = BatchProgress()
    p.jobs = dict(session.execute(select(Job.status, func.count()).where(Job.batch_id == batch_id).group_by(Job.status)).all())
    if not p.jobs:
        return p
    in_batch = select(Job.id).where(Job.batch_id == batch_id)
    p.pages = dict(
        session.execute(select(Page.status, func.count()).where(Page.job_id.in_(in_batch)).group_by(Page.status)).all()
    )
    totals = session.execute(
        select(func.coalesce(func.sum(Job.pages_total), 0), func.max(Job.finished_at)).where(Job.batch_id == batch_id)
    ).one()
    p.pages_total = int(totals[0])
    # Pages of files not split yet have no rows: count them as waiting.
    unsplit = p.pages_total - sum(p.pages.values())
    if unsplit > 0:
        p.pages["queued"] = p.pages.get("queued", 0) + unsplit
    confidence = session.scalar(
        select(func.avg(PageResult.confidence))
        .join(Page, Page.id == PageResult.page_id)
        .where(Page.job_id.in_(in_batch), Page.status == PAGE_SUCCEEDED)
    )
    p.confidence = None if confidence is None else float(confidence)
    p.started_at = session.scalar(select(func.min(Page.started_at)).where(Page.job_id.in_(in_batch)))
    active = sum(n for status, n in p.jobs.items() if status in JOB_ACTIVE)
    p.status = BATCH_RUNNING if active else BATCH_COMPLETED
    if p.status == BATCH_COMPLETED:
        p.finished_at = totals[1]
    if p.started_at is not None:
        end = p.finished_at or now
        p.elapsed_seconds = max((end - p.started_at).total_seconds(), 0.0)
        if p.elapsed_seconds > 0:
            p.pages_per_second = p.pages_processed / p.elapsed_seconds
    if p.status == BATCH_COMPLETED:
        p.eta_seconds = 0.0
    elif p.pages_per_second:
        remaining = sum(n for status, n in p.pages.items() if status in ("queued", "running"))
        p.eta_seconds = remaining / p.pages_per_second
    return p


def list_batch_jobs(session: Session, batch_id: str, *, cursor: str | None = None, limit: int = 50) -> tuple[list[Job], str | None]:
    """The batch's jobs in (created_at, id) order, which never changes; the cursor resumes after the last one."""
    q = select(Job).where(Job.batch_id == batch_id)
    if cursor:
        at, last_id = decode_cursor(cursor)
        q = q.where(or_(Job.created_at > at, and_(Job.created_at == at, Job.id > last_id)))
    jobs = list(session.scalars(q.order_by(Job.created_at, Job.id).limit(limit + 1)))
    more = len(jobs) > limit
    jobs = jobs[:limit]
    return jobs, encode_cursor(jobs[-1].created_at, jobs[-1].id) if more else None
