"""Celery beat's scheduler for docpipe: it runs the sweep itself instead of sending it as a message.

A sweep message used to wait in the interactive queue behind OCR work and
expire unrun there (one sweep interval), so behind a backlog lease recovery
and finalization stopped until the queue drained. Beat is the one process
that is always on time and never runs OCR, and a sweep is a few bounded
queries, so it runs here, on the schedule, whatever the broker holds. Every
other entry (the webhook fan-out) is still sent as a task.

Chosen over a sweep queue: a queue is only served when a worker process
is free, and every OCR process may be inside a page for two minutes.
"""
from __future__ import annotations

import logging

from celery.beat import PersistentScheduler

from db.session import Database
from workers import sweeper
from workers.queues import SWEEP, Enqueuer

log = logging.getLogger(__name__)


class SweepingScheduler(PersistentScheduler):
    def apply_entry(self, entry, producer=None):
        if entry.task != SWEEP:
            return super().apply_entry(entry, producer=producer)
        settings = self.app.docpipe_settings
        try:
            sweeper.sweep(settings, Database.for_url(settings.database_url), Enqueuer(self.app, settings))
        except Exception as exc:  # noqa: BLE001 - a failed sweep (database down) must not stop beat
            log.warning("sweep failed, next one in %s s: %s", settings.sweep_interval, exc)
