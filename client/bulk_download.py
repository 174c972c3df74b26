"""The bulk command's results: each finished job's formats downloaded once and written into OUT_DIR.

Text formats are fetched together (``client/result_fetch.py``: one
``GET /v1/results`` per format for the results asked for together); pdf, and
any result the group cannot answer for, comes by its own download. Every file
lands atomically and is recorded in the state file right after, so a restarted
run downloads nothing twice; a duplicate file gets a local copy.
"""
from __future__ import annotations

import threading
from pathlib import Path

from client.bulk_state import BulkState, JobRow
from client.errors import BulkInterrupted, ClientError, MethodNotAllowed, NotFound
from client.http_api import Client
from client.outputs import copy_atomic, output_path, write_atomic
from client.result_fetch import ResultFetcher, ResultsUnavailable

# Formats fetched in groups (GET /v1/results); pdf and pdfa are large and binary and stay one download per
# job (a job's tables.csv and tables.xlsx are small: base64 in the group's JSON costs little).
GROUPED_FORMATS = frozenset({"txt", "json", "hocr", "alto", "md", "tables.json", "tables.csv", "tables.xlsx",
                             "tables.html"})
GROUP_MAX_JOBS = 32
FIELDS = "fields"  # not a result format: the job's invoice fields, written like one (--extract invoice)


class ResultWriter:
    def __init__(
        self, client: Client, *, out_dir: Path, formats: tuple[str, ...], concurrency: int, stop: threading.Event
    ):
        self.client = client
        self.out_dir = out_dir
        self.formats = formats
        self.stop = stop
        self.downloads = 0  # results downloaded (a copy for a duplicate file is no download)
        self._count_lock = threading.Lock()
        self._results_off = False  # the server has no GET /v1/results: every result alone
        self.fetcher = ResultFetcher(self._send_results, max_jobs=min(GROUP_MAX_JOBS, concurrency))

    def close(self) -> None:
        self.fetcher.close()

    def write(self, state: BulkState, job: JobRow, paths: list[str]) -> None:
        """Each format downloaded at most once per key; duplicates get a local copy."""
        out_dir = self.out_dir
        first_error: ClientError | None = None
        for fmt in self.formats:
            missing = [p for p in paths if not state.output_written(p, fmt, job.idempotency_key)]
            if not missing:
                continue
            have = [
                p for p in state.written_paths(fmt, job.idempotency_key) if output_path(out_dir, p, fmt).is_file()
            ]
            if have:
                source = output_path(out_dir, have[0], fmt)
                for path in missing:
                    copy_atomic(source, output_path(out_dir, path, fmt))
                    state.record_output(path, fmt, job.idempotency_key)
                continue
            if self.stop.is_set():
                raise BulkInterrupted("Stopped before downloading.")
            try:
                data = self._download(job.job_id, fmt)
            except ClientError as exc:
                first_error = first_error or exc
                continue
            with self._count_lock:
                self.downloads += 1
            first = output_path(out_dir, missing[0], fmt)
            write_atomic(first, data)
            state.record_output(missing[0], fmt, job.idempotency_key)
            for path in missing[1:]:
                copy_atomic(first, output_path(out_dir, path, fmt))
                state.record_output(path, fmt, job.idempotency_key)
        if first_error is not None:
            raise first_error

    def _send_results(self, job_ids: list[str], fmt: str) -> dict:
        """``ResultFetcher``'s ``send``: one ``Client.results``; a server without the route turns grouping off."""
        if self._results_off:
            raise ResultsUnavailable("The server has no GET /v1/results.")
        try:
            return self.client.results(job_ids, fmt)
        except (NotFound, MethodNotAllowed) as exc:  # the request itself, not a slot: an older server
            self._results_off = True
            raise ResultsUnavailable(f"The server has no GET /v1/results: {exc}") from exc

    def _download(self, job_id: str, fmt: str) -> bytes:
        """The job's result: fetched in a group for text formats, else (and whenever the group cannot answer
        for it) ``Client.result``. A ``NotFound`` slot is definitive, as the single download's would be."""
        if fmt == FIELDS:
            return self.client.fields(job_id)
        if fmt in GROUPED_FORMATS and not self._results_off:
            try:
                return self.fetcher.fetch(job_id, fmt)
            except NotFound:
                raise  # only a slot's: the job is gone (a whole-request 404 arrives as ResultsUnavailable)
            except ClientError:
                pass  # no route, not finished, refused or unreachable as a group: the single download decides
        return self.client.result(job_id, fmt)
