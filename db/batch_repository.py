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
from db.clock import utcnow
from db.models import JOB_ACTIVE, PAGE_FAILED, PAGE_SUCCEEDED, Job, Page, PageResult, new_id
from db.repository import decode_cursor, encode_cursor

BATCH_EMPTY, BATCH_RUNNING, BATCH_COMPLETED = "empty", "running", "completed"


def create_batch(session: Session, tenant_id: str, name: str, external_ref: str | None = None) -> Batch:
    batch = Batch(id=new_id(), tenant_id=tenant_id, name=name, external_ref=external_ref, created_at=utcnow())
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, tenant_id: str, batch_id: str) -> Batch | None:
    """The batch if it belongs to the tenant (another tenant's batch is simply not found)."""
    return session.scalar(select(Batch).where(Batch.id == batch_id, Batch.tenant_id == tenant_id))


def add_job(session: Session, batch_id: str, job_id: str) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(batch_id=batch_id))


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
