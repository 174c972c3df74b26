"""Creating jobs with their documents (once per idempotency key) and reading jobs back.

Functions take an open ``Session``; the caller's ``Database.session()`` block
is the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import batch_repository
from db.clock import utcnow
from db.models import Document, Job, Page, PageResult, new_id
from db.states import DocumentStatus, JobStatus, PageStatus
from db.cursors import keyset_page


@dataclass(frozen=True)
class NewDocument:
    id: str
    filename: str
    sha256: str
    size: int
    kind: str
    page_count: int
    pages_selected: int
    blob_key: str


@dataclass(frozen=True)
class NewJob:
    mode: str
    pages_spec: str | None
    priority: str
    dpi: int
    external_ref: str | None
    callback_url: str | None
    idempotency_key: str | None
    documents: list[NewDocument] = field(default_factory=list)
    extract: str | None = None  # structured data to read per document (db/fields.py)
    tables: bool = False


@dataclass(frozen=True)
class JobSummary:
    """The few columns a submit answers with, read without loading whole jobs."""

    id: str
    status: str
    batch_id: str | None
    reused_from: str | None
    created_at: datetime


_SUMMARY_COLUMNS = (Job.id, Job.status, Job.batch_id, Job.reused_from, Job.created_at)


def jobs_by_idempotency_keys(session: Session, tenant_id: str, keys: list[str]) -> dict[str, JobSummary]:
    """The tenant's jobs made under any of these keys, by key, in one query."""
    if not keys:
        return {}
    rows = session.execute(
        select(Job.idempotency_key, *_SUMMARY_COLUMNS).where(Job.tenant_id == tenant_id, Job.idempotency_key.in_(keys))
    )
    return {key: JobSummary(*rest) for key, *rest in rows}


def submitted_requests(session: Session, job_ids: list[str]) -> dict[str, tuple]:
    """What decided each job's result, by id: ``(mode, pages, tables, extract, files' sha256 in order)`` — to tell a retry
    under an idempotency key (the same request) from a different request reusing the key. No column of its
    own: the job's stored options and documents are the request."""
    if not job_ids:
        return {}
    jobs = session.execute(
        select(Job.id, Job.mode, Job.pages_spec, Job.tables, Job.extract).where(Job.id.in_(job_ids))
    ).all()
    files: dict[str, list[str]] = {}
    rows = session.execute(
        select(Document.job_id, Document.sha256).where(Document.job_id.in_(job_ids)).order_by(Document.job_id, Document.position)
    )
    for job_id, sha256 in rows:
        files.setdefault(job_id, []).append(sha256)
    return {
        job_id: (mode, pages, bool(tables), extract or None, tuple(files.get(job_id, ())))
        for job_id, mode, pages, tables, extract in jobs
    }


def create_jobs(
    session: Session, tenant_id: str, specs: list[NewJob], *, batch_id: str | None = None
) -> list[tuple[JobSummary, bool]]:
    """Insert one job per spec with its documents: the one way jobs are made (a single submit is a group
    of one). ``(summary, created)`` per spec, in order.

    With ``batch_id`` the batch row is locked first (``BatchClosed`` if it is closed), keys taken by then
    answer their job, and the new jobs join it. Callers look keys up beforehand (``jobs_by_idempotency_keys``) so as not to store files twice;
    a key taken since by a concurrent request makes the grouped INSERT fail, and then each spec goes
    in on its own, a lost key answering the winner's job (``created`` False).
    """
    if not specs:
        return []
    out: list[tuple[JobSummary, bool] | None] = [None] * len(specs)
    if batch_id:
        batch_repository.lock_open_batch(session, batch_id)
        # Keys committed meanwhile are answered here, not inserted: a finalizer ending such a key's job holds
        # its row and then waits for this batch's row, so an INSERT of the key would wait on the finalizer
        # while holding what it waits for (a deadlock PostgreSQL breaks by failing one of the two).
        taken = jobs_by_idempotency_keys(session, tenant_id, [s.idempotency_key for s in specs if s.idempotency_key])
        for i, spec in enumerate(specs):
            if spec.idempotency_key in taken:
                out[i] = (taken[spec.idempotency_key], False)
    now = utcnow()
    rows = [_rows(tenant_id, spec, batch_id, now) for spec in specs]
    # Rows go in in key order: two requests inserting the same keys in different orders would
    # each wait on a key the other holds uncommitted (a deadlock PostgreSQL breaks by failing one).
    order = sorted((i for i in range(len(specs)) if out[i] is None), key=lambda i: specs[i].idempotency_key or "")
    try:
        with session.begin_nested():
            _insert(session, [rows[i] for i in order])
        for i in order:
            out[i] = (JobSummary(rows[i][0]["id"], JobStatus.QUEUED, batch_id, None, now), True)
        return out  # type: ignore[return-value]
    except IntegrityError:
        pass
    for i in order:
        spec, row = specs[i], rows[i]
        try:
            with session.begin_nested():
                _insert(session, [row])
            out[i] = (JobSummary(row[0]["id"], JobStatus.QUEUED, batch_id, None, now), True)
        except IntegrityError:
            key = spec.idempotency_key
            winner = jobs_by_idempotency_keys(session, tenant_id, [key]).get(key) if key else None
            if winner is None:
                raise
            out[i] = (winner, False)
    return out  # type: ignore[return-value]


