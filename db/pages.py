"""A page's way through the workers: split into rows, claimed under a lease, settled once.

The rules (DESIGN.md §2): a page is claimed by one conditional UPDATE that
sets a lease and counts the attempt; a result is stored only by the holder
of the current attempt, with an upsert keyed by page. Every page that ends
(``succeeded`` or ``failed``) has its ``page.completed`` event written in
the same transaction (``db.outbox``), for the endpoints that ask for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from datetime import datetime, timedelta

from sqlalchemy import Float, and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from db import outbox
from db.clock import utcnow
from db.models import Document, Job, Page, PageResult, new_id
from db.states import DocumentStatus, JobStatus, PageStatus
from db.session import dialect_insert
from db.telemetry import record_latencies


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
    tables: bool = False


def document_works(session: Session, document_ids: list[str]) -> dict[str, DocumentWork]:
    """document id → what splitting it needs, for many documents in one query (missing ids left out)."""
    if not document_ids:
        return {}
    siblings = aliased(Document)
    job_documents = select(func.count()).where(siblings.job_id == Job.id).correlate(Job).scalar_subquery()
    rows = session.execute(
        select(Document.id, Document.job_id, Job.tenant_id, Document.position, Document.blob_key, Document.kind,
               Job.mode, Job.pages_spec, Job.dpi, Job.priority, Document.status, Job.status.label("job_status"),
               job_documents.label("job_documents"), Job.tables)
        .join(Job, Job.id == Document.job_id)
        .where(Document.id.in_(list(document_ids)))
    )
    return {row.id: DocumentWork(row.id, *row[1:]) for row in rows}


@dataclass(frozen=True)
class SplitItem:
    """One document to split: its page numbers, and the pages already read from its text layer."""

    work: DocumentWork
    page_numbers: list[int]
    read: dict[int, dict] = field(default_factory=dict)
    read_cpu_s: dict[int, float] = field(default_factory=dict)  # page number -> pipeline CPU of its read


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
    active_jobs = select(Job.id).where(Job.status.in_(JobStatus.ACTIVE))
    won = set(
        session.scalars(
            update(Document)
            .where(Document.id.in_(ids), Document.status == DocumentStatus.QUEUED, Document.job_id.in_(active_jobs))
            .values(status=DocumentStatus.SPLIT)
            .returning(Document.id)
        )
    )
    out: dict[str, list[str]] = {}
    lost = [i for i in ids if i not in won]
    if lost:  # split already (a duplicate delivery): offer again whatever still waits (nothing for ended jobs)
        rows = session.execute(
            select(Page.document_id, Page.id)
            .join(Job, Job.id == Page.job_id)
            .where(Page.document_id.in_(lost), Page.status == PageStatus.QUEUED, Job.status.in_(JobStatus.ACTIVE))
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
                        page_no=no, status=PageStatus.QUEUED, attempts=0, created_at=now, enqueued_at=now,
                        started_at=None, finished_at=None, claimed_by=None, pipeline_cpu_s=None)
            if no in read:
                page.update(status=PageStatus.SUCCEEDED, attempts=1, enqueued_at=None, started_at=now, finished_at=now,
                            claimed_by=worker[:200] or None, pipeline_cpu_s=item.read_cpu_s.get(no))
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
        started = case((Job.status == JobStatus.QUEUED, JobStatus.RUNNING), else_=Job.status)
        session.execute(update(Job).where(Job.id.in_(sorted(started_jobs))).values(status=started, updated_at=now))
        record_latencies(session, [r["result"].get("timings") or {} for r in results])
        outbox.append_page_events(session, [r["page_id"] for r in results])
    return out


def _result_row(page_id: str, job_id: str, result: dict, now: datetime) -> dict:
    return dict(page_id=page_id, job_id=job_id, source=result["source"], text=result["text"],
                confidence=float(result["confidence"]), result=result, created_at=now)


def fail_document(session: Session, document_id: str, code: str, message: str) -> str | None:
    """The file could not be split (it passed the API's checks, so this is rare); returns its job id."""
    result = session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == DocumentStatus.QUEUED)
        .values(status=DocumentStatus.FAILED, error_code=code, error_message=message)
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
    tables: bool = False
    extract: str | None = None  # the job's structured data to read (db/fields.py), None for most jobs


# The page task's statements, built once per process (per dialect for upserts): building them anew
# for each page (expressions, coercions, cache keys, the ORM's bulk-update path) cost more CPU than
# sending them (bench.service_page_sql). Core tables, bound parameters named p_*.
_P, _D, _J, _R = Page.__table__, Document.__table__, Job.__table__, PageResult.__table__


@cache
def _claim_statement():
    now = bindparam("p_now")
    claimable = or_(_P.c.status == PageStatus.QUEUED, and_(_P.c.status == PageStatus.RUNNING, _P.c.lease_until < now))
    of_document = [select(_D.c[name]).where(_D.c.id == _P.c.document_id).scalar_subquery().label(name)
                   for name in ("blob_key", "sha256")]
    of_job = [select(_J.c[name]).where(_J.c.id == _P.c.job_id).scalar_subquery().label(label)
              for name, label in (("mode", "mode"), ("dpi", "dpi"), ("pages_spec", "pages_spec"),
                                  ("priority", "priority"), ("tables", "tables"), ("extract", "extract"),
                                  ("status", "job_status"))]
    return (
        update(_P)
        .where(_P.c.id == bindparam("p_page"), claimable, _P.c.attempts < bindparam("p_max"))
        .values(status=PageStatus.RUNNING, attempts=_P.c.attempts + 1, lease_until=bindparam("p_lease"),
                claimed_by=bindparam("p_worker"), started_at=now)
        .returning(_P.c.job_id, _P.c.document_id, _P.c.page_no, _P.c.attempts, *of_document, *of_job)
    )


