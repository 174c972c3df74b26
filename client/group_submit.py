"""``GroupSubmitter``: the bulk command's threads hand it their file; it sends what arrived together in one request.

Each submit cost the API a request of its own (about 20 ms of CPU, three
transactions, a job view) and a broker message; on a two-core machine that
per-file overhead was the bulk path's main cost. The submitter gathers files
for a short window (or until ``max_files`` or ``max_bytes`` are waiting) and
sends them with one ``send`` call (``Client.submit_group`` through the bulk
runner), then hands each thread its own slot: its job, or the typed error a
single submit of that file would have raised. A whole-request error reaches
every thread of the group; ``GroupUnavailable`` tells them to submit alone.
Like ``JobWatcher``, one daemon thread does the sending, one request at a time.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from client.errors import ClientError

WINDOW_S = 0.03
MAX_FILES = 32
MAX_BYTES = 16 * 1024 * 1024  # far under the API's upload limit (100 MB by default); a bigger file goes alone


class GroupUnavailable(ClientError):
    """This file cannot go in a group (no group route, no batch, refused as a whole): submit it alone."""

    code = "group_unavailable"


@dataclass
class GroupItem:
    filename: str
    data: bytes
    idempotency_key: str
    done: threading.Event = field(default_factory=threading.Event)
    job: dict | None = None
    error: BaseException | None = None


class GroupSubmitter:
    def __init__(
        self,
        send: Callable[[list[GroupItem]], list[tuple[dict | None, BaseException | None]]],
        *,
        window_s: float = WINDOW_S,
        max_files: int = MAX_FILES,
        max_bytes: int = MAX_BYTES,
    ):
        """``send(items)`` answers ``(job, None)`` or ``(None, error)`` per item, in order, or raises for all."""
        self._send = send
        self.window_s = window_s
        self.max_files = max(1, max_files)
        self.max_bytes = max_bytes
        self.groups_sent: list[int] = []  # the size of each group sent (for tests and figures)
        self._pending: list[GroupItem] = []
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="docpipe-group-submit", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        self._fail_pending(GroupUnavailable("The run is ending; submit alone."))

    def __enter__(self) -> "GroupSubmitter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, filename: str, data: bytes, idempotency_key: str) -> dict:
        """The file's job (``created`` or not), or raises its own error or the group's."""
        item = GroupItem(filename, data, idempotency_key)
        with self._cond:
            if self._closed:
                raise GroupUnavailable("The group submitter is closed; submit alone.")
            self._pending.append(item)
            self._cond.notify_all()
        item.done.wait()
        if item.error is not None:
            raise item.error
        return item.job

    # --- the sending side --------------------------------------------------

    def _take(self) -> list[GroupItem] | None:
        """Wait for a first file, then for the window to pass or the group to fill; None once closed."""
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
            group, size = [], 0
            for item in self._pending:
                if group and (len(group) >= self.max_files or size + len(item.data) > self.max_bytes):
                    break
                group.append(item)
                size += len(item.data)
            del self._pending[:len(group)]
            return group

    def _full(self) -> bool:
        return len(self._pending) >= self.max_files or sum(len(i.data) for i in self._pending) >= self.max_bytes

    def _run(self) -> None:
        while True:
            group = self._take()
            if group is None:
                return
            self.groups_sent.append(len(group))
            try:
                answers = self._send(group)
                if len(answers) != len(group):
                    raise GroupUnavailable(f"The server answered {len(answers)} slots for {len(group)} files.")
            except BaseException as exc:  # noqa: BLE001 - every waiting thread gets the group's error
                answers = [(None, exc)] * len(group)
            for item, (job, error) in zip(group, answers):
                item.job, item.error = job, error
                item.done.set()

    def _fail_pending(self, error: BaseException) -> None:
        with self._cond:
            left, self._pending = self._pending, []
        for item in left:
            item.error = error
            item.done.set()
