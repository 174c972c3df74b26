"""The bulk command's submits: the run's server batch, and each file's job, in a group or alone.

A file's idempotency key is marked ``submitting`` in the state file before its
request, so after a crash the same key goes out again and the server answers
with the job it already has. The threads' submits go out together
(``client/group_submit.py``: one ``POST /v1/batches/{id}/jobs`` for the files
that arrive within a few milliseconds) when the run has a batch and the server
offers group submits; otherwise each file goes alone (``Client.submit``).
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from client.bulk_state import BulkState, JobRow
from client.errors import BatchClosed, ClientError, InvalidRequest, MethodNotAllowed, NotFound, Unauthorized
from client.group_submit import GroupItem, GroupSubmitter, GroupUnavailable
from client.http_api import Client, slot_error

GROUP_MAX_FILES = 32


class BulkSubmitter:
    def __init__(self, client: Client, *, src_dir: Path, out_dir: Path, mode: str | None, pages: str | None,
                 tables: bool = False):
        self.client = client
        self.tables = tables or None  # sent only when asked: older servers never see the field
        self.src_dir = src_dir
        self.out_dir = out_dir
        self.mode = mode
        self.pages = pages
        self.submitted = 0  # jobs this runner submitted (or found again by key)
        self._count_lock = threading.Lock()
        self._batch_lock = threading.Lock()
        self._batch_replaced: dict[str, str | None] = {}  # a batch closed under this run → the one that replaced it
        self._grouper: GroupSubmitter | None = None
        self._groups_off = False  # the server has no group route: every file alone

    # --- the run's batch ------------------------------------------------------

    def batch_id(self, state: BulkState) -> str | None:
        """A server batch for this OUT_DIR, only when the server offers ``POST /v1/batches``: the stored one
        while it is open (a resumed run), a new one once a settled run has closed it."""
        known = state.get_meta("batch_id")
        if known and state.get_meta("batch_closed") != known:
            return known
        return self._new_batch(state)

    def _new_batch(self, state: BulkState) -> str | None:
        try:
            batch = self.client.create_batch(self.out_dir.resolve().name)
        except (NotFound, MethodNotAllowed):
            return None
        except Unauthorized:
            raise
        except ClientError:
            return None  # batches are a convenience; never block the archive on them
        batch_id = str(batch.get("id") or "") or None
        if batch_id:
            state.set_meta("batch_id", batch_id)
        return batch_id

    def close_batch(self, state: BulkState) -> None:
        batch_id = state.get_meta("batch_id")
        if not batch_id or state.get_meta("batch_closed") == batch_id:
            return
        try:
            self.client.close_batch(batch_id)
        except ClientError:
            # A server without the route, or unreachable now: the batch stays open and the
            # next run that settles everything closes it.
            return
        state.set_meta("batch_closed", batch_id)

    def _in_open_batch(self, state: BulkState, batch_id: str | None, send):
        """``send(batch_id)`` with the run's batch; if someone closed that batch (409 ``batch_closed``), the
        jobs go into a new batch, made once for all threads, and ``send`` is called once more."""
        with self._batch_lock:
            batch_id = self._batch_replaced.get(batch_id, batch_id) if batch_id else None
        try:
            return send(batch_id)
        except BatchClosed:
            if batch_id is None:
                raise
        with self._batch_lock:
            if batch_id not in self._batch_replaced:
                state.set_meta("batch_closed", batch_id)
                self._batch_replaced[batch_id] = self._new_batch(state)
            replacement = self._batch_replaced[batch_id]
        # Same idempotency keys: the refused request stored nothing, so this creates each job once.
        return send(replacement)

    # --- groups ---------------------------------------------------------------

    def open_groups(self, state: BulkState, batch_id: str | None, concurrency: int) -> None:
        """Gather the threads' files into group submits; they go into a batch, so without one every file
        goes alone."""
        self._grouper = None
        if batch_id:
            self._grouper = GroupSubmitter(
                lambda items: self._send_group(state, batch_id, items), max_files=min(GROUP_MAX_FILES, concurrency)
            )

    def close_groups(self) -> None:
        if self._grouper is not None:
            self._grouper.close()

    def _send_group(self, state: BulkState, batch_id: str, items: list[GroupItem]) -> list[tuple]:
        """``GroupSubmitter``'s ``send``: one ``submit_group`` for the items; ``(job, error)`` per item."""
        if self._groups_off:
            raise GroupUnavailable("The server has no group submit.")

        def send(target: str | None) -> list[dict]:
            if target is None:
                raise GroupUnavailable("No batch to submit the group into.")
            return self.client.submit_group(
                target,
                [(item.filename, item.data, item.idempotency_key) for item in items],
                mode=self.mode,
                pages=self.pages,
                priority="bulk",
                tables=self.tables,
            )

        try:
            slots = self._in_open_batch(state, batch_id, send)
        except (NotFound, MethodNotAllowed) as exc:
            self._groups_off = True  # an older server: no group route
            raise GroupUnavailable(f"The server has no group submit: {exc}") from exc
        except InvalidRequest as exc:
            # Refused as a whole (say the group was over a lower upload limit): each file alone gets its own answer.
            raise GroupUnavailable(f"The group was refused: {exc}") from exc
        return [(None, err) if (err := slot_error(slot)) else (slot.get("job"), None) for slot in slots]

    # --- one file -------------------------------------------------------------

    def submit(self, state: BulkState, job: JobRow, rel_path: str, batch_id: str | None) -> JobRow:
        """Submit the file under the job's key; the job row afterwards (``submitted`` or ``rejected``)."""
        # Written before the request: after a crash the same key is sent again and the
        # server answers with the job it already has, so nothing is submitted twice.
        state.mark_submitting(job.idempotency_key)
        source = self.src_dir / rel_path
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ClientError(f"Cannot read {source}: {exc}", code="unreadable") from exc
        if hashlib.sha256(data).hexdigest() != job.sha256:
            # Edited since the scan: its key no longer names this content. The next run rescans it.
            raise ClientError(f"{source} changed while the run was going; run again.", code="file_changed")
        try:
            view = self._submit_file(state, data, batch_id, Path(rel_path).name, job.idempotency_key)
        except InvalidRequest as exc:
            state.mark_rejected(job.idempotency_key, exc.code, exc.message)
            return state.job(job.idempotency_key)
        with self._count_lock:
            self.submitted += 1
        state.mark_submitted(job.idempotency_key, str(view["id"]))
        return state.job(job.idempotency_key)

    def _submit_file(self, state: BulkState, data: bytes, batch_id: str | None, filename: str, key: str) -> dict:
        """The job for this file: in a group when the run has a batch and the server offers group submits,
        else alone (``Client.submit``). Raises the file's typed error either way."""
        if self._grouper is not None and not self._groups_off:
            try:
                return self._grouper.submit(filename, data, key)
            except GroupUnavailable:
                pass

        def send(target: str | None) -> dict:
            return self.client.submit(
                data, batch_id=target, filename=filename, mode=self.mode, pages=self.pages,
                priority="bulk", idempotency_key=key, tables=self.tables,
            )

        return self._in_open_batch(state, batch_id, send)
