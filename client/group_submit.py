"""``GroupSubmitter``: the bulk command's threads hand it their file; it sends what arrived together in one request.

Each submit cost the API a request of its own (three transactions, a job view)
and a broker message; on a two-core machine that per-file overhead was the
bulk path's main cost. The submitter gathers files for a short window (or
until ``max_files`` or ``max_bytes`` are waiting) and sends them with one
``send`` call (``Client.submit_group`` through the bulk runner), then hands
each thread its own slot: its job, or the typed error a single submit of that
file would have raised. A whole-request error reaches every thread of the
group; ``GroupUnavailable`` tells them to submit alone. The waiting and
sending are ``Coalescer``'s (client/coalesce.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from client.coalesce import Ask, Coalescer
from client.errors import ClientError

WINDOW_S = 0.03
MAX_FILES = 32
MAX_BYTES = 16 * 1024 * 1024  # far under the API's upload limit (100 MB by default); a bigger file goes alone


class GroupUnavailable(ClientError):
    """This file cannot go in a group (no group route, no batch, refused as a whole): submit it alone."""

    code = "group_unavailable"


@dataclass
class GroupItem(Ask):
    filename: str = ""
    data: bytes = b""
    idempotency_key: str = ""


class GroupSubmitter(Coalescer):
    unavailable = GroupUnavailable

    def __init__(
        self,
        send: Callable[[list[GroupItem]], list[tuple[dict | None, BaseException | None]]],
        *,
        window_s: float = WINDOW_S,
        max_files: int = MAX_FILES,
        max_bytes: int = MAX_BYTES,
    ):
        """``send(items)`` answers ``(job, None)`` or ``(None, error)`` per item, in order, or raises for all."""
        self._send_items = send
        self.max_files = max(1, max_files)
        self.max_bytes = max_bytes
        self.groups_sent: list[int] = []  # the size of each group sent (for tests and figures)
        super().__init__(window_s=window_s, name="docpipe-group-submit")

    def submit(self, filename: str, data: bytes, idempotency_key: str) -> dict:
        """The file's job (``created`` or not), or raises its own error or the group's."""
        return self._ask(GroupItem(filename=filename, data=data, idempotency_key=idempotency_key))

    def _full(self, pending: list[GroupItem]) -> bool:
        return len(pending) >= self.max_files or sum(len(i.data) for i in pending) >= self.max_bytes

    def _select(self, pending: list[GroupItem]) -> list[GroupItem]:
        group, size = [], 0
        for item in pending:
            if group and (len(group) >= self.max_files or size + len(item.data) > self.max_bytes):
                break
            group.append(item)
            size += len(item.data)
        return group

    def _send(self, group: list[GroupItem]) -> None:
        self.groups_sent.append(len(group))
        answers = self._send_items(group)
        if len(answers) != len(group):
            raise GroupUnavailable(f"The server answered {len(answers)} slots for {len(group)} files.")
        for item, (job, error) in zip(group, answers):
            self._answer(item, job, error)
