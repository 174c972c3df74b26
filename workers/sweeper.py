"""The periodic sweep (run by Celery beat, workers/beat.py): the broker is a doorbell, the database remembers.

Re-enqueues documents and pages whose messages were lost (Redis restarted,
a worker killed), turns expired leases back into queued pages (or failed
ones after the last attempt) and offers them at once on the recovery queue,
finalizes jobs whose finalizer died, and deletes ended jobs past their
tenant's retention.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from db import retention
from db.blobs import blob_store
from db.finalize import finalize_job
from db.jobs import mark_enqueued
from db.sweep import find_lost_work, unfinished_jobs_with_all_pages_ended
from webhooks import tasks as webhook_tasks
from workers import extraction
from workers.queues import PRIORITIES, RECOVERY, BrokerUnavailable, Enqueuer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    documents_enqueued: int
    pages_enqueued: int
    pages_recovered: int
    jobs_finalized: int
    jobs_expired: int = 0
    orphans_deleted: int = 0


def _empty_priorities(enqueuer: Enqueuer) -> set[str]:
    """Priorities whose queues are known to be empty, recovery included: only then can a published
    message be taken for lost. A queue whose depth is unknown (broker down) counts as holding work."""
    if enqueuer.depth(RECOVERY) != 0:
        return set()
    return {p for p in PRIORITIES if enqueuer.depth(p) == 0}


def sweep(settings, database, enqueuer: Enqueuer) -> SweepReport:
    empty = _empty_priorities(enqueuer)
    with database.session() as s:
        lost = find_lost_work(
            s,
            requeue_after=settings.requeue_after,
            max_attempts=settings.page_max_attempts,
            priorities_to_requeue=empty,
            lost_after=settings.broker_visibility_timeout,
        )
    finalized = 0
    for job_id in set(lost.failed_jobs):
        with database.session() as s:
            finalized += finalize_job(s, job_id) is not None

    docs, pages, recovered = [], [], []
    try:
        for page_id in lost.recovered:
            enqueuer.recovered_page(page_id)
            recovered.append(page_id)
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
            mark_enqueued(s, document_ids=docs, page_ids=pages + recovered)

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
    expired = expire(settings, database)
    orphans = delete_orphans(settings, database)
    report = SweepReport(len(docs), len(pages), len(recovered), finalized, expired, orphans)
    if docs or pages or recovered or finalized or expired or orphans:
        log.info("sweep: %s", report)
    return report


def expire(settings, database) -> int:
    """One chunk of retention per sweep at most, so a first run over years of jobs cannot stall the sweep."""
    try:
        return retention.purge(
            database,
            blob_store(settings, database),
            lambda s: retention.expired_jobs(s, default_days=settings.retention_days),
            max_chunks=1,
        )
    except Exception as exc:  # noqa: BLE001 - retention must never stop recovery
        log.warning("retention sweep failed: %s", exc)
        return 0


_orphans_checked_at = float("-inf")  # this process's last look (the beat process runs every sweep)


def delete_orphans(settings, database) -> int:
    """Uploads no job names, older than the grace period; listing every file is not for every sweep,
    so at most once per grace period."""
    global _orphans_checked_at
    if time.monotonic() - _orphans_checked_at < settings.orphan_grace_seconds:
        return 0
    _orphans_checked_at = time.monotonic()
    try:
        return retention.delete_orphaned_blobs(
            database, blob_store(settings, database), grace_seconds=settings.orphan_grace_seconds
        )
    except Exception as exc:  # noqa: BLE001 - cleanup must never stop recovery
        log.warning("orphaned upload sweep failed: %s", exc)
        return 0
