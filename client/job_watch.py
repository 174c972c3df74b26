"""``JobWatcher``: one thread reads every job in flight in one request and wakes whoever waits for it.

The bulk command keeps many jobs in flight. Polling each one on its own cost
the API several requests per job before it ended (most jobs of an archive
end in a fraction of a second), and on a two-core machine those requests
took CPU from the workers. The watcher asks ``GET /v1/jobs?ids=…`` for all of
them at a fixed pace instead: a few requests a second however many jobs are
in flight.

Most reads ask only for the jobs that ended (``ended=true``): the answer
carries the views of those few, not of every job still running, so a read
costs little however many jobs are in flight. Every ``full_every`` seconds a
read of all of them brings the running jobs' progress (and shows which were
deleted). A server from before the filter ignores it and answers every listed
view, which is still correct, only bigger; one that refuses it (400/422) gets
full reads from then on.

A job missing from a full answer (deleted, or a server that ignores ``ids``) is
polled on its own; a feed request that fails after the client's own retries,
or answers something unreadable, sends every waiter back to the plain per-job
``Client.wait``, so a run never stalls on the watcher.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from client.errors import InvalidRequest, WaitTimeout
from client.http_api import TERMINAL_STATUSES, Client

MAX_IDS_PER_REQUEST = 100  # the API's limit on ``ids``


class Pacer:
    """How long the watcher waits before its next read, from how often jobs have been ending.

    After a read that saw jobs end, the next comes after half the mean gap between ends (at least
    ``interval``): when scanned jobs end every few seconds, reads every ``interval`` mostly found
    nothing and cost the API CPU per second of the run, which a slow or loaded machine multiplies
    (bench/PERF_RESULTS.md). Born-digital files ending many a second keep the reads at ``interval``.
    A read that saw no end waits 1.5 times longer than the last, up to ``max_interval``.
    """

    SMOOTHING = 0.3  # weight of the newest gap in the running mean

    def __init__(self, interval: float, max_interval: float):
        self.interval, self.max_interval = interval, max(interval, max_interval)
        self.pause = interval
        self.gap: float | None = None  # running mean of the seconds between two jobs' ends
        self._last_end: float | None = None

    def after_read(self, now: float, ended: int) -> float:
        """The pause before the next read, after a read at ``now`` that saw ``ended`` jobs end."""
        if not ended:
            self.pause = min(self.pause * 1.5, self.max_interval)
            return self.pause
        if self._last_end is not None:
            gap = (now - self._last_end) / ended
            self.gap = gap if self.gap is None else (1 - self.SMOOTHING) * self.gap + self.SMOOTHING * gap
        self._last_end = now
        self.pause = min(self.max_interval, max(self.interval, (self.gap or 0.0) / 2))
        return self.pause


class _Waiter:
    def __init__(self) -> None:
        self.changed = threading.Event()
        self.view: dict | None = None
        self.fallback = False  # the watcher cannot serve this job: poll it directly


class JobWatcher:
    def __init__(self, client: Client, *, interval: float = 0.2, max_interval: float = 1.0, full_every: float = 5.0):
        """Reads every ``interval`` s while jobs change, slowing down to ``max_interval`` while none does;
        reads every view (progress, deletions) at least every ``full_every`` s."""
        self.client = client
        self.interval = interval
        self.max_interval = max(interval, max_interval)
        self.full_every = full_every
        self._ended_filter = True  # until the server refuses ``ended``
        self._waiters: dict[str, _Waiter] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._broken = False
        self._thread = threading.Thread(target=self._run, name="docpipe-job-watcher", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def __enter__(self) -> "JobWatcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the waiting side --------------------------------------------------

    def wait(
        self, job_id: str, *, timeout: float | None = None, poll: float = 1.0,
        on_update: Callable[[dict], None] | None = None,
    ) -> dict:
        """Like ``Client.wait``: the job's terminal view; ``NotFound`` (from the direct poll) if it was deleted."""
        deadline = None if timeout is None else time.monotonic() + timeout
        waiter = _Waiter()
        with self._lock:
            if self._broken:
                waiter.fallback = True
            else:
                self._waiters[job_id] = waiter
        try:
            while True:
                remaining = None if deadline is None else deadline - time.monotonic()
                if waiter.fallback:
                    return self.client.wait(job_id, timeout=remaining, poll=poll, on_update=on_update)
                if remaining is not None and remaining <= 0:
                    status = (waiter.view or {}).get("status")
                    raise WaitTimeout(f"Job {job_id} is still {status} after {timeout} s.",
                                      details={"job_id": job_id, "status": status})
                # Wake up now and then even without news, so on_update can stop a run.
                waiter.changed.wait(min(1.0, remaining) if remaining is not None else 1.0)
                waiter.changed.clear()
                view = waiter.view
                if view is None:
                    if on_update is not None:
                        on_update({"id": job_id, "status": "queued"})
                    continue
                if on_update is not None:
                    on_update(view)
                if view.get("status") in TERMINAL_STATUSES:
                    return view
        finally:
            with self._lock:
                self._waiters.pop(job_id, None)

    # --- the watching side -------------------------------------------------

    def _run(self) -> None:
        pacer, pause = Pacer(self.interval, self.max_interval), self.interval
        last_full = float("-inf")
        while not self._stop.is_set():
            with self._lock:
                watched = dict(self._waiters)
            if watched:
                try:
                    if self._ended_filter and time.monotonic() - last_full < self.full_every:
                        ended = self._poll_ended(watched)
                    else:
                        last_full = time.monotonic()
                        ended = self._poll(watched)
                except Exception:  # noqa: BLE001 - whatever went wrong, the waiters must not hang
                    self._give_up()
                    return
                # Scanned pages take seconds: reading views that have not moved costs the API for nothing.
                pause = pacer.after_read(time.monotonic(), ended)
            self._stop.wait(pause)

    def _poll(self, watched: dict[str, _Waiter]) -> int:
        """Hands each waiter its job's view; returns how many jobs were first seen ended."""
        ended = 0
        ids = list(watched)
        for start in range(0, len(ids), MAX_IDS_PER_REQUEST):
            chunk = ids[start:start + MAX_IDS_PER_REQUEST]
            views = {v["id"]: v for v in self.client.jobs_by_id(chunk)}
            for job_id in chunk:
                waiter = watched[job_id]
                view = views.get(job_id)
                if view is None:
                    # Deleted, or a server that ignores ``ids``: a direct poll tells which (NotFound).
                    waiter.fallback = True
                    waiter.changed.set()
                else:
                    ended += self._hand(waiter, view) and view.get("status") in TERMINAL_STATUSES
        return ended

    def _poll_ended(self, watched: dict[str, _Waiter]) -> int:
        """Hands each job that ended its final view; returns how many there were."""
        ids = [job_id for job_id, waiter in watched.items()
               if (waiter.view or {}).get("status") not in TERMINAL_STATUSES]
        ended = 0
        for start in range(0, len(ids), MAX_IDS_PER_REQUEST):
            chunk = ids[start:start + MAX_IDS_PER_REQUEST]
            try:
                views = self.client.jobs_by_id(chunk, ended=True)
            except InvalidRequest:
                self._ended_filter = False  # a server from before ``ended``: full reads from now on
                return self._poll(watched)
            for view in views:
                waiter = watched.get(view.get("id"))
                if waiter is not None:
                    ended += self._hand(waiter, view) and view.get("status") in TERMINAL_STATUSES
        return ended

    @staticmethod
    def _hand(waiter: _Waiter, view: dict) -> bool:
        """Gives ``waiter`` its job's ``view`` and wakes it, if the view changed; True if it did."""
        if view == waiter.view:
            return False
        waiter.view = view
        waiter.changed.set()
        return True

    def _give_up(self) -> None:
        with self._lock:
            self._broken = True
            waiters = list(self._waiters.values())
        for waiter in waiters:
            waiter.fallback = True
            waiter.changed.set()
