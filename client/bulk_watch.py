"""The bulk command's waiting: each submitted job watched until it ends, then its statistics recorded.

The threads' polls go out together (``client/job_watch.py``: one request for
every job in flight); a job's pages feed the progress bar as they settle.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from client.bulk_state import DOWNLOADABLE_STATUSES, BulkState, JobRow
from client.errors import BulkInterrupted, NotFound
from client.http_api import Client
from client.job_watch import JobWatcher
from client.progress import BulkProgress

# How often the watcher reads the jobs in flight (one request for all of them). With the bulk command's
# jobs in flight the server's queue holds seconds of work, so a job's end need not be seen sooner, and
# reading more often only costs the API and the database CPU (bench/BULK_RESULTS.md, session 4).
WATCH_INTERVAL_S = 0.5
# While no job ends, reads slow down to this (and after an end they come at half the mean gap between
# ends: client/job_watch.Pacer); every view (progress) is read this often. A read costs the API CPU
# however slow the pages are, so on a slow or loaded machine the reads' cost grew with the run's wall
# time (1.0 and 5.0 s, then 2.0 and 10.0 s before: bench/PERF_RESULTS.md, bench.service_idle). With the
# bulk command's jobs in flight the server holds minutes of scanned work: an end seen 5 s late costs
# the run nothing but at its very end.
WATCH_MAX_INTERVAL_S = 5.0
WATCH_FULL_EVERY_S = 30.0


@dataclass(frozen=True)
class _JobStats:
    status: str
    pages: int | None
    mean_confidence: float | None
    pages_below: int | None
    error_code: str | None
    error_message: str | None


class JobAwaiter:
    """Waits for the run's jobs through one ``JobWatcher`` (closed with it)."""

    def __init__(
        self,
        client: Client,
        *,
        poll_s: float,
        job_timeout_s: float | None,
        min_confidence: float,
        stop: threading.Event,
    ):
        self.client = client
        self.poll_s = poll_s
        self.job_timeout_s = job_timeout_s
        self.min_confidence = min_confidence
        self.stop = stop
        self._watcher = JobWatcher(client, interval=min(poll_s, WATCH_INTERVAL_S), max_interval=WATCH_MAX_INTERVAL_S,
                                   full_every=WATCH_FULL_EVERY_S)

    def close(self) -> None:
        self._watcher.close()

    def __enter__(self) -> JobAwaiter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def wait(self, state: BulkState, job: JobRow, progress: BulkProgress) -> JobRow:
        """Wait for the submitted job to end and record how it ended; the job row afterwards."""
        seen = {"pages": 0}

        def on_update(view: dict) -> None:
            if self.stop.is_set():
                raise BulkInterrupted("Stopped while waiting; the job keeps running on the server.")
            done = _pages_settled(view)
            progress.pages_done(done - seen["pages"])
            seen["pages"] = max(seen["pages"], done)

        try:
            view = self._watcher.wait(job.job_id, timeout=self.job_timeout_s, poll=self.poll_s, on_update=on_update)
        except NotFound:
            # The job was deleted on the server; --retry-failed submits it again under a new key.
            state.mark_lost(job)
            return state.job(job.idempotency_key)
        stats = self._job_stats(view)
        state.mark_finished(
            job.idempotency_key,
            job_status=stats.status,
            pages=stats.pages,
            mean_confidence=stats.mean_confidence,
            pages_below=stats.pages_below,
            error_code=stats.error_code,
            error_message=stats.error_message,
        )
        return state.job(job.idempotency_key)

    def _job_stats(self, view: dict) -> _JobStats:
        status = view.get("status") or "failed"
        error_code, error_message = _error_of(view.get("error"))
        for doc in view.get("documents") or []:
            if error_code:
                break
            error_code, error_message = _error_of(doc.get("error"))
        pages_total = (view.get("progress") or {}).get("pages_total")
        below = None
        lowest = view.get("confidence_min")
        if status in DOWNLOADABLE_STATUSES:
            below = 0
            # With no page under the threshold there is nothing to count: skip listing the pages.
            pages = () if lowest is not None and lowest >= self.min_confidence else self.client.pages(view["id"])
            for page in pages:
                confidence = page.get("confidence")
                if page.get("status") == "succeeded" and confidence is not None:
                    below += confidence < self.min_confidence
                elif page.get("status") == "failed" and not error_code:
                    error_code, error_message = _error_of(page.get("error"))
        return _JobStats(status, pages_total, view.get("confidence"), below, error_code, error_message)


def _pages_settled(view: dict) -> int:
    progress = view.get("progress") or {}
    return int(progress.get("pages_done") or 0) + int(progress.get("pages_failed") or 0)


def _error_of(error) -> tuple[str | None, str | None]:
    if isinstance(error, dict):
        return error.get("code"), error.get("message")
    if isinstance(error, str) and error:
        return error, error
    return None, None
