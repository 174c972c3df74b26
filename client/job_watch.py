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
        pause = self.interval
        last_full = float("-inf")
        while not self._stop.is_set():
            with self._lock:
                watched = dict(self._waiters)
            if watched:
                try:
                    if self._ended_filter and time.monotonic() - last_full < self.full_every:
                        changed = self._poll_ended(watched)
                    else:
                        last_full = time.monotonic()
                        changed = self._poll(watched)
                except Exception:  # noqa: BLE001 - whatever went wrong, the waiters must not hang
                    self._give_up()
                    return
                # Scanned pages take seconds: reading views that have not moved costs the API for nothing.
                pause = self.interval if changed else min(pause * 1.5, self.max_interval)
            self._stop.wait(pause)

    def _poll(self, watched: dict[str, _Waiter]) -> bool:
        """Hands each waiter its job's view; True if any view changed."""
        changed = False
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
                    seen_before = waiter.view is not None  # a first sight is no progress
                    if self._hand(waiter, view) and seen_before:
                        changed = True
        return changed

    def _poll_ended(self, watched: dict[str, _Waiter]) -> bool:
        """Hands each job that ended its final view; True if any did."""
        ids = [job_id for job_id, waiter in watched.items()
               if (waiter.view or {}).get("status") not in TERMINAL_STATUSES]
        changed = False
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
                    changed = self._hand(waiter, view) or changed
        return changed

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
