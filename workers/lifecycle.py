"""What a worker does around its tasks: migrate at start, fresh pools after fork, heartbeats.

The interpreter's heap is frozen out of the cyclic garbage collector before
and after the fork: see ``freeze_heap``.

Heartbeats go to the database (not Celery's broadcast), so ``/ready`` can
count live workers on every broker, including the SQLAlchemy transport,
which has no remote control.
"""
from __future__ import annotations

import gc
import logging
import os
import threading

from celery import signals

from db.telemetry import forget_worker, record_heartbeat
from db.migrate import upgrade
from db.session import Database
from webhooks.tasks import DISPATCH_WEBHOOKS
from workers.queues import OCR_QUEUES, SWEEP

log = logging.getLogger(__name__)

# Celery's loggers that write a line per task received, per task done and per beat tick.
_PER_TASK_LOGGERS = ("celery.app.trace", "celery.worker.strategy", "celery.beat")
_PERIODIC_TASKS = frozenset({SWEEP, DISPATCH_WEBHOOKS})


class QuietPeriodicTasks(logging.Filter):
    """The sweep and the webhook fan-out run every few seconds: their "sending", "received" and
    "succeeded" lines are DEBUG, so INFO logs show work (the sweep logs one line when it did some)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not self._periodic(record.args):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)

    @staticmethod
    def _periodic(args) -> bool:
        if isinstance(args, dict):  # a task's context: {"name": ..., "id": ...}
            return args.get("name") in _PERIODIC_TASKS
        return isinstance(args, tuple) and any(a in _PERIODIC_TASKS for a in args if isinstance(a, str))


def quiet_periodic_tasks() -> None:
    for name in _PER_TASK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietPeriodicTasks) for f in logger.filters):
            logger.addFilter(QuietPeriodicTasks())


def reads_pages(worker, settings) -> bool:
    """Whether this worker consumes an OCR queue (the webhook worker's threads wait on the network)."""
    consumed = {q.name for q in worker.app.amqp.queues.consume_from.values()}
    return bool(consumed & {settings.queue(name) for name in OCR_QUEUES})


def freeze_heap() -> None:
    """Move every object alive now out of the cyclic collector's reach.

    A worker process holds a large heap of long-lived objects (Celery, Kombu,
    SQLAlchemy, the pipeline's modules), and every full collection walked all
    of them (bench/BULK_RESULTS.md, session 5). Objects frozen are still freed by
    reference counting; only cycles among them are never collected, and
    what exists at start-up lives for the process anyway. Done in the parent
    too, so the children's collections do not write to pages the fork shares.
    """
    gc.freeze()


class Heartbeat:
    def __init__(self, database: Database, hostname: str, queues: str, interval: float):
        self.database, self.hostname, self.queues, self.interval = database, hostname, queues, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="docpipe-heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def beat(self) -> None:
        try:
            with self.database.session() as s:
                record_heartbeat(s, self.hostname, os.getpid(), self.queues)
        except Exception as exc:  # noqa: BLE001 - a missed beat must not kill the worker
            log.warning("heartbeat failed: %s", exc)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.beat()

    def stop(self) -> None:
        self._stop.set()
        try:
            with self.database.session() as s:
                forget_worker(s, self.hostname)
        except Exception as exc:  # noqa: BLE001
            log.warning("could not deregister worker: %s", exc)


def install(app) -> None:
    settings = app.docpipe_settings
    state: dict = {}
    quiet_periodic_tasks()

    @signals.worker_init.connect(weak=False)
    def _at_worker_start(sender=None, **_):
        upgrade(Database.for_url(settings.database_url))
        freeze_heap()
        if sender is None or not reads_pages(sender, settings):
            return
        processes = getattr(sender, "concurrency", None) or settings.worker_concurrency
        cores = os.cpu_count() or 1
        if processes * settings.ocr_threads > cores:
            # Oversubscribed cores make every page slower, not more pages faster.
            log.warning(
                "%d worker processes x %d OCR threads exceed %d cores; lower DOCPIPE_WORKER_CONCURRENCY "
                "or DOCPIPE_OCR_THREADS", processes, settings.ocr_threads, cores,
            )

    @signals.worker_process_init.connect(weak=False)
    def _after_fork(**_):
        Database.after_fork()
        freeze_heap()  # what the parent made after worker_init, and this process's own start-up

    @signals.worker_ready.connect(weak=False)
    def _start_heartbeat(sender=None, **_):
        queues = ",".join(q.name for q in sender.app.amqp.queues.consume_from.values()) if sender else ""
        hb = Heartbeat(Database.for_url(settings.database_url), sender.hostname, queues, settings.heartbeat_interval)
        hb.start()
        state["heartbeat"] = hb

    @signals.worker_shutdown.connect(weak=False)
    def _stop_heartbeat(**_):
        hb = state.pop("heartbeat", None)
        if hb:
            hb.stop()
