"""Every state change of a job, each one guarded so that retries and races are harmless.

The rules (DESIGN.md §2): a page is claimed by one conditional UPDATE that
sets a lease and counts the attempt; a result is stored only by the holder
of the current attempt, with an upsert keyed by page; the job is finalized by
the one UPDATE that moves it from an active to a terminal state, and that
same transaction writes the webhook outbox row. Functions take an open
``Session``; the caller's ``Database.session()`` block is the transaction.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from db.clock import isoformat, utcnow
from db.models import (
    DOC_FAILED,
    DOC_QUEUED,
    DOC_SPLIT,
    JOB_ACTIVE,
    JOB_CANCELED,
    JOB_FAILED,
    JOB_PARTIAL,
    JOB_QUEUED,
    JOB_RUNNING,
    JOB_SUCCEEDED,
    JOB_TERMINAL,
    LATENCY_BUCKETS,
    PAGE_CANCELED,
    PAGE_FAILED,
    PAGE_QUEUED,
    PAGE_RUNNING,
    PAGE_SUCCEEDED,
    PAGE_TERMINAL,
    ApiKey,
    Document,
    Job,
    Page,
    PageResult,
    StageLatency,
    Tenant,
    WebhookEvent,
    WorkerHeartbeat,
    new_id,
)
from db.session import dialect_insert

DEFAULT_TENANT = "default"
KEY_PREFIX = "dp_"


class RepositoryError(Exception):
    code = "repository_error"


class InvalidCursor(RepositoryError):
    code = "invalid_cursor"


# ---------------------------------------------------------------- tenants and keys


def ensure_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        session.execute(dialect_insert(session, Tenant).values(id=new_id(), name=name).on_conflict_do_nothing())
        tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    return tenant


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(session: Session, tenant_name: str) -> tuple[ApiKey, str]:
    """A new key for the tenant; the secret is returned once and only its hash is stored."""
    tenant = ensure_tenant(session, tenant_name)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(tenant_id=tenant.id, key_hash=hash_key(secret), prefix=secret[:10])
    session.add(key)
    session.flush()
    return key, secret


def revoke_api_key(session: Session, key_id: str) -> bool:
    result = session.execute(
        update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return result.rowcount == 1


def list_api_keys(session: Session) -> list[tuple[ApiKey, str]]:
    rows = session.execute(select(ApiKey, Tenant.name).join(Tenant).order_by(ApiKey.created_at))
    return [(key, name) for key, name in rows]


def tenant_for_key(session: Session, secret: str) -> str | None:
    """The tenant id of a live key, or None."""
    return session.scalar(
        select(ApiKey.tenant_id).where(ApiKey.key_hash == hash_key(secret), ApiKey.revoked_at.is_(None))
    )


# ---------------------------------------------------------------- submitting


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


def find_job_by_idempotency_key(session: Session, tenant_id: str, key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.tenant_id == tenant_id, Job.idempotency_key == key))


def create_job(session: Session, tenant_id: str, spec: NewJob) -> tuple[Job, bool]:
    """Insert the job and its documents; ``(job, False)`` if the idempotency key already made one."""
    if spec.idempotency_key:
        existing = find_job_by_idempotency_key(session, tenant_id, spec.idempotency_key)
        if existing is not None:
            return existing, False
    now = utcnow()
    job = Job(
        id=new_id(),
        tenant_id=tenant_id,
        status=JOB_QUEUED,
        mode=spec.mode,
        pages_spec=spec.pages_spec,
        priority=spec.priority,
        dpi=spec.dpi,
        external_ref=spec.external_ref,
        callback_url=spec.callback_url,
        idempotency_key=spec.idempotency_key,
        pages_total=sum(d.pages_selected for d in spec.documents),
        created_at=now,
        updated_at=now,
    )
    for position, d in enumerate(spec.documents):
        job.documents.append(
            Document(
                id=d.id,
                position=position,
                filename=d.filename,
                sha256=d.sha256,
                size=d.size,
                kind=d.kind,
                page_count=d.page_count,
                pages_selected=d.pages_selected,
                blob_key=d.blob_key,
                status=DOC_QUEUED,
                created_at=now,
                # Counted as enqueued from the start: the sweeper waits requeue_after before
                # offering it again, instead of racing the API's own publish.
                enqueued_at=now,
            )
        )
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        # Another request with the same key won the race: answer with its job.
        if spec.idempotency_key:
            existing = find_job_by_idempotency_key(session, tenant_id, spec.idempotency_key)
            if existing is not None:
                return existing, False
        raise
    return job, True


def mark_enqueued(session: Session, *, document_ids=(), page_ids=()) -> None:
    now = utcnow()
    if document_ids:
        session.execute(update(Document).where(Document.id.in_(list(document_ids))).values(enqueued_at=now))
    if page_ids:
        session.execute(update(Page).where(Page.id.in_(list(page_ids))).values(enqueued_at=now))


# ---------------------------------------------------------------- working


@dataclass(frozen=True)
class DocumentWork:
    document_id: str
    job_id: str
    tenant_id: str
    position: int
    blob_key: str
    kind: str
    mode: str
    pages_spec: str | None
    dpi: int
    priority: str
    status: str
    job_status: str
    job_documents: int  # how many documents the job has (1 for every bulk file)


def document_works(session: Session, document_ids: list[str]) -> dict[str, DocumentWork]:
    """document id → what splitting it needs, for many documents in one query (missing ids left out)."""
    if not document_ids:
        return {}
    siblings = aliased(Document)
    job_documents = select(func.count()).where(siblings.job_id == Job.id).correlate(Job).scalar_subquery()
    rows = session.execute(
        select(Document.id, Document.job_id, Job.tenant_id, Document.position, Document.blob_key, Document.kind,
               Job.mode, Job.pages_spec, Job.dpi, Job.priority, Document.status, Job.status.label("job_status"),
               job_documents.label("job_documents"))
        .join(Job, Job.id == Document.job_id)
        .where(Document.id.in_(list(document_ids)))
    )
    return {row.id: DocumentWork(row.id, *row[1:]) for row in rows}


def document_work(session: Session, document_id: str) -> DocumentWork | None:
    return document_works(session, [document_id]).get(document_id)


@dataclass(frozen=True)
class SplitItem:
    """One document to split: its page numbers, and the pages already read from its text layer."""

    work: DocumentWork
    page_numbers: list[int]
    read: dict[int, dict] = field(default_factory=dict)


def split_document(
    session: Session, document_id: str, page_numbers: list[int], read: dict[int, dict] | None = None, *, worker: str = ""
) -> list[str]:
    """``split_documents`` for one document."""
    work = document_work(session, document_id)
    if work is None:
        return []
    return split_documents(session, [SplitItem(work, page_numbers, read or {})], worker=worker).get(document_id, [])


def split_documents(session: Session, items: list[SplitItem], *, worker: str = "") -> dict[str, list[str]]:
    """Create the page rows of several documents (idempotent); returns document id → page ids still queued.

    ``read`` holds pages the splitting worker has already read (a born-digital
    file's text layer, a few ms a page): they are created ``succeeded`` with
    their results in this same transaction and never become page tasks,
    which saves each of them a broker message, a claim and a commit. A whole
    group submit is stored with a fixed number of statements, whatever its size.
    """
    if not items:
        return {}
    ids = [item.work.document_id for item in items]
    # The guard makes one split win when the same message is delivered twice, and skips jobs
    # that ended (canceled) since the work was read; the losers add nothing.
    active_jobs = select(Job.id).where(Job.status.in_(JOB_ACTIVE))
    won = set(
        session.scalars(
            update(Document)
            .where(Document.id.in_(ids), Document.status == DOC_QUEUED, Document.job_id.in_(active_jobs))
            .values(status=DOC_SPLIT)
            .returning(Document.id)
        )
    )
    out: dict[str, list[str]] = {}
    lost = [i for i in ids if i not in won]
    if lost:  # split already (a duplicate delivery): offer again whatever still waits (nothing for ended jobs)
        rows = session.execute(
            select(Page.document_id, Page.id)
            .join(Job, Job.id == Page.job_id)
            .where(Page.document_id.in_(lost), Page.status == PAGE_QUEUED, Job.status.in_(JOB_ACTIVE))
            .order_by(Page.document_id, Page.page_no)
        )
        for doc_id, page_id in rows:
            out.setdefault(doc_id, []).append(page_id)
    now = utcnow()
    rows, results, started_jobs = [], [], set()
    for item in items:
        work, read = item.work, item.read
        if work.document_id not in won or not item.page_numbers:
            continue
        # Position: documents in order, pages in order, so the pages list reads like the input.
        offset = 0 if work.position == 0 else session.scalar(
            select(func.coalesce(func.sum(Document.pages_selected), 0)).where(
                Document.job_id == work.job_id, Document.position < work.position
            )
        )
        queued = out.setdefault(work.document_id, [])
        for i, no in enumerate(item.page_numbers):
            page = dict(id=new_id(), job_id=work.job_id, document_id=work.document_id, position=offset + i,
                        page_no=no, status=PAGE_QUEUED, attempts=0, created_at=now, enqueued_at=now,
                        started_at=None, finished_at=None, claimed_by=None)
            if no in read:
                page.update(status=PAGE_SUCCEEDED, attempts=1, enqueued_at=None, started_at=now, finished_at=now,
                            claimed_by=worker[:200] or None)
                results.append(_result_row(page["id"], work.job_id, read[no], now))
                started_jobs.add(work.job_id)
            else:
                queued.append(page["id"])
            rows.append(page)
    if not rows:
        return out
    # Parameter lists, not .values(rows): one cached statement whatever the page count
    # (a multi-row VALUES is compiled afresh for every length, ~1 ms per call).
    session.execute(insert(Page), rows)
    if results:
        session.execute(insert(PageResult), results)
        started = case((Job.status == JOB_QUEUED, JOB_RUNNING), else_=Job.status)
        session.execute(update(Job).where(Job.id.in_(sorted(started_jobs))).values(status=started, updated_at=now))
        _record_latencies(session, [r["result"].get("timings") or {} for r in results])
    return out


def _result_row(page_id: str, job_id: str, result: dict, now: datetime) -> dict:
    return dict(page_id=page_id, job_id=job_id, source=result["source"], text=result["text"],
                confidence=float(result["confidence"]), result=result, created_at=now)


def fail_document(session: Session, document_id: str, code: str, message: str) -> str | None:
    """The file could not be split (it passed the API's checks, so this is rare); returns its job id."""
    result = session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == DOC_QUEUED)
        .values(status=DOC_FAILED, error_code=code, error_message=message)
    )
    if result.rowcount != 1:
        return None
    return session.scalar(select(Document.job_id).where(Document.id == document_id))


