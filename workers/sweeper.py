"""The periodic sweep (Celery beat): the broker is a doorbell, the database remembers.

Re-enqueues documents and pages whose messages were lost (Redis restarted,
a worker killed), turns expired leases back into queued pages (or failed
ones after the last attempt), and finalizes jobs whose finalizer died.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from db.blobs import blob_store
from db.finalize import finalize_job
from db.jobs import mark_enqueued
from db.sweep import find_lost_work, unfinished_jobs_with_all_pages_ended
from webhooks import tasks as webhook_tasks
from workers import extraction
from workers.queues import PRIORITIES, BrokerUnavailable, Enqueuer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    documents_enqueued: int
    pages_enqueued: int
    jobs_finalized: int


def sweep(settings, database, enqueuer: Enqueuer) -> SweepReport:
    # Only re-offer queued pages when their queue is empty: a queue still
    # draining holds their messages, and duplicates would only grow it.
    empty = {p for p in PRIORITIES if (enqueuer.depth(p) or 0) == 0}
    with database.session() as s:
        lost = find_lost_work(
            s,
            requeue_after=settings.requeue_after,
            max_attempts=settings.page_max_attempts,
            priorities_to_requeue=empty,
        )
    finalized = 0
    for job_id in set(lost.failed_jobs):
        with database.session() as s:
            finalized += finalize_job(s, job_id) is not None

    docs, pages = [], []
    try:
        for document_id, priority in lost.documents:
            enqueuer.split_document(document_id, priority)
            docs.append(document_id)
        for page_id, priority in lost.pages:
            enqueuer.ocr_page(page_id, priority)
            pages.append(page_id)
    except BrokerUnavailable as exc:
        log.warning("sweep stopped early, broker unavailable: %s", exc)
    finally:
        with database.session() as s:
            mark_enqueued(s, document_ids=docs, page_ids=pages)

    with database.session() as s:
        stuck = unfinished_jobs_with_all_pages_ended(s)
    if stuck:
        # Fields a dead worker did not read (extract=invoice) are read here, or the job could never end.
        extraction.read_pending(database, blob_store(settings, database).get, stuck)
    for job_id in stuck:
        with database.session() as s:
            finalized += finalize_job(s, job_id) is not None
    try:
        webhook_tasks.sweep_webhooks(settings, database, enqueuer.celery)
    except Exception as exc:  # noqa: BLE001 - webhooks must never stop the OCR sweep
        log.warning("webhook sweep failed: %s", exc)
    report = SweepReport(len(docs), len(pages), finalized)
    if docs or pages or finalized:
        log.info("sweep: %s", report)
    return report
