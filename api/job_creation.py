"""Creating jobs for both submit routes (a single ``POST /v1/jobs`` is a group of one) and sending their
documents to the workers.

The files are checked and in the blob store already. One transaction inserts
every job (``db.jobs.create_jobs``); blobs written for keys a concurrent
request took first are deleted (its jobs answer); the new documents go out
in ``split_documents`` messages of a few documents each.
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from api.stored_files import delete_blobs
from db.jobs import JobSummary, NewJob, create_jobs
from workers.queues import BrokerUnavailable

log = logging.getLogger(__name__)

# Documents per split_documents message. One message per group would keep a single worker
# process reading a big group while the others wait (seen at the start of a bulk run: one
# core busy for the first seconds); a few messages spread the group over the pool.
SPLIT_MESSAGE_DOCUMENTS = 4
# PostgreSQL breaks a deadlock by failing one of its transactions, rolled back whole: that one is run
# again. The one cycle found (a submit into a batch inserting a key whose job a finalizer was ending)
# create_jobs avoids; this stays for any other lock order a future change brings.
DEADLOCK_SQLSTATE = "40P01"
DEADLOCK_RETRIES = 2


def create_and_enqueue(svc, tenant_id: str, specs: list[NewJob], *, batch_id: str | None = None) -> list[tuple[JobSummary, bool]]:
    """``(summary, created)`` per spec, in order. On any error nothing is kept: the transaction rolls back
    and every spec's blobs are deleted (``BatchClosed`` included, for a batch closed meanwhile)."""
    if not specs:
        return []
    try:
        results = _create(svc, tenant_id, specs, batch_id)
    except BaseException:
        delete_blobs(svc.blobs, [d.blob_key for spec in specs for d in spec.documents])
        raise
    delete_blobs(svc.blobs, [d.blob_key for spec, (_, created) in zip(specs, results) if not created for d in spec.documents])
    by_priority: dict[str, list[str]] = {}
    for spec, (_, created) in zip(specs, results):
        if created:
            by_priority.setdefault(spec.priority, []).extend(d.id for d in spec.documents)
    for priority, document_ids in by_priority.items():
        _enqueue(svc, document_ids, priority)
    return results


def _create(svc, tenant_id: str, specs: list[NewJob], batch_id: str | None) -> list[tuple[JobSummary, bool]]:
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            with svc.database.session() as s:
                return create_jobs(s, tenant_id, specs, batch_id=batch_id)
        except OperationalError as exc:
            if attempt == DEADLOCK_RETRIES or getattr(exc.orig, "sqlstate", None) != DEADLOCK_SQLSTATE:
                raise
            log.warning("job creation deadlocked, run again (%d of %d)", attempt + 1, DEADLOCK_RETRIES)
    raise AssertionError("unreachable")


def _enqueue(svc, document_ids: list[str], priority: str) -> None:
    """``split_documents`` messages, a few documents each. The rows are committed (counted as enqueued):
    if the broker is down now, the sweeper offers them again later."""
    sent = 0
    try:
        for start in range(0, len(document_ids), SPLIT_MESSAGE_DOCUMENTS):
            svc.enqueuer.split_documents(document_ids[start:start + SPLIT_MESSAGE_DOCUMENTS], priority)
            sent += 1
    except BrokerUnavailable as exc:
        log.warning("broker unavailable, %d documents left for the sweeper: %s",
                    len(document_ids) - sent * SPLIT_MESSAGE_DOCUMENTS, exc)
