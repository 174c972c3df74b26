"""Ending jobs: page counts, the terminal state, the webhook outbox event, cancel and purge.

A job is finalized by the one UPDATE that moves it from an active to a
terminal state, and that same transaction writes the job's webhook event
(``db.outbox``) when its callback_url or a subscribed endpoint would receive it.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db import fields, outbox
from db.clock import isoformat, utcnow
from db.models import Document, Job, Page, PageResult
from db.states import DocumentStatus, JobStatus, PageStatus
from db.batch_repository import complete_batch_if_done


def page_counts(session: Session, job_ids: list[str]) -> dict[str, dict[str, int]]:
    """job id → {page status → count}."""
    counts: dict[str, dict[str, int]] = {j: {} for j in job_ids}
    if not job_ids:
        return counts
    rows = session.execute(
        select(Page.job_id, Page.status, func.count()).where(Page.job_id.in_(job_ids)).group_by(Page.job_id, Page.status)
    )
    for job_id, status, n in rows:
        counts[job_id][status] = n
    return counts


def confidence_stats(session: Session, job_ids: list[str]) -> dict[str, tuple[float | None, float | None]]:
    """job id → (mean, lowest) confidence of its succeeded pages; (None, None) before any."""
    # Filtered on pages (job_id, status), which one index answers. Filtered on page_results.job_id,
    # PostgreSQL with the stale statistics of a table filled minutes ago walked every succeeded
    # page of every job (7 ms a call after 1,000 files of a bulk run, growing with each file).
    rows = session.execute(
        select(Page.job_id, func.avg(PageResult.confidence), func.min(PageResult.confidence))
        .join(PageResult, PageResult.page_id == Page.id)
        .where(Page.job_id.in_(job_ids), Page.status == PageStatus.SUCCEEDED)
        .group_by(Page.job_id)
    )
    found = {job_id: (None if avg is None else float(avg), None if low is None else float(low)) for job_id, avg, low in rows}
    return {j: found.get(j, (None, None)) for j in job_ids}


def mean_confidence(session: Session, job_ids: list[str]) -> dict[str, float | None]:
    return {j: mean for j, (mean, _) in confidence_stats(session, job_ids).items()}


def finalize_job(session: Session, job_id: str) -> str | None:
    """If every page has ended, move the job to its terminal state; returns that state, or None."""
    return finalize_jobs(session, [job_id]).get(job_id)


def finalize_jobs(session: Session, job_ids: list[str], *, fields_asked: bool = True) -> dict[str, str]:
    """``finalize_job`` for several jobs; returns job id → terminal state for the jobs this call ended.

    The guarded UPDATE makes exactly one caller win however many workers
    finish the last pages at once; the winner writes the outbox row in the
    same transaction. ``fields_asked=False``: the caller knows that none of
    the jobs asked for fields, so none waits for them (a query less).
    """
    job_ids = sorted(set(job_ids))  # a fixed order: two finalizers never lock rows crosswise
    if not job_ids:
        return {}
    docs: dict[str, list[tuple[str, int]]] = {}
    for job_id, status, pages_selected in session.execute(
        select(Document.job_id, Document.status, Document.pages_selected).where(Document.job_id.in_(job_ids))
    ):
        docs.setdefault(job_id, []).append((status, pages_selected))
    ready = [j for j in job_ids if docs.get(j) and not any(status == DocumentStatus.QUEUED for status, _ in docs[j])]
    # A job that asked for fields ends once they are stored (its event and views carry them);
    # the worker reads them and calls in here again (workers/extraction.py).
    extracting = fields.pending_jobs(session, ready) if fields_asked else set()
    ready = [j for j in ready if j not in extracting]
    counts = page_counts(session, ready)
    ended, batches = {}, {}
    for job_id in ready:
        if any(status not in PageStatus.TERMINAL for status in counts[job_id]):
            continue
        done = counts[job_id].get(PageStatus.SUCCEEDED, 0)
        in_failed_documents = sum(n for status, n in docs[job_id] if status == DocumentStatus.FAILED)
        failed = counts[job_id].get(PageStatus.FAILED, 0) + in_failed_documents
        if failed == 0 and done > 0:
            final, error_code, error_message = JobStatus.SUCCEEDED, None, None
        else:
            final = JobStatus.FAILED if done == 0 else JobStatus.PARTIAL
            error_code = _first_error_code(session, job_id)
            error_message = f"{failed} of {done + failed} pages failed; each page's error says why"
        now = utcnow()
        won = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(JobStatus.ACTIVE))
            .values(status=final, finished_at=now, updated_at=now, error_code=error_code, error_message=error_message)
            .returning(Job.tenant_id, Job.callback_url, Job.batch_id)
        ).first()
        if won is None:
            continue
        ended[job_id] = final
        write_job_event(session, job_id, final, won.tenant_id, won.callback_url)
        if won.batch_id:
            batches[won.batch_id] = job_id
    for batch_id, job_id in sorted(batches.items()):
        # Once per batch, after all of this call's jobs ended: the count of active jobs sees them all.
        complete_batch_if_done(session, batch_id, job_id)
    return ended


def _first_error_code(session: Session, job_id: str) -> str:
    code = session.scalar(
        select(Page.error_code)
        .where(Page.job_id == job_id, Page.status == PageStatus.FAILED)
        .order_by(Page.position)
        .limit(1)
    )
    if code is None:
        code = session.scalar(
            select(Document.error_code)
            .where(Document.job_id == job_id, Document.status == DocumentStatus.FAILED)
            .limit(1)
        )
    return code or "page_failed"


def write_job_event(session: Session, job_id: str, status: str, tenant_id: str, callback_url: str | None) -> None:
    """The event of a job that has just ended, if anyone would receive it."""
    event_type = f"job.{status}"
    if outbox.wanted(session, tenant_id, event_type, callback_url):
        outbox.append(session, tenant_id=tenant_id, job_id=job_id, event_type=event_type, callback_url=callback_url,
                      payload=job_summary(session, job_id))


def job_summary(session: Session, job_id: str) -> dict:
    """The payload of a job's event: how it ended, its counts and mean confidence (never text);
    with extract, the documents' fields, which only endpoints that asked for them receive."""
    job = session.get(Job, job_id)
    session.refresh(job)  # the guarded UPDATE that ended it bypassed the identity map
    counts = page_counts(session, [job_id])[job_id]
    summary = {
        "id": job.id,
        "status": job.status,
        "external_ref": job.external_ref,
        "progress": {
            "pages_total": job.pages_total,
            "pages_done": counts.get(PageStatus.SUCCEEDED, 0),
            "pages_failed": counts.get(PageStatus.FAILED, 0),
        },
        "confidence": mean_confidence(session, [job_id])[job_id],
        "finished_at": isoformat(job.finished_at),
    }
    if job.extract:
        # Carried to the endpoints that ask for them (include: ["fields"]); webhooks.events decides.
        summary["documents"] = fields.job_entries(session, job_id)
    return summary


