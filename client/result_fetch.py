"""``ResultFetcher``: the bulk command's threads ask it for a job's result; it fetches what was asked
together in one request.

Each single download (``GET /v1/jobs/{id}/result``) cost the API a request of
its own; in the bulk run they were about a third of the API's time. The
fetcher gathers (job, format) asks for a short window (or until ``max_jobs``
of one format are waiting) and sends them with one ``send(job_ids, format)``
call per format (``Client.results``: ``GET /v1/results?ids=&format=``), then
hands each thread its own bytes, or the typed error of its slot (``NotFound``
for a deleted job, as the single download would raise). A whole-request error
reaches every thread of the group; ``ResultsUnavailable`` tells them to
download alone. The pattern is ``GroupSubmitter``'s: one daemon thread does
the sending, one request at a time.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from client.errors import ClientError

WINDOW_S = 0.03
MAX_JOBS = 32
SERVER_MAX_JOBS = 100  # GET /v1/results takes at most 100 ids


class ResultsUnavailable(ClientError):
    """This result cannot be fetched in a group (no group route, the fetcher closed): download it alone."""

    code = "results_unavailable"


@dataclass
class FetchItem:
    job_id: str
    format: str
    done: threading.Event = field(default_factory=threading.Event)
    data: bytes | None = None
    error: BaseException | None = None


class ResultFetcher:
    def __init__(
        self,
        send: Callable[[list[str], str], dict[str, bytes | BaseException]],
        *,
        window_s: float = WINDOW_S,
        max_jobs: int = MAX_JOBS,
    ):
        """``send(job_ids, format)`` (``Client.results``) answers bytes or an error per job id, or raises for all of them."""
        self._send = send
        self.window_s = window_s
        self.max_jobs = min(max(1, max_jobs), SERVER_MAX_JOBS)
        self.groups_sent: list[tuple[str, int]] = []  # (format, jobs) of each request sent (for tests and figures)
        self._pending: list[FetchItem] = []
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="docpipe-result-fetch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        self._fail_pending(ResultsUnavailable("The run is ending; download alone."))

    def __enter__(self) -> "ResultFetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch(self, job_id: str, format: str) -> bytes:
        """The job's result in ``format``, or raises its slot's error or the group's."""
        item = FetchItem(job_id, format)
        with self._cond:
            if self._closed:
                raise ResultsUnavailable("The result fetcher is closed; download alone.")
            self._pending.append(item)
            self._cond.notify_all()
        item.done.wait()
        if item.error is not None:
            raise item.error
        return item.data

    # --- the sending side --------------------------------------------------

    def _take(self) -> list[FetchItem] | None:
        """Wait for a first ask, then for the window to pass or a format's group to fill; None once closed.
        Returns the waiting asks of the oldest ask's format (at most ``max_jobs`` distinct jobs)."""
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            deadline = time.monotonic() + self.window_s
            while not self._closed and not self._full():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            fmt = self._pending[0].format
            group: list[FetchItem] = []
            jobs: set[str] = set()
            for item in self._pending:
                if item.format != fmt:
                    continue
                if item.job_id not in jobs and len(jobs) >= self.max_jobs:
                    break
                jobs.add(item.job_id)
                group.append(item)
            taken = set(map(id, group))
            self._pending = [i for i in self._pending if id(i) not in taken]
            return group

    def _full(self) -> bool:
        counts: dict[str, set[str]] = {}
        for item in self._pending:
            counts.setdefault(item.format, set()).add(item.job_id)
        return any(len(jobs) >= self.max_jobs for jobs in counts.values())

    def _run(self) -> None:
        while True:
            group = self._take()
            if group is None:
                return
            fmt = group[0].format
            job_ids = list(dict.fromkeys(item.job_id for item in group))
            self.groups_sent.append((fmt, len(job_ids)))
            try:
                answers = self._send(job_ids, fmt)
            except BaseException as exc:  # noqa: BLE001 - every waiting thread gets the group's error
                answers = {job_id: exc for job_id in job_ids}
            for item in group:
                answer = answers.get(item.job_id)
                if answer is None:
                    item.error = ResultsUnavailable(f"The server left job {item.job_id} out; download it alone.")
                elif isinstance(answer, BaseException):
                    item.error = answer
                else:
                    item.data = answer
                item.done.set()

    def _fail_pending(self, error: BaseException) -> None:
        with self._cond:
            left, self._pending = self._pending, []
        for item in left:
            item.error = error
            item.done.set()
