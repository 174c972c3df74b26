"""Runs the pipeline for jobs: the only module that calls both ``pipeline`` and ``db``.

It claims, runs, stores and finalizes; it knows nothing of Celery (the tasks
hand it ids and publish whatever it says must be enqueued next). Pipeline
failures are translated to page outcomes here, by type:

* ``PipelineError`` — the input itself is the problem (a page too large, a
  broken page): retrying cannot help, the page fails with the error's code;
  except ``inference_failed`` (the runtime, maybe transient), retried;
* a timeout or any other exception — maybe transient: the page goes back to
  the queue while attempts remain, then fails (``timeout`` / ``internal_error``).
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from enum import StrEnum

from db.finalize import finalize_jobs
from db.jobs import mark_enqueued
from db.pages import (
    ClaimedPage, SplitItem, claim_page, document_works, fail_document, fail_exhausted_page, fail_page, release_page,
    split_documents, store_page_result,
)
from db.blobs import BlobNotFound, blob_store
from db.session import Database
from db.states import DocumentStatus, JobStatus
from workers import extraction, result_reuse
from pipeline import (Engine, EngineConfig, Limits, Options, PipelineError, SecondOpinionSettings, open_document,
                      read_text_layer)

log = logging.getLogger(__name__)

# Pipeline errors worth another attempt (the runtime failing, not the input being bad).
RETRYABLE_CODES = frozenset({"inference_failed"})


@dataclass(frozen=True)
class SplitOutcome:
    priority: str
    page_ids: list[str]


@dataclass(frozen=True)
class GroupOutcome:
    pages: list[SplitOutcome]  # page tasks to publish
    rest: list[str]  # documents not reached within the read budget: to publish as a new group
    priority: str = "interactive"


class PageTaskStatus(StrEnum):
    """What became of one page task (``retry``: given back to the queue, to publish again)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    RETRY = "retry"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class PageOutcome:
    status: PageTaskStatus
    priority: str = "interactive"
    job_status: str | None = None  # the job's terminal state if this page ended the job


