"""Thin Celery tasks: they take ids, call the job runner or sweeper, and publish what comes next."""
from __future__ import annotations

import os

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger

from db.session import Database
from workers import sweeper
from workers.job_runner import JobRunner, PageTaskStatus
from workers.queues import OCR_PAGE, SPLIT_DOCUMENT, SPLIT_DOCUMENTS, SWEEP, BrokerUnavailable, Enqueuer

log = get_task_logger(__name__)


def _runner(task) -> JobRunner:
    return JobRunner.for_process(task.app.docpipe_settings, timeout_errors=(SoftTimeLimitExceeded,))


def _enqueuer(task) -> Enqueuer:
    return Enqueuer(task.app, task.app.docpipe_settings)


@shared_task(name=SPLIT_DOCUMENT, bind=True, ignore_result=True)
def split_document(self, document_id: str) -> int:
    runner = _runner(self)
    outcome = runner.split(document_id, worker=f"{self.request.hostname}:{os.getpid()}")
    return _enqueue_pages(self, runner, [outcome] if outcome else [])


@shared_task(name=SPLIT_DOCUMENTS, bind=True, ignore_result=True)
def split_documents(self, document_ids: list[str]) -> int:
    runner = _runner(self)
    group = runner.split_many(list(document_ids), worker=f"{self.request.hostname}:{os.getpid()}")
    if group.rest:
        try:
            _enqueuer(self).split_documents(group.rest, group.priority)
        except BrokerUnavailable as exc:  # still queued and counted as enqueued: the sweeper offers them again
            log.warning("%d documents left for the sweeper: %s", len(group.rest), exc)
    return _enqueue_pages(self, runner, group.pages)


def _enqueue_pages(task, runner: JobRunner, outcomes) -> int:
    """Publish the page tasks the splits asked for; what the broker refused is left for the sweeper."""
    enqueuer, sent = _enqueuer(task), []
    try:
        for outcome in outcomes:
            for page_id in outcome.page_ids:
                enqueuer.ocr_page(page_id, outcome.priority)
                sent.append(page_id)
    except BrokerUnavailable as exc:
        log.warning("%d page tasks left for the sweeper: %s", sum(len(o.page_ids) for o in outcomes) - len(sent), exc)
    finally:
        if sent:
            runner.mark_enqueued(page_ids=sent)
    return len(sent)


@shared_task(name=OCR_PAGE, bind=True, ignore_result=True)
def ocr_page(self, page_id: str) -> str:
    runner = _runner(self)
    outcome = runner.run_page(page_id, worker=f"{self.request.hostname}:{os.getpid()}")
    if outcome.status == PageTaskStatus.RETRY:
        try:
            _enqueuer(self).ocr_page(page_id, outcome.priority)
            runner.mark_enqueued(page_ids=[page_id])
        except BrokerUnavailable as exc:
            log.warning("retry of page %s left for the sweeper: %s", page_id, exc)
    return outcome.status


@shared_task(name=SWEEP, bind=True, ignore_result=True)
def sweep(self) -> dict:
    settings = self.app.docpipe_settings
    report = sweeper.sweep(settings, Database.for_url(settings.database_url), _enqueuer(self))
    return report.__dict__