def cancel_job(session: Session, job_id: str) -> bool:
    """Stop an active job: its waiting and running pages become ``canceled`` (a running attempt's result is discarded)."""
    now = utcnow()
    # A worker settling a page locks the page, then its job. Take the job's open pages first, in one
    # order, so that this waits for such a worker to commit instead of deadlocking with it.
    session.execute(
        select(Page.id)
        .where(Page.job_id == job_id, Page.status.in_((PageStatus.QUEUED, PageStatus.RUNNING)))
        .order_by(Page.id)
        .with_for_update()
    ).all()
    won = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(JobStatus.ACTIVE))
        .values(status=JobStatus.CANCELED, finished_at=now, updated_at=now)
        .returning(Job.tenant_id, Job.callback_url, Job.batch_id)
    ).first()
    if won is None:
        return False
    session.execute(
        update(Page)
        .where(Page.job_id == job_id, Page.status.in_((PageStatus.QUEUED, PageStatus.RUNNING)))
        .values(status=PageStatus.CANCELED, finished_at=now, lease_until=None)
    )
    write_job_event(session, job_id, JobStatus.CANCELED, won.tenant_id, won.callback_url)
    if won.batch_id:
        complete_batch_if_done(session, won.batch_id, job_id)
    return True


def purge_job(session: Session, job_id: str) -> list[str]:
    """Delete the job's rows (pages and results cascade); returns the blob keys to delete."""
    keys = list(session.scalars(select(Document.blob_key).where(Document.job_id == job_id)))
    session.execute(delete(PageResult).where(PageResult.job_id == job_id))
    session.execute(delete(Page).where(Page.job_id == job_id))
    session.execute(delete(Document).where(Document.job_id == job_id))
    session.execute(delete(Job).where(Job.id == job_id))
    return keys