@dataclass(frozen=True)
class ClaimedPage:
    page_id: str
    job_id: str
    document_id: str
    page_no: int
    attempt: int
    blob_key: str
    document_sha256: str
    mode: str
    dpi: int
    pages_spec: str | None
    priority: str


def claim_page(
    session: Session, page_id: str, *, worker: str, lease_seconds: int, max_attempts: int
) -> ClaimedPage | None:
    """Take the page for one attempt, or None (already done, held by a live lease, or out of attempts)."""
    now = utcnow()
    claimable = or_(Page.status == PAGE_QUEUED, and_(Page.status == PAGE_RUNNING, Page.lease_until < now))
    result = session.execute(
        update(Page)
        .where(Page.id == page_id, claimable, Page.attempts < max_attempts)
        .values(
            status=PAGE_RUNNING,
            attempts=Page.attempts + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
            claimed_by=worker[:200],
            started_at=now,
        )
    )
    if result.rowcount != 1:
        return None
    page, doc, job = session.execute(
        select(Page, Document, Job)
        .join(Document, Document.id == Page.document_id)
        .join(Job, Job.id == Page.job_id)
        .where(Page.id == page_id)
    ).one()
    session.execute(
        update(Job).where(Job.id == job.id, Job.status == JOB_QUEUED).values(status=JOB_RUNNING, updated_at=now)
    )
    return ClaimedPage(
        page_id=page.id,
        job_id=job.id,
        document_id=doc.id,
        page_no=page.page_no,
        attempt=page.attempts,
        blob_key=doc.blob_key,
        document_sha256=doc.sha256,
        mode=job.mode,
        dpi=job.dpi,
        pages_spec=job.pages_spec,
        priority=job.priority,
    )