class JobRunner:
    """One per worker process: owns the process's engine, database pool and blob store."""

    _by_process: dict[int, "JobRunner"] = {}

    def __init__(self, settings, *, timeout_errors: tuple[type[BaseException], ...] = ()):
        self.settings = settings
        self.database = Database.for_url(settings.database_url)
        self.blobs = blob_store(settings, self.database)
        self.limits = Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
        self.timeout_errors = timeout_errors
        self._engine: Engine | None = None
        self._cached_blob: tuple[str, bytes] | None = None

    @classmethod
    def for_process(cls, settings, **kwargs) -> "JobRunner":
        # Built once per worker process, after the fork: ONNX sessions and pools never cross one.
        pid = os.getpid()
        if pid not in cls._by_process:
            cls._by_process = {pid: cls(settings, **kwargs)}
        return cls._by_process[pid]

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(EngineConfig(
                models_dir=self.settings.models_dir, threads=self.settings.ocr_threads,
                second_opinion=SecondOpinionSettings.at(self.settings.second_opinion_below),
                recognizer_model=self.settings.recognizer_model,
            ))
        return self._engine

    def _blob(self, key: str) -> bytes:
        # Consecutive pages of one document usually reach the same process: keep the last file.
        if self._cached_blob is None or self._cached_blob[0] != key:
            self._cached_blob = (key, self.blobs.get(key))
        return self._cached_blob[1]

    # ------------------------------------------------------------ split

    def split(self, document_id: str, worker: str = "") -> SplitOutcome | None:
        """Create the document's page rows; returns the pages to enqueue (None if nothing to do)."""
        pages = self.split_many([document_id], worker).pages  # a group of one: never any rest
        return pages[0] if pages else None

    def split_many(self, document_ids: list[str], worker: str = "") -> GroupOutcome:
        """Split several documents (one message of a group submit); returns the pages to enqueue.

        Per group, not per document: one transaction reads the work, one looks
        for earlier identical jobs, and one stores every page read here and
        ends the jobs with nothing left to OCR. Only opening and reading the
        files is done one by one, within one read budget for the whole group:
        the documents not reached by then come back as ``rest``, for another
        message that any worker may take, so a big group never keeps one
        process busy while the other has nothing to do.
        """
        with self.database.session() as s:
            works = document_works(s, document_ids)
        todo, again = [], []
        for document_id in dict.fromkeys(document_ids):  # in order, each once
            work = works.get(document_id)
            if work is None or work.job_status not in JobStatus.ACTIVE:
                continue
            # Not queued: already split (a duplicate delivery); its waiting pages are offered again below.
            (todo if work.status == DocumentStatus.QUEUED else again).append(work)
        answered = result_reuse.answer_from_earlier_jobs(self.database, self, todo)
        items, failed, rest = [], [], []
        deadline = time.monotonic() + self.settings.split_read_budget
        for work in todo:
            if work.document_id in answered:
                continue  # every page copied from an identical finished job: nothing to OCR
            if (items or failed) and self.settings.split_read_budget > 0 and time.monotonic() > deadline:
                rest.append(work.document_id)
                continue
            try:
                # decode=False: a scan's pixels are decoded once, by its page task.
                with open_document(self._blob(work.blob_key), self.limits, decode=False) as doc:
                    numbers = list(doc.select(work.pages_spec))
                    read, cpu = self._read_text_layers(doc, numbers, work, deadline)
                    items.append(SplitItem(work, numbers, read, cpu))
            except (PipelineError, BlobNotFound, ValueError) as exc:
                failed.append((work, getattr(exc, "code", "corrupt_file"), str(exc)))
        items += [SplitItem(work, []) for work in again]
        with self.database.session() as s:
            ended = [job_id for work, code, message in failed
                     if (job_id := fail_document(s, work.document_id, code, message))]
            queued = split_documents(s, items, worker=worker)
            # A one-document job whose pages were all read here ends in this same transaction:
            # no other split or page of it can be running. Jobs of several documents are
            # finalized after the commit, so the last of their splits sees the others' pages.
            done = [i.work for i in items if i.read and not queued.get(i.work.document_id)]
            here = ended + [w.job_id for w in done if w.job_documents == 1]
            finished = finalize_jobs(s, here)
        # Jobs that ask for fields (db/fields.py) wait for them: they end in finish_jobs, after this commit.
        later = [j for j in here if j not in finished] + [w.job_id for w in done if w.job_documents > 1]
        if later:
            self.finish_jobs(later)
        pages = [SplitOutcome(i.work.priority, queued[i.work.document_id])
                 for i in items if queued.get(i.work.document_id)]
        return GroupOutcome(pages, rest, todo[0].priority if todo else "interactive")

    def _read_text_layers(self, doc, numbers: list[int], work, deadline: float) -> tuple[dict[int, dict], dict[int, float]]:
        """The pages that need no OCR, read here while the file is open, until ``deadline``; with the CPU
        seconds of each read.

        A born-digital page takes a few ms; as a page task of its own it would cost
        more than that in broker, claim and commit. Past the budget the rest go out as
        page tasks, so a long born-digital file is still shared among the workers. Any
        error leaves the page to its own task, which has the attempts and error codes.
        """
        read, cpu = {}, {}
        options = Options(mode=work.mode, dpi=work.dpi, tables=bool(work.tables))
        for no in numbers:
            if time.monotonic() > deadline:
                break
            started = time.process_time()
            try:
                result = read_text_layer(doc, no, options)
            except Exception:  # noqa: BLE001 - the page's own task will report it properly
                log.debug("page %s of document %s left to its task", no, work.document_id, exc_info=True)
                continue
            if result is not None:
                cpu[no] = time.process_time() - started
                read[no] = result.to_dict()
        return read, cpu

    def mark_enqueued(self, *, document_ids=(), page_ids=()) -> None:
        with self.database.session() as s:
            mark_enqueued(s, document_ids=document_ids, page_ids=page_ids)

    # ------------------------------------------------------------ one page

    def run_page(self, page_id: str, worker: str) -> PageOutcome:
        with self.database.session() as s:
            claim = claim_page(
                s,
                page_id,
                worker=worker,
                lease_seconds=self.settings.lease_seconds,
                max_attempts=self.settings.page_max_attempts,
            )
            # Done already, held by a live lease (a duplicate message), or its last
            # attempt's worker died: then it ends here as worker_lost.
            lost_job = None if claim is not None else fail_exhausted_page(s, page_id, self.settings.page_max_attempts)
        if claim is None:
            final = self._finalize(lost_job) if lost_job else None
            return PageOutcome(PageTaskStatus.SKIPPED if lost_job is None else PageTaskStatus.FAILED, job_status=final)
        priority = claim.priority

        try:
            result, cpu = self._process(claim)
        except PipelineError as exc:
            if self._caused_by_timeout(exc):
                return self._retry_or_fail(claim, priority, "timeout", "the page took longer than the page time limit")
            if exc.code in RETRYABLE_CODES:
                return self._retry_or_fail(claim, priority, exc.code, exc.message)
            return self._fail(claim, priority, exc.code, exc.message)
        except BlobNotFound:
            return self._fail(claim, priority, "blob_missing", "the uploaded file is gone (the job was deleted?)")
        except self.timeout_errors:
            return self._retry_or_fail(claim, priority, "timeout", "the page took longer than the page time limit")
        except Exception as exc:  # noqa: BLE001 - anything else may be transient: retry, then fail
            log.exception("page %s attempt %s failed", page_id, claim.attempt)
            return self._retry_or_fail(claim, priority, "internal_error", f"{type(exc).__name__}: {exc}")

        with self.database.session() as s:
            stored = store_page_result(s, claim, result, pipeline_cpu_s=cpu)
        if not stored:
            return PageOutcome(PageTaskStatus.SKIPPED, priority)  # canceled or superseded meanwhile
        return PageOutcome(PageTaskStatus.SUCCEEDED, priority, self._finalize(claim.job_id, claim.extract is not None))

    def _caused_by_timeout(self, exc: BaseException) -> bool:
        # The engine wraps whatever interrupts inference (our soft time limit too) in InferenceError.
        seen = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            if self.timeout_errors and isinstance(exc, self.timeout_errors):
                return True
            exc = exc.__cause__ or exc.__context__
        return False

    def _process(self, claim: ClaimedPage) -> tuple[dict, float]:
        """The page's result, and the CPU seconds spent in the pipeline (opening the file and reading the page).

        Process CPU, not thread CPU: ONNX Runtime's own threads (``ocr_threads`` > 1) work for the page too,
        and a pool process runs nothing else meanwhile. What is left of a run's CPU is the service's."""
        options = Options(mode=claim.mode, dpi=claim.dpi, tables=claim.tables)
        data, engine = self._blob(claim.blob_key), self.engine  # the file fetch and a first engine build: not the page's
        started = time.process_time()
        with open_document(data, self.limits) as doc:  # opening costs ~1 ms
            result = engine.process_page(doc, claim.page_no, options)
        cpu = time.process_time() - started
        return result.to_dict(), cpu

    def _finalize(self, job_id: str, fields: bool = True) -> str | None:
        return self.finish_jobs([job_id], fields=fields).get(job_id)

    def finish_jobs(self, job_ids: list[str], *, fields: bool = True) -> dict[str, str]:
        """Read the fields of the jobs' completed documents (when asked for), then end the jobs whose pages
        have all ended; returns job id → terminal state for the jobs this call ended. ``fields=False``:
        the caller knows that none of the jobs asked for fields (a transaction and a query less a page)."""
        # Separate transactions, after the page's own commit, so the last
        # finisher always sees every other page's committed state.
        if fields:
            extraction.read_pending(self.database, self._blob, job_ids)
        with self.database.session() as s:
            return finalize_jobs(s, job_ids, fields_asked=fields)

    def _fail(self, claim, priority: str, code: str, message: str) -> PageOutcome:
        with self.database.session() as s:
            failed = fail_page(s, claim, code, message)
        if not failed:
            return PageOutcome(PageTaskStatus.SKIPPED, priority)
        return PageOutcome(PageTaskStatus.FAILED, priority, self._finalize(claim.job_id, claim.extract is not None))

    def _retry_or_fail(self, claim, priority: str, code: str, message: str) -> PageOutcome:
        if claim.attempt >= self.settings.page_max_attempts:
            return self._fail(claim, priority, code, message)
        with self.database.session() as s:
            released = release_page(s, claim, code, message)
        return PageOutcome(PageTaskStatus.RETRY if released else PageTaskStatus.SKIPPED, priority)
