"""Batches: create, find (tenant-scoped), lock for joining jobs, close, aggregate their progress, list their jobs.

Everything a batch reports is computed from its jobs and pages when asked,
so it is right however its jobs end (a worker, the sweeper, a cancel).
A batch is announced (``batch.completed``) once: after it is closed and
none of its jobs is active, by whichever transaction sees that first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.batch_models import Batch
from db.clock import isoformat, utcnow
from db import outbox
from db.models import Job, Page, PageResult, new_id
from db.states import BatchStatus, JobStatus, PageStatus
from db.cursors import keyset_page

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


class BatchClosed(Exception):
    """A job may not join a closed batch."""

    def __init__(self, batch_id: str):
        super().__init__(f"batch {batch_id} is closed")
        self.batch_id = batch_id


def is_closed(batch: Batch) -> bool:
    return batch.closed_at is not None


def lock_open_batch(session: Session, batch_id: str) -> None:
    """Lock the batch row for the rest of the transaction; raises ``BatchClosed`` if it is closed.

    Jobs join a batch only under this lock, so a close cannot commit between
    the check and the attach: a close waiting here afterwards counts the new
    jobs as active, and a close that committed first is seen here.
    """
    row = session.execute(select(Batch.closed_at).where(Batch.id == batch_id).with_for_update()).first()
    if row is not None and row.closed_at is not None:
        raise BatchClosed(batch_id)


def close_batch(session: Session, batch_id: str) -> bool:
    """Close the batch: no job may join it any more. Returns False if it was closed already.

    If none of its jobs is active, the batch is complete now and this
    transaction announces it; otherwise the end of its last job will.
    """
    row = session.execute(select(Batch.closed_at).where(Batch.id == batch_id).with_for_update()).first()
    if row is None or row.closed_at is not None:
        return False
    session.execute(update(Batch).where(Batch.id == batch_id, Batch.closed_at.is_(None)).values(closed_at=utcnow()))
    _complete(session, batch_id, ended_job_id=None)
    return True


def complete_if_last(session: Session, job_id: str) -> str | None:
    """Called in the transaction that ended ``job_id``: if its batch is closed and that was its last
    active job, complete the batch (see ``_complete``). Returns the batch id when it completed the batch."""
    batch_id = session.scalar(select(Job.batch_id).where(Job.id == job_id))
    if not batch_id:
        return None
    return batch_id if _complete(session, batch_id, ended_job_id=job_id) else None


def complete_batch_if_done(session: Session, batch_id: str, ended_job_id: str) -> bool:
    """Called in the transaction that ended ``ended_job_id`` (and maybe other jobs of the batch)."""
    return _complete(session, batch_id, ended_job_id=ended_job_id)


def _complete(session: Session, batch_id: str, ended_job_id: str | None) -> bool:
    """Mark a closed batch with no active job completed and write ``batch.completed`` into the outbox
    (when the batch has a callback_url or the tenant an endpoint subscribed to it). True if this call did.

    Every transaction that can complete a batch (the close, the end of any of
    its jobs) locks the batch row first, so they queue up: the one that waits
    counts jobs afterwards with a fresh snapshot under READ COMMITTED and sees
    what the earlier one committed. Two last jobs ending at once, or a close
    racing the last job's end, therefore never both miss the completion, and
    the guarded UPDATE on ``completed_at`` makes exactly one of them write the
    event. (SQLite serializes writers anyway; FOR UPDATE is a no-op there.)
    """
    row = session.execute(
        select(Batch.closed_at, Batch.completed_at).where(Batch.id == batch_id).with_for_update()
    ).first()
    if row is None or row.closed_at is None or row.completed_at is not None:
        return False
    active = session.scalar(
        select(func.count()).select_from(Job).where(Job.batch_id == batch_id, Job.status.in_(JobStatus.ACTIVE))
    )
    if active:
        return False
    now = utcnow()
    won = session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.closed_at.is_not(None), Batch.completed_at.is_(None))
        .values(completed_at=now)
    )
    if won.rowcount != 1:
        return False
    batch = session.get(Batch, batch_id)
    session.refresh(batch)
    if outbox.wanted(session, batch.tenant_id, BATCH_COMPLETED_EVENT, batch.callback_url):
        outbox.append(
            session,
            tenant_id=batch.tenant_id,
            # Deliveries are listed per job: the job whose end completed the batch, or for a close
            # the batch's last job to end (the batch's own id when it has none).
            job_id=ended_job_id or _last_ended_job(session, batch_id) or batch_id,
            event_type=BATCH_COMPLETED_EVENT,
            callback_url=batch.callback_url,
            payload=batch_summary(session, batch, now),
        )
    return True


def _last_ended_job(session: Session, batch_id: str) -> str | None:
    return session.scalar(
        select(Job.id)
        .where(Job.batch_id == batch_id, Job.finished_at.is_not(None))
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(1)
    )


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
    finished_at: datetime | None = None  # the last job's end, while no job is active
    status: str = BatchStatus.EMPTY
    elapsed_seconds: float | None = None
    pages_per_second: float | None = None
    eta_seconds: float | None = None

    @property
    def pages_processed(self) -> int:
        return self.pages.get(PageStatus.SUCCEEDED, 0) + self.pages.get(PageStatus.FAILED, 0)


def batch_progress(session: Session, batch_id: str, now: datetime | None = None) -> BatchProgress:
    now = now or utcnow()
    p = BatchProgress()
    closed = session.scalar(select(Batch.closed_at).where(Batch.id == batch_id)) is not None
    p.jobs = dict(session.execute(select(Job.status, func.count()).where(Job.batch_id == batch_id).group_by(Job.status)).all())
    if not p.jobs:
        p.status = BatchStatus.COMPLETED if closed else BatchStatus.EMPTY
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
        p.pages[PageStatus.QUEUED] = p.pages.get(PageStatus.QUEUED, 0) + unsplit
    confidence = session.scalar(
        select(func.avg(PageResult.confidence))
        .join(Page, Page.id == PageResult.page_id)
        .where(Page.job_id.in_(in_batch), Page.status == PageStatus.SUCCEEDED)
    )
    p.confidence = None if confidence is None else float(confidence)
    p.started_at = session.scalar(select(func.min(Page.started_at)).where(Page.job_id.in_(in_batch)))
    active = sum(n for status, n in p.jobs.items() if status in JobStatus.ACTIVE)
    # Only a closed batch is completed: an open one with every job ended may still get more.
    p.status = BatchStatus.RUNNING if active else BatchStatus.COMPLETED if closed else BatchStatus.OPEN
    if not active:
        p.finished_at = totals[1]
    if p.started_at is not None:
        end = p.finished_at or now
        p.elapsed_seconds = max((end - p.started_at).total_seconds(), 0.0)
        if p.elapsed_seconds > 0:
            p.pages_per_second = p.pages_processed / p.elapsed_seconds
    if not active:
        p.eta_seconds = 0.0
    elif p.pages_per_second:
        remaining = sum(n for status, n in p.pages.items() if status in PageStatus.ACTIVE)
        p.eta_seconds = remaining / p.pages_per_second
    return p


def list_batch_jobs(session: Session, batch_id: str, *, cursor: str | None = None, limit: int = 50) -> tuple[list[Job], str | None]:
    """The batch's jobs in (created_at, id) order, which never changes; the cursor resumes after the last one."""
    return keyset_page(session, select(Job).where(Job.batch_id == batch_id), Job.created_at, Job.id, cursor, limit)