def _rows(tenant_id: str, spec: NewJob, batch_id: str | None, now: datetime) -> tuple[dict, list[dict]]:
    job_id = new_id()
    job = dict(
        id=job_id, tenant_id=tenant_id, status=JobStatus.QUEUED, mode=spec.mode, pages_spec=spec.pages_spec,
        priority=spec.priority, dpi=spec.dpi, external_ref=spec.external_ref, callback_url=spec.callback_url,
        idempotency_key=spec.idempotency_key, pages_total=sum(d.pages_selected for d in spec.documents),
        created_at=now, updated_at=now, batch_id=batch_id, tables=spec.tables, extract=spec.extract,
    )
    # Counted as enqueued from the start: the sweeper waits requeue_after before offering a
    # document again, instead of racing the API's own publish after the commit.
    documents = [
        dict(id=d.id, job_id=job_id, position=position, filename=d.filename, sha256=d.sha256, size=d.size,
             kind=d.kind, page_count=d.page_count, pages_selected=d.pages_selected, blob_key=d.blob_key,
             status=DocumentStatus.QUEUED, created_at=now, enqueued_at=now)
        for position, d in enumerate(spec.documents)
    ]
    return job, documents


def _insert(session: Session, rows: list[tuple[dict, list[dict]]]) -> None:
    # The tables, not the ORM classes: an ORM bulk insert leaves out None values and so splits the
    # rows into one INSERT per run of rows with the same columns set (a key here, none there).
    if not rows:
        return
    session.execute(insert(Job.__table__), [job for job, _ in rows])
    documents = [d for _, docs in rows for d in docs]
    if documents:
        session.execute(insert(Document.__table__), documents)


def mark_enqueued(session: Session, *, document_ids=(), page_ids=()) -> None:
    now = utcnow()
    if document_ids:
        session.execute(update(Document).where(Document.id.in_(list(document_ids))).values(enqueued_at=now))
    if page_ids:
        session.execute(update(Page).where(Page.id.in_(list(page_ids))).values(enqueued_at=now))


def get_job(session: Session, tenant_id: str, job_id: str) -> Job | None:
    """The job if it belongs to the tenant (another tenant's job is simply not found)."""
    return session.scalar(select(Job).where(Job.id == job_id, Job.tenant_id == tenant_id))


def list_pages(session: Session, job_id: str, offset: int, limit: int) -> list[tuple[Page, PageResult | None, Document]]:
    rows = session.execute(
        select(Page, PageResult, Document)
        .join(Document, Document.id == Page.document_id)
        .outerjoin(PageResult, PageResult.page_id == Page.id)
        .where(Page.job_id == job_id)
        .order_by(Page.position)
        .offset(offset)
        .limit(limit)
    ).all()
    return [(p, r, d) for p, r, d in rows]


def succeeded_results(session: Session, job_id: str) -> list[tuple[str, dict]]:
    """(document id, result dict) of every succeeded page, in page order."""
    rows = session.execute(
        select(Page.document_id, PageResult.result)
        .join(PageResult, PageResult.page_id == Page.id)
        .where(Page.job_id == job_id, Page.status == PageStatus.SUCCEEDED)
        .order_by(Page.position)
    )
    return [(d, r) for d, r in rows]


def succeeded_texts(session: Session, job_id: str) -> list[str]:
    """The text of every succeeded page, in page order (the txt export: no boxes needed)."""
    return succeeded_texts_by_job(session, [job_id])[job_id]


def succeeded_texts_by_job(session: Session, job_ids: list[str]) -> dict[str, list[str]]:
    """job id → ``succeeded_texts`` for many jobs (``GET /v1/results``), one query."""
    texts: dict[str, list[str]] = {job_id: [] for job_id in job_ids}
    if not job_ids:
        return texts
    rows = session.execute(
        select(Page.job_id, PageResult.text)
        .join(Page, Page.id == PageResult.page_id)
        .where(Page.job_id.in_(job_ids), Page.status == PageStatus.SUCCEEDED)
        .order_by(Page.job_id, Page.position)
    )
    for job_id, text in rows:
        texts[job_id].append(text)
    return texts


def job_statuses(session: Session, tenant_id: str, job_ids: list[str]) -> dict[str, str]:
    """job id → status for the tenant's jobs among ``job_ids`` (another tenant's are left out), one query."""
    if not job_ids:
        return {}
    rows = session.execute(select(Job.id, Job.status).where(Job.tenant_id == tenant_id, Job.id.in_(job_ids)))
    return {job_id: status for job_id, status in rows}


def list_jobs(
    session: Session,
    tenant_id: str,
    *,
    status: str | None = None,
    ended: bool = False,
    external_ref: str | None = None,
    updated_since: datetime | None = None,
    ids: list[str] | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Job], str | None]:
    """A feed in (updated_at, id) order; the cursor resumes after the last job returned.

    ``ended`` keeps only jobs in a terminal state: a client watching its jobs in
    flight asks for the ones that ended, not for views of every running one.
    """
    q = select(Job).where(Job.tenant_id == tenant_id)
    if ids:
        q = q.where(Job.id.in_(ids))
    if status:
        q = q.where(Job.status == status)
    if ended:
        q = q.where(Job.status.in_(JobStatus.TERMINAL))
    if external_ref:
        q = q.where(Job.external_ref == external_ref)
    if updated_since:
        q = q.where(Job.updated_at >= updated_since)
    return keyset_page(session, q, Job.updated_at, Job.id, cursor, limit)