def _holder(page_id: str, attempt: int):
    # Only the current attempt may settle the page: a late, superseded attempt changes nothing.
    return and_(Page.id == page_id, Page.status == PAGE_RUNNING, Page.attempts == attempt)


def store_page_result(session: Session, claim: ClaimedPage, result: dict) -> bool:
    """Mark the page succeeded and upsert its result row; False if the attempt no longer holds it."""
    now = utcnow()
    settled = session.execute(
        update(Page)
        .where(_holder(claim.page_id, claim.attempt))
        .values(status=PAGE_SUCCEEDED, finished_at=now, lease_until=None, error_code=None, error_message=None)
    )
    if settled.rowcount != 1:
        return False
    stmt = dialect_insert(session, PageResult).values(**_result_row(claim.page_id, claim.job_id, result, now))
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[PageResult.page_id],
            set_={k: stmt.excluded[k] for k in ("source", "text", "confidence", "result", "created_at")},
        )
    )
    session.execute(update(Job).where(Job.id == claim.job_id).values(updated_at=now))
    _record_latencies(session, [result.get("timings") or {}])
    return True


def fail_page(session: Session, claim: ClaimedPage, code: str, message: str) -> bool:
    now = utcnow()
    done = session.execute(
        update(Page)
        .where(_holder(claim.page_id, claim.attempt))
        .values(status=PAGE_FAILED, finished_at=now, lease_until=None, error_code=code, error_message=message[:2000])
    )
    if done.rowcount == 1:
        session.execute(update(Job).where(Job.id == claim.job_id).values(updated_at=now))
    return done.rowcount == 1


