"""What the sweeper finds lost: documents never split, pages whose lease expired, jobs left unfinished."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import Document, Job, Page
from db.states import DocumentStatus, JobStatus, PageStatus
from db.pages import fail_exhausted_page


@dataclass
class LostWork:
    documents: list[tuple[str, str]] = field(default_factory=list)  # (document id, priority)
    pages: list[tuple[str, str]] = field(default_factory=list)  # (page id, priority)
    failed_jobs: list[str] = field(default_factory=list)  # jobs touched by pages given up


def find_lost_work(
    session: Session, *, requeue_after: int, max_attempts: int, priorities_to_requeue: set[str], limit: int = 5000
) -> LostWork:
    """What the sweeper must enqueue again.

    * documents never split and not enqueued recently;
    * queued pages not enqueued recently — only for priorities whose broker
      queue is empty (``priorities_to_requeue``), so a long queue still
      draining is not flooded with duplicates;
    * running pages whose lease expired: back to ``queued``, or ``failed``
      (``worker_lost``) after the last allowed attempt.
    """
    now = utcnow()
    stale = now - timedelta(seconds=requeue_after)
    lost = LostWork()
    active_job = select(Job.id).where(Job.status.in_(JobStatus.ACTIVE))

    rows = session.execute(
        select(Document.id, Job.priority)
        .join(Job, Job.id == Document.job_id)
        .where(
            Document.status == DocumentStatus.QUEUED,
            Job.status.in_(JobStatus.ACTIVE),
            or_(Document.enqueued_at.is_(None), Document.enqueued_at < stale),
        )
        .limit(limit)
    ).all()
    lost.documents = [(d, p) for d, p in rows]

    expired = session.execute(
        select(Page.id, Page.attempts).where(
            Page.status == PageStatus.RUNNING, Page.lease_until < now, Page.job_id.in_(active_job)
        ).limit(limit)
    ).all()
    for page_id, attempts in expired:
        if attempts >= max_attempts:
            job_id = fail_exhausted_page(session, page_id, max_attempts)
            if job_id:
                lost.failed_jobs.append(job_id)
        else:
            session.execute(
                update(Page)
                .where(Page.id == page_id, Page.status == PageStatus.RUNNING, Page.lease_until < now)
                .values(status=PageStatus.QUEUED, lease_until=None, enqueued_at=None)
            )

    if priorities_to_requeue:
        rows = session.execute(
            select(Page.id, Job.priority)
            .join(Job, Job.id == Page.job_id)
            .where(
                Page.status == PageStatus.QUEUED,
                Job.status.in_(JobStatus.ACTIVE),
                Job.priority.in_(sorted(priorities_to_requeue)),
                or_(Page.enqueued_at.is_(None), Page.enqueued_at < stale),
            )
            .order_by(Page.created_at)
            .limit(limit)
        ).all()
        lost.pages = [(p, prio) for p, prio in rows]
    # Pages released for a retry (enqueued_at cleared) are re-enqueued whatever the queue holds.
    rows = session.execute(
        select(Page.id, Job.priority)
        .join(Job, Job.id == Page.job_id)
        .where(Page.status == PageStatus.QUEUED, Page.enqueued_at.is_(None), Job.status.in_(JobStatus.ACTIVE))
        .limit(limit)
    ).all()
    known = {p for p, _ in lost.pages}
    lost.pages += [(p, prio) for p, prio in rows if p not in known]
    return lost


def unfinished_jobs_with_all_pages_ended(session: Session, limit: int = 1000) -> list[str]:
    """Active jobs a crashed finalizer may have left behind."""
    open_pages = select(Page.id).where(Page.job_id == Job.id, Page.status.not_in(PageStatus.TERMINAL)).exists()
    open_docs = select(Document.id).where(Document.job_id == Job.id, Document.status == DocumentStatus.QUEUED).exists()
    return list(
        session.scalars(select(Job.id).where(Job.status.in_(JobStatus.ACTIVE), ~open_pages, ~open_docs).limit(limit))
    )
