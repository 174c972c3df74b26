"""The bulk command: a directory tree of documents in, results mirrored into OUT_DIR, resumable.

One worker thread per in-flight job (``concurrency``) carries one idempotency
key through submit → wait → statistics → downloads, writing each step to the
state file (``client/bulk_state.py``) before moving on, so a restarted run
picks up every key where the last one stopped. The threads' submits go out
together (``client/group_submit.py``: one ``POST /v1/batches/{id}/jobs`` for
the files that arrive within a few milliseconds), their polls too
(``client/job_watch.py``), and their text downloads (``client/result_fetch.py``:
one ``GET /v1/results`` per format for the results asked for together).
"""
from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from client.bulk_state import RETRYABLE_JOB_STATUSES, STATE_FILENAME, BulkState, FileRow, JobRow
from client.errors import BatchClosed, ClientError, InvalidRequest, MethodNotAllowed, NotFound, Unauthorized
from client.group_submit import GroupItem, GroupSubmitter, GroupUnavailable
from client.http_api import Client, slot_error
from client.idempotency import content_key, idempotency_key
from client.job_watch import JobWatcher
from client.result_fetch import ResultFetcher, ResultsUnavailable
from client.manifest import FAILED_STATUSES, MANIFEST_FILENAME, ManifestRow, write_manifest
from client.outputs import copy_atomic, output_path, write_atomic
from client.progress import BulkProgress
from client.source_tree import digest_file, walk_tree

DEFAULT_FORMATS = ("txt", "json")
# How often the watcher reads the jobs in flight (one request for all of them). With 48 jobs in flight the
# server's queue holds seconds of work, so a job's end need not be seen sooner. 1,000 files: at 0.2 s
# (and a full read every 2 s) the API used 9.0 CPU s, PostgreSQL 9.6 and the client 5.7; at 0.5 s (and
# every 5 s) 6.6, 6.3 and 4.5, for a run as fast; 1.0 s saved nothing more.
WATCH_INTERVAL_S = 0.5
DOWNLOADABLE_STATUSES = frozenset({"succeeded", "partial"})
# Formats fetched in groups (GET /v1/results); pdf is binary and stays one download per job.
GROUPED_FORMATS = frozenset({"txt", "json", "hocr", "alto"})


class BulkInterrupted(ClientError):
    code = "interrupted"


@dataclass(frozen=True)
class BulkOptions:
    src_dir: Path
    out_dir: Path
    formats: tuple[str, ...] = DEFAULT_FORMATS
    # With 2 worker processes a 100-file run took 21.3 s at 8 in flight, 35.8 s at 4 (bench.bulk_throughput);
    # with group submits 21.2 s at 8 and 17.6 s at 16 (more files arrive together, so groups are fuller).
    # 48: an archive sorted by name runs through long stretches of born-digital files that take a
    # worker ~40 ms each; at 16 in flight the watch → download → submit loop could not refill the
    # queue that fast and the workers waited (1,000 files: queue empty in 8 % of samples at 16,
    # 1.4-1.7 % at 48 and 64). With the watcher reading every 0.5 s, 48 keeps the queue as full.
    concurrency: int = 48
    mode: str | None = "auto"
    pages: str | None = None
    retry_failed: bool = False
    min_confidence: float = 0.8
    poll_s: float = 1.0
    job_timeout_s: float | None = None
    show_progress: bool = True


@dataclass
class BulkSummary:
    manifest_path: Path
    files: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    jobs: int = 0
    submitted_this_run: int = 0
    downloads_this_run: int = 0
    pages: int = 0
    elapsed_s: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.interrupted and not any(self.by_status.get(s) for s in FAILED_STATUSES)

    def line(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.by_status.items()))
        rate = self.pages / self.elapsed_s if self.elapsed_s > 0 else 0.0
        return (
            f"docpipe bulk: {self.files} files ({counts or 'none'}); {self.jobs} jobs, "
            f"{self.submitted_this_run} submitted and {self.downloads_this_run} results downloaded this run; "
            f"{self.pages} pages; {self.elapsed_s:.1f} s ({rate:.2f} pages/s overall); "
            f"manifest {self.manifest_path}" + (" [interrupted]" if self.interrupted else "")
        )


@dataclass(frozen=True)
class _JobStats:
    status: str
    pages: int | None
    mean_confidence: float | None
    pages_below: int | None
    error_code: str | None
    error_message: str | None


