"""``Coalescer``: many threads ask, one daemon thread sends what was asked together in one request.

The bulk command keeps many jobs in flight, one thread each. Submitting
(``GroupSubmitter``) and fetching results (``ResultFetcher``) one request per
file cost the API most of its time on a two-core machine, so both gather the
threads' asks for a short window, or until a group is full, and send them at
once. This is the part they share: the waiting, the window and the hand-back.
A subclass says when a group is full, which waiting asks go together, and how
to send them. Like ``JobWatcher``, one daemon thread sends, one request at a time.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from client.errors import ClientError


@dataclass
class Ask:
    """One thread's ask: the subclass's fields, then what came back for it."""

    done: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    answer: object = field(default=None, init=False, repr=False)
    error: BaseException | None = field(default=None, init=False, repr=False)


class Coalescer:
    unavailable: type[ClientError] = ClientError  # raised to askers once closed: they go alone

    def __init__(self, *, window_s: float, name: str):
        self.window_s = window_s
        self._pending: list[Ask] = []
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        with self._cond:
            left, self._pending = self._pending, []
        for ask in left:
            self._answer(ask, error=self.unavailable("The run is ending; go alone."))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ask(self, ask: Ask):
        """Queue ``ask`` and wait for its answer (or raise its error)."""
        with self._cond:
            if self._closed:
                raise self.unavailable("Closed; go alone.")
            self._pending.append(ask)
            self._cond.notify_all()
        ask.done.wait()
        if ask.error is not None:
            raise ask.error
        return ask.answer

    @staticmethod
    def _answer(ask: Ask, answer=None, error: BaseException | None = None) -> None:
        ask.answer, ask.error = answer, error
        ask.done.set()

    # --- what a subclass decides -------------------------------------------

    def _full(self, pending: list[Ask]) -> bool:
        """True when a group can go without waiting for the rest of the window."""
        raise NotImplementedError

    def _select(self, pending: list[Ask]) -> list[Ask]:
        """The waiting asks that go in the next request (at least the first one)."""
        raise NotImplementedError

    def _send(self, group: list[Ask]) -> None:
        """Send one request for ``group`` and answer every ask of it (``_answer``); may raise for all."""
        raise NotImplementedError

    # --- the sending side --------------------------------------------------

    def _take(self) -> list[Ask] | None:
        """Wait for a first ask, then for the window to pass or a group to fill; None once closed."""
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            deadline = time.monotonic() + self.window_s
            while not self._closed and not self._full(self._pending):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            group = self._select(self._pending)
            taken = set(map(id, group))
            self._pending = [a for a in self._pending if id(a) not in taken]
            return group

    def _run(self) -> None:
        while True:
            group = self._take()
            if group is None:
                return
            try:
                self._send(group)
            except BaseException as exc:  # noqa: BLE001 - every waiting thread gets the group's error
                for ask in group:
                    if not ask.done.is_set():
                        self._answer(ask, error=exc)
