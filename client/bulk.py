"""The bulk command: a directory tree of documents in, results mirrored into OUT_DIR, resumable.

One worker thread per in-flight job (``concurrency``) carries one idempotency
key through submit → wait → statistics → downloads, writing each step to the
state file (``client/bulk_state.py``) before moving on, so a restarted run
picks up every key where the last one stopped. Its parts: the walk of the tree
and the plan (``bulk_scan``), submitting (``bulk_submit``), waiting
(``bulk_watch``) and writing the results (``bulk_download``); this module runs
them and writes the manifest.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from client.bulk_download import ResultWriter
from client.bulk_scan import current_key, outputs_complete, plan_keys, scan_tree
from client.bulk_state import DOWNLOADABLE_STATUSES, STATE_FILENAME, BulkState, FileRow
from client.bulk_submit import BulkSubmitter
from client.bulk_watch import JobAwaiter
from client.errors import BulkInterrupted, ClientError, NotFound, Unauthorized
from client.http_api import Client
from client.manifest import FAILED_STATUSES, MANIFEST_FILENAME, ManifestRow, write_manifest
from client.progress import BulkProgress

DEFAULT_FORMATS = ("txt", "json")
TABLES_PREFIX = "tables."


@dataclass(frozen=True)
class BulkOptions:
    src_dir: Path
    out_dir: Path
    formats: tuple[str, ...] = DEFAULT_FORMATS
    # Enough jobs in flight that the server's queue never runs dry: an archive sorted by name runs
    # through long stretches of born-digital files a worker reads in milliseconds, and with fewer in
    # flight the watch → download → submit loop could not refill the queue that fast
    # (bench/BULK_RESULTS.md: "Jobs in flight" and session 4).
    concurrency: int = 48
    mode: str | None = "auto"
    pages: str | None = None
    retry_failed: bool = False
    min_confidence: float = 0.8
    poll_s: float = 1.0
    job_timeout_s: float | None = None
    show_progress: bool = True

    @property
    def tables(self) -> bool:
        """A tables.* format asks the server to find tables (submit option tables=true)."""
        return any(f.startswith(TABLES_PREFIX) for f in self.formats)


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


class BulkRunner:
    def __init__(self, client: Client, options: BulkOptions, *, stop: threading.Event | None = None):
        self.client = client
        self.options = options
        self.stop = stop or threading.Event()
        self.submitter = BulkSubmitter(
            client, src_dir=options.src_dir, out_dir=options.out_dir, mode=options.mode, pages=options.pages,
            tables=options.tables,
        )
        self.writer: ResultWriter | None = None  # one per run, made when the run starts its keys
        self._awaiter: JobAwaiter | None = None

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
            keys = plan_keys(state, files, formats=opts.formats, retry_failed=opts.retry_failed)
            if keys:
                self.client.health()  # fail fast with one clear error when the API is unreachable
            batch_id = self.submitter.batch_id(state) if keys else None
            pending_paths = {p for key in keys for p in state.paths_for(state.job(key).content_key, run_id)}
            finished_keys = {current_key(state, f) for f in files} - {None} - set(keys)
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
                self.submitter.close_batch(state)
            return summary
        finally:
            state.close()

    def _scan(self, state: BulkState, run_id: int) -> None:
        opts = self.options
        scan_tree(state, run_id, opts.src_dir, out_dir=opts.out_dir, mode=opts.mode, pages=opts.pages, tables=opts.tables)

    def _work(
        self, state: BulkState, run_id: int, keys: list[str], batch_id: str | None, progress: BulkProgress
    ) -> None:
        # Keys are handed out one at a time so at most `concurrency` jobs are in flight on the server.
        opts = self.options
        queue = list(reversed(keys))
        self._awaiter = JobAwaiter(
            self.client, poll_s=opts.poll_s, job_timeout_s=opts.job_timeout_s,
            min_confidence=opts.min_confidence, stop=self.stop,
        )
        self.writer = ResultWriter(
            self.client, out_dir=opts.out_dir, formats=opts.formats, concurrency=opts.concurrency, stop=self.stop
        )
        self.submitter.open_groups(state, batch_id, opts.concurrency)
        try:
            self._work_keys(state, run_id, queue, batch_id, progress)
        finally:
            self.submitter.close_groups()
            self.writer.close()

    def _work_keys(
        self, state: BulkState, run_id: int, queue: list[str], batch_id: str | None, progress: BulkProgress
    ) -> None:
        with self._awaiter, ThreadPoolExecutor(max_workers=max(1, self.options.concurrency)) as pool:
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
                job = self.submitter.submit(state, job, paths[0], batch_id)
            if job.state == "submitted":
                job = self._awaiter.wait(state, job, progress)
            if job.state in ("finished", "done"):
                if job.job_status in DOWNLOADABLE_STATUSES:
                    try:
                        self.writer.write(state, job, paths)
                    except NotFound:
                        # Deleted on the server before every format was fetched: record it as
                        # failed so --retry-failed can submit the file again.
                        state.mark_lost(job)
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

    # --- the end ------------------------------------------------------------

    def _manifest_row(self, state: BulkState, row: FileRow) -> ManifestRow:
        if row.skip_reason:
            return ManifestRow(row.path, row.sha256, None, "skipped", None, None, None, row.skip_reason)
        job = state.current_job(row.content_key)
        if job is None:
            return ManifestRow(row.path, row.sha256, None, "incomplete", None, None, None, None)
        if job.state == "rejected":
            status = "failed"
        elif job.state == "done" and outputs_complete(state, job, row.path, self.options.formats):
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
        keys = {current_key(state, f) for f in files} - {None}
        summary.jobs = len({state.job(k).job_id for k in keys if state.job(k).job_id})
        summary.pages = sum(state.job(k).pages or 0 for k in keys)
        summary.submitted_this_run = self.submitter.submitted
        summary.downloads_this_run = self.writer.downloads if self.writer is not None else 0
        summary.elapsed_s = time.monotonic() - started
        return summary