class BulkRunner:
    def __init__(self, client: Client, options: BulkOptions, *, stop: threading.Event | None = None):
        self.client = client
        self.options = options
        self.stop = stop or threading.Event()
        self._counter_lock = threading.Lock()
        self._submitted = 0
        self._downloads = 0
        self._batch_lock = threading.Lock()
        self._batch_replaced: dict[str, str | None] = {}  # a batch closed under this run → the one that replaced it
        self._grouper: GroupSubmitter | None = None
        self._groups_off = False  # the server has no group route: every file alone
        self._fetcher: ResultFetcher | None = None
        self._results_off = False  # the server has no GET /v1/results: every result alone

    # --- the run ------------------------------------------------------------

    def run(self) -> BulkSummary:
        opts = self.options
        started = time.monotonic()
        opts.out_dir.mkdir(parents=True, exist_ok=True)
        state = BulkState(opts.out_dir / STATE_FILENAME)
        try:
            run_id = state.next_run_id()
            self._scan(state, run_id)
            files = state.files_seen(run_id)
            keys = self._plan(state, files)
            if keys:
                self.client.health()  # fail fast with one clear error when the API is unreachable
            batch_id = self._batch_id(state) if keys else None
            pending_paths = {p for key in keys for p in state.paths_for(state.job(key).content_key, run_id)}
            finished_keys = {self._key_of(state, f) for f in files} - {None} - set(keys)
            pages_before = sum(state.job(k).pages or 0 for k in finished_keys)
            progress = BulkProgress(len(files), enabled=opts.show_progress, pages_before=pages_before)
            progress.files_done(len(files) - len(pending_paths))
            interrupted = False
            try:
                self._work(state, run_id, keys, batch_id, progress)
            except KeyboardInterrupt:
                interrupted = True
            finally:
                progress.close()
            summary = self._finish(state, run_id, started)
            summary.interrupted = interrupted or self.stop.is_set()
            if not summary.interrupted and not summary.by_status.get("incomplete"):
                # Every file settled: no more jobs for this batch, so the server may announce it.
                self._close_batch(state)
            return summary
        finally:
            state.close()

    def _scan(self, state: BulkState, run_id: int) -> None:
        """Record every file of the tree; hash only those whose size or mtime changed since last run."""
        opts = self.options
        for src in walk_tree(opts.src_dir, exclude=(opts.out_dir,)):
            known = state.file(src.rel_path)
            if known and known.size == src.size and known.mtime_ns == src.mtime_ns and known.sha256:
                sha256, kind, skip = known.sha256, known.kind, known.skip_reason
            else:
                try:
                    digest = digest_file(src.abs_path)
                except OSError:
                    sha256, kind, skip = None, None, "unreadable"
                else:
                    sha256, kind = digest.sha256, digest.kind
                    skip = None if kind else ("empty_file" if src.size == 0 else "unsupported_type")
            ckey = content_key(sha256, mode=opts.mode, pages=opts.pages) if sha256 and not skip else None
            state.record_file(FileRow(src.rel_path, src.size, src.mtime_ns, sha256, kind, skip, ckey), run_id)

    def _plan(self, state: BulkState, files: list[FileRow]) -> list[str]:
        """The idempotency keys with work left, jobs already on the server first (they hold slots)."""
        order = {"submitted": 0, "submitting": 1, "finished": 2, "done": 3, "pending": 4}
        todo: dict[str, int] = {}
        for row in files:
            if not row.content_key:
                continue
            job = state.current_job(row.content_key)
            if job is None:
                job = state.add_job(idempotency_key(row.content_key, 0), row.content_key, 0, row.sha256)
            elif self.options.retry_failed and _retryable(job):
                attempt = job.attempt + 1
                job = state.add_job(idempotency_key(row.content_key, attempt), row.content_key, attempt, row.sha256)
            if job.state == "rejected":
                continue
            if job.state == "done" and self._outputs_complete(state, job, row.path):
                continue
            todo[job.idempotency_key] = order.get(job.state, 5)
        return sorted(todo, key=lambda k: todo[k])

    def _batch_id(self, state: BulkState) -> str | None:
        """A server batch for this OUT_DIR, only when the server offers ``POST /v1/batches``: the stored one
        while it is open (a resumed run), a new one once a settled run has closed it."""
        known = state.get_meta("batch_id")
        if known and state.get_meta("batch_closed") != known:
            return known
        return self._new_batch(state)

    def _new_batch(self, state: BulkState) -> str | None:
        try:
            batch = self.client.create_batch(self.options.out_dir.resolve().name)
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

    def _close_batch(self, state: BulkState) -> None:
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
                mode=self.options.mode,
                pages=self.options.pages,
                priority="bulk",
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
                data, batch_id=target, filename=filename, mode=self.options.mode, pages=self.options.pages,
                priority="bulk", idempotency_key=key,
            )

        return self._in_open_batch(state, batch_id, send)

    def _work(
        self, state: BulkState, run_id: int, keys: list[str], batch_id: str | None, progress: BulkProgress
    ) -> None:
        # Keys are handed out one at a time so at most `concurrency` jobs are in flight on the server.
        queue = list(reversed(keys))
        self._watcher = JobWatcher(self.client, interval=min(self.options.poll_s, WATCH_INTERVAL_S))
        self._grouper = None
        self._fetcher = ResultFetcher(self._send_results, max_jobs=min(32, self.options.concurrency))
        if batch_id:  # group submits go into a batch; without one every file goes alone
            self._grouper = GroupSubmitter(
                lambda items: self._send_group(state, batch_id, items), max_files=min(32, self.options.concurrency)
            )
        try:
            self._work_keys(state, run_id, queue, batch_id, progress)
        finally:
            if self._grouper is not None:
                self._grouper.close()
            self._fetcher.close()

    def _work_keys(
        self, state: BulkState, run_id: int, queue: list[str], batch_id: str | None, progress: BulkProgress
    ) -> None:
        with self._watcher, ThreadPoolExecutor(max_workers=max(1, self.options.concurrency)) as pool:
            running: set[Future] = set()
            try:
                while queue or running:
                    while queue and len(running) < self.options.concurrency and not self.stop.is_set():
                        key = queue.pop()
                        running.add(pool.submit(self._process, state, run_id, key, batch_id, progress))
                    if not running:
                        break
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        fut.result()
            except BaseException:
                self.stop.set()
                raise

    # --- one key ------------------------------------------------------------

    def _process(self, state: BulkState, run_id: int, key: str, batch_id: str | None, progress: BulkProgress) -> None:
        job = state.job(key)
        paths = state.paths_for(job.content_key, run_id)
        try:
            if job.state in ("pending", "submitting"):
                job = self._submit(state, job, paths[0], batch_id)
            if job.state == "submitted":
                job = self._await(state, job, progress)
            if job.state in ("finished", "done"):
                if job.job_status in DOWNLOADABLE_STATUSES:
                    try:
                        self._write_outputs(state, job, paths)
                    except NotFound:
                        # Deleted on the server before every format was fetched: record it as
                        # failed so --retry-failed can submit the file again.
                        self._mark_lost(state, job)
                state.mark_done(key)
        except BulkInterrupted:
            return
        except Unauthorized:
            raise  # every other key would fail the same way: stop the run
        except ClientError as exc:
            # Transient (API unreachable, still busy after retries, a format refused): keep the
            # state as it is so the next run resumes here; the manifest says "incomplete".
            state.set_error(key, exc.code, str(exc))
        progress.files_done(len(paths))

    def _submit(self, state: BulkState, job: JobRow, rel_path: str, batch_id: str | None) -> JobRow:
        # Written before the request: after a crash the same key is sent again and the
        # server answers with the job it already has, so nothing is submitted twice.
        state.mark_submitting(job.idempotency_key)
        source = self.options.src_dir / rel_path
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
        with self._counter_lock:
            self._submitted += 1
        state.mark_submitted(job.idempotency_key, str(view["id"]))
        return state.job(job.idempotency_key)

    def _await(self, state: BulkState, job: JobRow, progress: BulkProgress) -> JobRow:
        seen = {"pages": 0}

        def on_update(view: dict) -> None:
            if self.stop.is_set():
                raise BulkInterrupted("Stopped while waiting; the job keeps running on the server.")
            done = _pages_settled(view)
            progress.pages_done(done - seen["pages"])
            seen["pages"] = max(seen["pages"], done)

        try:
            view = self._watcher.wait(
                job.job_id, timeout=self.options.job_timeout_s, poll=self.options.poll_s, on_update=on_update
            )
        except NotFound:
            # The job was deleted on the server; --retry-failed submits it again under a new key.
            self._mark_lost(state, job)
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

    @staticmethod
    def _mark_lost(state: BulkState, job: JobRow) -> None:
        state.mark_finished(
            job.idempotency_key,
            job_status="failed",
            pages=job.pages,
            mean_confidence=job.mean_confidence,
            pages_below=job.pages_below,
            error_code="job_not_found",
            error_message=f"Job {job.job_id} no longer exists on the server.",
        )

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
            pages = () if lowest is not None and lowest >= self.options.min_confidence else self.client.pages(view["id"])
            for page in pages:
                confidence = page.get("confidence")
                if page.get("status") == "succeeded" and confidence is not None:
                    below += confidence < self.options.min_confidence
                elif page.get("status") == "failed" and not error_code:
                    error_code, error_message = _error_of(page.get("error"))
        return _JobStats(status, pages_total, view.get("confidence"), below, error_code, error_message)

    def _write_outputs(self, state: BulkState, job: JobRow, paths: list[str]) -> None:
        """Each format downloaded at most once per key; duplicates get a local copy."""
        out_dir = self.options.out_dir
        first_error: ClientError | None = None
        for fmt in self.options.formats:
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
            with self._counter_lock:
                self._downloads += 1
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
        if fmt in GROUPED_FORMATS and self._fetcher is not None and not self._results_off:
            try:
                return self._fetcher.fetch(job_id, fmt)
            except NotFound:
                raise  # only a slot's: the job is gone (a whole-request 404 arrives as ResultsUnavailable)
            except ClientError:
                pass  # no route, not finished, refused or unreachable as a group: the single download decides
        return self.client.result(job_id, fmt)

    # --- the end ------------------------------------------------------------

    def _outputs_complete(self, state: BulkState, job: JobRow, path: str) -> bool:
        if job.job_status not in DOWNLOADABLE_STATUSES:
            return True
        return all(state.output_written(path, fmt, job.idempotency_key) for fmt in self.options.formats)

    @staticmethod
    def _key_of(state: BulkState, row: FileRow) -> str | None:
        if not row.content_key:
            return None
        job = state.current_job(row.content_key)
        return job.idempotency_key if job else None

    def _manifest_row(self, state: BulkState, row: FileRow) -> ManifestRow:
        if row.skip_reason:
            return ManifestRow(row.path, row.sha256, None, "skipped", None, None, None, row.skip_reason)
        job = state.current_job(row.content_key)
        if job is None:
            return ManifestRow(row.path, row.sha256, None, "incomplete", None, None, None, None)
        if job.state == "rejected":
            status = "failed"
        elif job.state == "done" and self._outputs_complete(state, job, row.path):
            status = job.job_status or "failed"
        else:
            status = "incomplete"
        return ManifestRow(
            row.path,
            row.sha256,
            job.job_id,
            status,
            job.pages,
            job.mean_confidence,
            job.pages_below,
            job.error_code,
        )

    def _finish(self, state: BulkState, run_id: int, started: float) -> BulkSummary:
        files = state.files_seen(run_id)
        rows = [self._manifest_row(state, f) for f in files]
        manifest_path = self.options.out_dir / MANIFEST_FILENAME
        write_manifest(manifest_path, rows)
        summary = BulkSummary(manifest_path=manifest_path, files=len(rows))
        for r in rows:
            summary.by_status[r.status] = summary.by_status.get(r.status, 0) + 1
        keys = {self._key_of(state, f) for f in files} - {None}
        summary.jobs = len({state.job(k).job_id for k in keys if state.job(k).job_id})
        summary.pages = sum(state.job(k).pages or 0 for k in keys)
        summary.submitted_this_run = self._submitted
        summary.downloads_this_run = self._downloads
        summary.elapsed_s = time.monotonic() - started
        return summary


def _retryable(job: JobRow) -> bool:
    if job.state == "rejected":
        return True
    return job.state in ("finished", "done") and job.job_status in RETRYABLE_JOB_STATUSES


def _pages_settled(view: dict) -> int:
    progress = view.get("progress") or {}
    return int(progress.get("pages_done") or 0) + int(progress.get("pages_failed") or 0)


def _error_of(error) -> tuple[str | None, str | None]:
    if isinstance(error, dict):
        return error.get("code"), error.get("message")
    if isinstance(error, str) and error:
        return error, error
    return None, None