@cache
def _start_job_statement():
    return (update(_J).where(_J.c.id == bindparam("p_job"), _J.c.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, updated_at=bindparam("p_now")))


@cache
def _settle_statement():
    tenant = select(_J.c.tenant_id).where(_J.c.id == bindparam("p_job")).scalar_subquery()
    return (
        update(_P)
        .where(_P.c.id == bindparam("p_page"), _P.c.status == PageStatus.RUNNING, _P.c.attempts == bindparam("p_attempt"))
        .values(status=PageStatus.SUCCEEDED, finished_at=bindparam("p_now"), lease_until=None, error_code=None,
                error_message=None, pipeline_cpu_s=bindparam("p_cpu", type_=Float))
        .returning(outbox.any_endpoint(tenant).label("endpoints"))
    )


@cache
def _touch_job_statement():
    return update(_J).where(_J.c.id == bindparam("p_job")).values(updated_at=bindparam("p_now"))


@cache
def _upsert_result_statement(dialect: str):
    stmt = dialect_insert(dialect, _R)
    return stmt.on_conflict_do_update(
        index_elements=[_R.c.page_id],
        set_={k: stmt.excluded[k] for k in ("source", "text", "confidence", "result", "created_at")},
    )


def claim_page(
    session: Session, page_id: str, *, worker: str, lease_seconds: int, max_attempts: int
) -> ClaimedPage | None:
    """Take the page for one attempt, or None (already done, held by a live lease, or out of attempts).

    One statement in the common case: the claiming UPDATE returns what the page task needs of its
    document and job (scalar subqueries on their primary keys, which SQLite allows in RETURNING too).
    The job is moved to ``running`` only by the claim that finds it still ``queued``."""
    now = utcnow()
    row = session.execute(_claim_statement(), {
        "p_page": page_id, "p_max": max_attempts, "p_now": now, "p_lease": now + timedelta(seconds=lease_seconds),
        "p_worker": worker[:200],
    }).first()
    if row is None:
        return None
    if row.job_status == JobStatus.QUEUED:  # the job's first claimed page
        session.execute(_start_job_statement(), {"p_job": row.job_id, "p_now": now})
    return ClaimedPage(
        page_id=page_id,
        job_id=row.job_id,
        document_id=row.document_id,
        page_no=row.page_no,
        attempt=row.attempts,
        blob_key=row.blob_key,
        document_sha256=row.sha256,
        mode=row.mode,
        dpi=row.dpi,
        pages_spec=row.pages_spec,
        priority=row.priority,
        tables=bool(row.tables),
        extract=row.extract,
    )


def _holder(page_id: str, attempt: int):
    # Only the current attempt may settle the page: a late, superseded attempt changes nothing.
    return and_(Page.id == page_id, Page.status == PageStatus.RUNNING, Page.attempts == attempt)


def store_page_result(session: Session, claim: ClaimedPage, result: dict, pipeline_cpu_s: float | None = None) -> bool:
    """Mark the page succeeded and upsert its result row; False if the attempt no longer holds it.

    ``pipeline_cpu_s``: the CPU seconds the worker spent in the pipeline for this attempt. The settling
    UPDATE also says whether the job's tenant has any webhook endpoint: without one (most tenants) no
    ``page.completed`` event can be wanted, and the outbox's query is not sent."""
    now = utcnow()
    settled = session.execute(_settle_statement(), {
        "p_page": claim.page_id, "p_attempt": claim.attempt, "p_job": claim.job_id, "p_now": now, "p_cpu": pipeline_cpu_s,
    }).first()
    if settled is None:
        return False
    session.execute(_upsert_result_statement(session.get_bind().dialect.name),
                    _result_row(claim.page_id, claim.job_id, result, now))
    session.execute(_touch_job_statement(), {"p_job": claim.job_id, "p_now": now})
    record_latencies(session, [result.get("timings") or {}])
    if settled.endpoints:
        outbox.append_page_events(session, [claim.page_id])
    return True


def fail_page(session: Session, claim: ClaimedPage, code: str, message: str) -> bool:
    now = utcnow()
    done = session.execute(
        update(Page)
        .where(_holder(claim.page_id, claim.attempt))
        .values(
            status=PageStatus.FAILED, finished_at=now, lease_until=None, error_code=code, error_message=message[:2000]
        )
    )
    if done.rowcount != 1:
        return False
    session.execute(update(Job).where(Job.id == claim.job_id).values(updated_at=now))
    outbox.append_page_events(session, [claim.page_id])
    return True


def release_page(session: Session, claim: ClaimedPage, code: str, message: str) -> bool:
    """Give the page back to the queue after a transient failure (the attempt stays counted)."""
    done = session.execute(
        update(Page)
        .where(_holder(claim.page_id, claim.attempt))
        .values(
            status=PageStatus.QUEUED, lease_until=None, error_code=code, error_message=message[:2000], enqueued_at=None
        )
    )
    return done.rowcount == 1


def fail_exhausted_page(session: Session, page_id: str, max_attempts: int) -> str | None:
    """A page whose last allowed attempt lost its worker (lease expired) ends ``failed``; returns its job id."""
    now = utcnow()
    done = session.execute(
        update(Page)
        .where(
            Page.id == page_id,
            Page.status == PageStatus.RUNNING,
            Page.lease_until < now,
            Page.attempts >= max_attempts,
        )
        .values(
            status=PageStatus.FAILED,
            finished_at=now,
            lease_until=None,
            error_code="worker_lost",
            error_message=f"the worker processing this page stopped {max_attempts} times; the page was given up",
        )
    )
    if done.rowcount != 1:
        return None
    outbox.append_page_events(session, [page_id])
    return session.scalar(select(Page.job_id).where(Page.id == page_id))