def release_page(session: Session, claim: ClaimedPage, code: str, message: str) -> bool:
    """Give the page back to the queue after a transient failure (the attempt stays counted)."""
    done = session.execute(
        update(Page)
        .where(_holder(claim.page_id, claim.attempt))
        .values(status=PAGE_QUEUED, lease_until=None, error_code=code, error_message=message[:2000], enqueued_at=None)
    )
    return done.rowcount == 1


def fail_exhausted_page(session: Session, page_id: str, max_attempts: int) -> str | None:
    """A page whose last allowed attempt lost its worker (lease expired) ends ``failed``; returns its job id."""
    now = utcnow()
    done = session.execute(
        update(Page)
        .where(
            Page.id == page_id,
            Page.status == PAGE_RUNNING,
            Page.lease_until < now,
            Page.attempts >= max_attempts,
        )
        .values(
            status=PAGE_FAILED,
            finished_at=now,
            lease_until=None,
            error_code="worker_lost",
            error_message=f"the worker processing this page stopped {max_attempts} times; the page was given up",
        )
    )
    if done.rowcount != 1:
        return None
    return session.scalar(select(Page.job_id).where(Page.id == page_id))


# ---------------------------------------------------------------- finishing


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
        .where(Page.job_id.in_(job_ids), Page.status == PAGE_SUCCEEDED)
        .group_by(Page.job_id)
    )
    found = {job_id: (None if avg is None else float(avg), None if low is None else float(low)) for job_id, avg, low in rows}
    return {j: found.get(j, (None, None)) for j in job_ids}


def mean_confidence(session: Session, job_ids: list[str]) -> dict[str, float | None]:
    return {j: mean for j, (mean, _) in confidence_stats(session, job_ids).items()}


def finalize_job(session: Session, job_id: str) -> str | None:
    """If every page has ended, move the job to its terminal state; returns that state, or None."""
    return finalize_jobs(session, [job_id]).get(job_id)


def finalize_jobs(session: Session, job_ids: list[str]) -> dict[str, str]:
    """``finalize_job`` for several jobs; returns job id → terminal state for the jobs this call ended.

    The guarded UPDATE makes exactly one caller win however many workers
    finish the last pages at once; the winner writes the outbox row in the
    same transaction.
    """
    job_ids = sorted(set(job_ids))  # a fixed order: two finalizers never lock rows crosswise
    if not job_ids:
        return {}
    docs: dict[str, list[tuple[str, int]]] = {}
    for job_id, status, pages_selected in session.execute(
        select(Document.job_id, Document.status, Document.pages_selected).where(Document.job_id.in_(job_ids))
    ):
        docs.setdefault(job_id, []).append((status, pages_selected))
    ready = [j for j in job_ids if docs.get(j) and not any(status == DOC_QUEUED for status, _ in docs[j])]
    counts = page_counts(session, ready)
    ended, batches = {}, {}
    for job_id in ready:
        if any(status not in PAGE_TERMINAL for status in counts[job_id]):
            continue
        done = counts[job_id].get(PAGE_SUCCEEDED, 0)
        failed = counts[job_id].get(PAGE_FAILED, 0) + sum(n for status, n in docs[job_id] if status == DOC_FAILED)
        if failed == 0 and done > 0:
            final, error_code, error_message = JOB_SUCCEEDED, None, None
        else:
            final = JOB_FAILED if done == 0 else JOB_PARTIAL
            error_code = _first_error_code(session, job_id)
            error_message = f"{failed} of {done + failed} pages failed; each page's error says why"
        now = utcnow()
        won = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(JOB_ACTIVE))
            .values(status=final, finished_at=now, updated_at=now, error_code=error_code, error_message=error_message)
            .returning(Job.callback_url, Job.batch_id)
        ).first()
        if won is None:
            continue
        ended[job_id] = final
        if won.callback_url:
            _write_outbox(session, job_id, final)
        if won.batch_id:
            batches[won.batch_id] = job_id
    for batch_id, job_id in sorted(batches.items()):
        # Once per batch, after all of this call's jobs ended: the count of active jobs sees them all.
        _complete_batch(session, batch_id, job_id)
    return ended


