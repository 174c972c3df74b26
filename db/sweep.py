"""What the sweeper finds lost: documents never split, pages whose lease expired, jobs left unfinished."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import Document, Job, Page
from db.states import DocumentStatus, JobStatus, PageStatus
from db.pages import fail_exhausted_page


@dataclass
class LostWork:
    documents: list[tuple[str, str]] = field(default_factory=list)  # (document id, priority)
    pages: list[tuple[str, str]] = field(default_factory=list)  # (page id, priority)
    recovered: list[str] = field(default_factory=list)  # pages whose lease expired, queued again
    failed_jobs: list[str] = field(default_factory=list)  # jobs touched by pages given up


def _unsent_or_lost(column, created, *, stale, lost_after, empty_priorities):
    """A queued row's message is missing when it was never published (``enqueued_at`` empty, and the
    publisher had ``requeue_after`` to do it), or when it was published long ago and either its
    queue is empty now or a broker's visibility timeout has passed (liveness if the queue never empties).
    A row whose message may still wait in a non-empty queue is left alone: no duplicates."""
    conditions = [and_(column.is_(None), created < stale), column < lost_after]
    if empty_priorities:
        conditions.append(and_(column < stale, Job.priority.in_(sorted(empty_priorities))))
    return or_(*conditions)


def find_lost_work(
    session: Session,
    *,
    requeue_after: int,
    max_attempts: int,
    priorities_to_requeue: set[str],
    lost_after: int = 3600,
    limit: int = 5000,
) -> LostWork:
    """What the sweeper must enqueue again.

    * running pages whose lease expired: back to ``queued`` (``recovered``, to be
      offered at once ahead of the backlog), or ``failed`` (``worker_lost``)
      after the last allowed attempt;
    * documents and queued pages whose message is missing (``_unsent_or_lost``);
      ``priorities_to_requeue`` names the priorities whose broker queues are
      known to be empty.
    """
    now = utcnow()
    stale = now - timedelta(seconds=requeue_after)
    old = now - timedelta(seconds=lost_after)
    lost = LostWork()

    rows = session.execute(
        select(Document.id, Job.priority)
        .join(Job, Job.id == Document.job_id)
        .where(
            Document.status == DocumentStatus.QUEUED,
            Job.status.in_(JobStatus.ACTIVE),
            _unsent_or_lost(Document.enqueued_at, Document.created_at, stale=stale, lost_after=old,
                            empty_priorities=priorities_to_requeue),
        )
        .limit(limit)
    ).all()
    lost.documents = [(d, p) for d, p in rows]

    active_job = select(Job.id).where(Job.status.in_(JobStatus.ACTIVE))
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
            continue
        released = session.execute(
            update(Page)
            .where(Page.id == page_id, Page.status == PageStatus.RUNNING, Page.lease_until < now)
            .values(status=PageStatus.QUEUED, lease_until=None, enqueued_at=None)
        )
        if released.rowcount == 1:
            lost.recovered.append(page_id)

    rows = session.execute(
        select(Page.id, Job.priority)
        .join(Job, Job.id == Page.job_id)
        .where(
            Page.status == PageStatus.QUEUED,
            Job.status.in_(JobStatus.ACTIVE),
            _unsent_or_lost(Page.enqueued_at, Page.created_at, stale=stale, lost_after=old,
                            empty_priorities=priorities_to_requeue),
        )
        .order_by(Page.created_at)
        .limit(limit)
    ).all()
    recovered = set(lost.recovered)
    lost.pages = [(p, prio) for p, prio in rows if p not in recovered]
    return lost


def unfinished_jobs_with_all_pages_ended(session: Session, limit: int = 1000) -> list[str]:
    """Active jobs a crashed finalizer may have left behind."""
    open_pages = select(Page.id).where(Page.job_id == Job.id, Page.status.not_in(PageStatus.TERMINAL)).exists()
    open_docs = select(Document.id).where(Document.job_id == Job.id, Document.status == DocumentStatus.QUEUED).exists()
    return list(
        session.scalars(select(Job.id).where(Job.status.in_(JobStatus.ACTIVE), ~open_pages, ~open_docs).limit(limit))
    )
