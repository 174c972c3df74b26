"""Queue names and publishing: the one place that knows how work reaches the broker.

Tasks are sent by name, so the API can enqueue without importing task code,
and every queue name carries ``DOCPIPE_QUEUE_PREFIX`` so that deployments
(or test sessions) sharing one Redis never take each other's work.
"""
from __future__ import annotations

import logging

from kombu.exceptions import KombuError

PRIORITIES = ("interactive", "bulk")
WEBHOOKS = "webhooks"
# Pages offered again after their worker died (lease expired) or a transient failure. Their own
# queue, consumed by every OCR worker beside the priorities: both brokers serve a worker's queues
# in turn, so a recovered page runs within a task or two instead of behind the whole backlog.
RECOVERY = "recovery"
OCR_QUEUES = (*PRIORITIES, RECOVERY)

SPLIT_DOCUMENT = "docpipe.split_document"
SPLIT_DOCUMENTS = "docpipe.split_documents"  # several documents in one message (group submits)
OCR_PAGE = "docpipe.ocr_page"
SWEEP = "docpipe.sweep"

log = logging.getLogger(__name__)

# Publishing must not hang a request when the broker is down: the row is in the
# database already and the sweeper enqueues it later.
_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.5, "interval_max": 1.0}


class BrokerUnavailable(Exception):
    code = "broker_unavailable"


def queue_names(settings) -> list[str]:
    return [settings.queue(name) for name in (*OCR_QUEUES, WEBHOOKS)]


def ocr_queue_list(settings) -> str:
    """The ``--queues`` of an OCR worker."""
    return ",".join(settings.queue(name) for name in OCR_QUEUES)


def declare_queues(celery) -> None:
    """Create every queue once, before several processes start.

    Kombu's SQLAlchemy transport creates a queue's row on first use; two
    processes doing that at the same moment make one of them crash on the
    unique name. Declaring them up front in one process avoids the race.
    """
    with celery.connection_for_write() as conn:
        conn.ensure_connection(max_retries=3)
        for queue in celery.conf.task_queues:
            queue.bind(conn.default_channel).declare()


class Enqueuer:
    def __init__(self, celery, settings):
        self.celery = celery
        self.settings = settings

    def queue_for(self, priority: str) -> str:
        return self.settings.queue(priority if priority in (*PRIORITIES, RECOVERY) else "interactive")

    def _send(self, name: str, arg, priority: str, countdown: float | None = None) -> None:
        try:
            self.celery.send_task(
                name,
                args=[arg],
                queue=self.queue_for(priority),
                countdown=countdown,
                retry=True,
                retry_policy=_RETRY_POLICY,
            )
        except (KombuError, OSError) as exc:
            raise BrokerUnavailable(f"could not publish {name}: {exc}") from exc

    def split_document(self, document_id: str, priority: str) -> None:
        self._send(SPLIT_DOCUMENT, document_id, priority)

    def split_documents(self, document_ids: list[str], priority: str) -> None:
        """One message for many documents: a group submit costs one broker hop and one task, not one each."""
        self._send(SPLIT_DOCUMENTS, list(document_ids), priority)

    def ocr_page(self, page_id: str, priority: str, countdown: float | None = None) -> None:
        self._send(OCR_PAGE, page_id, priority, countdown)

    def recovered_page(self, page_id: str) -> None:
        """A page tried before (its worker died, or a transient failure): ahead of the backlog."""
        self._send(OCR_PAGE, page_id, RECOVERY)

    def depth(self, name: str) -> int | None:
        """Messages waiting in queue ``name`` (interactive, bulk, recovery, webhooks), or None when the broker cannot say."""
        queue = self.settings.queue(name)
        try:
            with self.celery.connection_for_read() as conn:
                conn.ensure_connection(max_retries=1)
                # Not passive: Kombu's Redis existence check (EXISTS) ignores its global key prefix, so a
                # passive declare says "no such queue" for every prefixed queue. Declaring is harmless
                # here (Redis: nothing is written; SQLAlchemy: the row exists since declare_queues) and
                # the count it returns reads the prefixed lists (LLEN is prefixed).
                _, count, _ = conn.default_channel.queue_declare(queue=queue, passive=False)
                return int(count)
        except Exception as exc:  # noqa: BLE001 - broker errors, or two processes creating a SQLAlchemy queue row at once
            log.warning("queue depth unavailable for %s: %s", queue, exc)
            return None