def _complete_batch(session: Session, batch_id: str, ended_job_id: str) -> None:
    # Imported here: batch_repository imports this module (cursors).
    from db.batch_repository import complete_batch_if_done

    complete_batch_if_done(session, batch_id, ended_job_id)


def _first_error_code(session: Session, job_id: str) -> str:
    code = session.scalar(
        select(Page.error_code).where(Page.job_id == job_id, Page.status == PAGE_FAILED).order_by(Page.position).limit(1)
    )
    if code is None:
        code = session.scalar(
            select(Document.error_code).where(Document.job_id == job_id, Document.status == DOC_FAILED).limit(1)
        )
    return code or "page_failed"


def _write_outbox(session: Session, job_id: str, status: str) -> None:
    job = session.get(Job, job_id)
    session.refresh(job)
    if not job.callback_url:
        return
    counts = page_counts(session, [job_id])[job_id]
    session.add(
        WebhookEvent(
            job_id=job.id,
            tenant_id=job.tenant_id,
            type=f"job.{status}",
            callback_url=job.callback_url,
            payload={
                "id": job.id,
                "status": status,
                "external_ref": job.external_ref,
                "progress": {
                    "pages_total": job.pages_total,
                    "pages_done": counts.get(PAGE_SUCCEEDED, 0),
                    "pages_failed": counts.get(PAGE_FAILED, 0),
                },
                "confidence": mean_confidence(session, [job_id])[job_id],
                "finished_at": isoformat(job.finished_at),
            },
        )
    )


def cancel_job(session: Session, job_id: str) -> bool:
    """Stop an active job: its waiting and running pages become ``canceled`` (a running attempt's result is discarded)."""
    now = utcnow()
    won = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(JOB_ACTIVE))
        .values(status=JOB_CANCELED, finished_at=now, updated_at=now)
        .returning(Job.batch_id)
    ).first()
    if won is None:
        return False
    session.execute(
        update(Page)
        .where(Page.job_id == job_id, Page.status.in_((PAGE_QUEUED, PAGE_RUNNING)))
        .values(status=PAGE_CANCELED, finished_at=now, lease_until=None)
    )
    _write_outbox(session, job_id, JOB_CANCELED)
    if won.batch_id:
        _complete_batch(session, won.batch_id, job_id)
    return True


def purge_job(session: Session, job_id: str) -> list[str]:
    """Delete the job's rows (pages and results cascade); returns the blob keys to delete."""
    keys = list(session.scalars(select(Document.blob_key).where(Document.job_id == job_id)))
    session.execute(delete(PageResult).where(PageResult.job_id == job_id))
    session.execute(delete(Page).where(Page.job_id == job_id))
    session.execute(delete(Document).where(Document.job_id == job_id))
    session.execute(delete(Job).where(Job.id == job_id))
    return keys


# ---------------------------------------------------------------- sweeping


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
    active_job = select(Job.id).where(Job.status.in_(JOB_ACTIVE))

    rows = session.execute(
        select(Document.id, Job.priority)
        .join(Job, Job.id == Document.job_id)
        .where(
            Document.status == DOC_QUEUED,
            Job.status.in_(JOB_ACTIVE),
            or_(Document.enqueued_at.is_(None), Document.enqueued_at < stale),
        )
        .limit(limit)
    ).all()
    lost.documents = [(d, p) for d, p in rows]

    expired = session.execute(
        select(Page.id, Page.attempts).where(
            Page.status == PAGE_RUNNING, Page.lease_until < now, Page.job_id.in_(active_job)
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
                .where(Page.id == page_id, Page.status == PAGE_RUNNING, Page.lease_until < now)
                .values(status=PAGE_QUEUED, lease_until=None, enqueued_at=None)
            )

    if priorities_to_requeue:
        rows = session.execute(
            select(Page.id, Job.priority)
            .join(Job, Job.id == Page.job_id)
            .where(
                Page.status == PAGE_QUEUED,
                Job.status.in_(JOB_ACTIVE),
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
        .where(Page.status == PAGE_QUEUED, Page.enqueued_at.is_(None), Job.status.in_(JOB_ACTIVE))
        .limit(limit)
    ).all()
    known = {p for p, _ in lost.pages}
    lost.pages += [(p, prio) for p, prio in rows if p not in known]
    return lost


def unfinished_jobs_with_all_pages_ended(session: Session, limit: int = 1000) -> list[str]:
    """Active jobs a crashed finalizer may have left behind."""
    open_pages = select(Page.id).where(Page.job_id == Job.id, Page.status.not_in(PAGE_TERMINAL)).exists()
    open_docs = select(Document.id).where(Document.job_id == Job.id, Document.status == DOC_QUEUED).exists()
    return list(
        session.scalars(select(Job.id).where(Job.status.in_(JOB_ACTIVE), ~open_pages, ~open_docs).limit(limit))
    )


# ---------------------------------------------------------------- reading


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
        .where(Page.job_id == job_id, Page.status == PAGE_SUCCEEDED)
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
        .where(Page.job_id.in_(job_ids), Page.status == PAGE_SUCCEEDED)
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


def encode_cursor(updated_at: datetime, job_id: str) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{job_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, job_id = raw.split("|", 1)
        return datetime.fromisoformat(at), job_id
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API returned") from None


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
        q = q.where(Job.status.in_(JOB_TERMINAL))
    if external_ref:
        q = q.where(Job.external_ref == external_ref)
    if updated_since:
        q = q.where(Job.updated_at >= updated_since)
    if cursor:
        at, last_id = decode_cursor(cursor)
        q = q.where(or_(Job.updated_at > at, and_(Job.updated_at == at, Job.id > last_id)))
    jobs = list(session.scalars(q.order_by(Job.updated_at, Job.id).limit(limit + 1)))
    more = len(jobs) > limit
    jobs = jobs[:limit]
    next_cursor = encode_cursor(jobs[-1].updated_at, jobs[-1].id) if more else None
    return jobs, next_cursor


def count_by_status(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """(jobs by status, pages by status) over every tenant, for /metrics."""
    jobs = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    pages = dict(session.execute(select(Page.status, func.count()).group_by(Page.status)).all())
    return jobs, pages


# ---------------------------------------------------------------- workers and latency


def record_heartbeat(session: Session, hostname: str, pid: int, queues: str) -> None:
    now = utcnow()
    stmt = dialect_insert(session, WorkerHeartbeat).values(hostname=hostname, pid=pid, queues=queues, started_at=now, seen_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WorkerHeartbeat.hostname], set_={"pid": pid, "queues": queues, "seen_at": now}
        )
    )


def forget_worker(session: Session, hostname: str) -> None:
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname))


def live_workers(session: Session, stale_after: float) -> list[WorkerHeartbeat]:
    since = utcnow() - timedelta(seconds=stale_after)
    return list(session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.seen_at >= since)))


def _bucket(seconds: float) -> int:
    for i, le in enumerate(LATENCY_BUCKETS):
        if seconds <= le:
            return i
    return -1


def _record_latencies(session: Session, pages_timings: list[dict]) -> None:
    """Add pages' stage timings to the histogram (one statement for all of them)."""
    cells: dict[tuple[str, int], list] = {}
    for timings in pages_timings:
        for stage, seconds in timings.items():
            try:
                seconds = float(seconds)
            except (TypeError, ValueError):
                continue
            cell = cells.setdefault((str(stage)[:32], _bucket(seconds)), [0, 0.0])
            cell[0] += 1
            cell[1] += seconds
    if not cells:
        return
    # One row per (stage, bucket), in a fixed order: an upsert may touch a row only once per
    # statement, and a fixed lock order keeps two workers from deadlocking on these rows.
    rows = [dict(stage=stage, bucket=bucket, count=n, total=total) for (stage, bucket), (n, total) in sorted(cells.items())]
    stmt = dialect_insert(session, StageLatency)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[StageLatency.stage, StageLatency.bucket],
            set_={"count": StageLatency.count + stmt.excluded.count, "total": StageLatency.total + stmt.excluded.total},
        ),
        rows,
    )


def stage_latencies(session: Session) -> dict[str, dict[int, tuple[int, float]]]:
    out: dict[str, dict[int, tuple[int, float]]] = {}
    for row in session.scalars(select(StageLatency)):
        out.setdefault(row.stage, {})[row.bucket] = (row.count, row.total)
    return out

