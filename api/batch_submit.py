"""Group submits (``POST /v1/batches/{id}/jobs``): many files in one request, each its own job.

Each file keeps everything a single ``POST /v1/jobs`` gives it (its own job,
idempotency key, result reuse), but the server's work is done once per group:
one query for the keys already used, one transaction that locks the batch and
inserts every new job and document with multi-row INSERTs, a broker message
(``split_documents``) per few new documents, and a small job object built
from memory instead of a job view (four queries) per job.

A file that fails its checks gets an error in its slot; the others are still
created. The route itself is in api/batches.py.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from flask import url_for
from sqlalchemy.exc import IntegrityError

from api.callback_policy import require_signable_callback
from api.errors import ApiError, InvalidOption, NotFound
from api.stored_files import delete_blobs, store_document
from api.submission import RawFile, check_file, clean_idempotency_key, parse_options, read_files
from db import batch_repository
from db.jobs import NewJob
from db.clock import isoformat
from workers.queues import BrokerUnavailable

log = logging.getLogger(__name__)

KEYS_FIELD = "idempotency_keys"


@dataclass
class Slot:
    """One file of the group and what became of it."""

    index: int
    raw: RawFile
    key: str | None
    job: batch_repository.JobSummary | None = None
    created: bool = False
    error: ApiError | None = None
    spec: NewJob | None = None


def read_keys(fields: dict, raw: list[RawFile]) -> list[str | None]:
    """One key (or None) per file: the form field ``idempotency_keys`` (a JSON array, in file order),
    or the JSON body's per-file ``idempotency_key``. Keys follow the ``Idempotency-Key`` rule and are distinct."""
    listed = fields.pop(KEYS_FIELD, None)
    if listed is not None:
        if isinstance(listed, str):
            try:
                listed = json.loads(listed)
            except ValueError:
                raise InvalidOption(f"{KEYS_FIELD} must be a JSON array of strings", details={"field": KEYS_FIELD}) from None
        if not isinstance(listed, list) or len(listed) != len(raw):
            raise InvalidOption(
                f"{KEYS_FIELD} must be a JSON array with one key (or null) per file: {len(raw)} entries",
                details={"field": KEYS_FIELD, "files": len(raw)},
            )
        values = listed
    else:
        values = [f.idempotency_key for f in raw]
    keys = [None if v is None else clean_idempotency_key(v, f"{KEYS_FIELD}[{i}]") for i, v in enumerate(values)]
    named = [k for k in keys if k is not None]
    if len(set(named)) != len(named):
        raise InvalidOption(f"{KEYS_FIELD} must be distinct within one request", details={"field": KEYS_FIELD})
    return keys


def submit_group(svc, tenant_id: str, batch_id: str) -> list[Slot]:
    """Read, check, store and enqueue a group for the caller's batch ``batch_id``; the slots, in file order.

    Whole-request errors raise before anything is stored: ``ApiError`` for the input, ``NotFound`` for
    another tenant's batch, ``batch_repository.BatchClosed`` for a closed batch when some file names no
    existing job (as on ``POST /v1/jobs``, a key already used answers its job whatever the batch's state).
    """
    fields, raw = read_files(svc.settings)
    slots = [Slot(i, f, k) for i, (f, k) in enumerate(zip(raw, read_keys(fields, raw)))]
    fields.pop("batch_id", None)  # the URL names the batch
    options = parse_options(fields, default_priority="bulk")

    with svc.database.session() as s:
        batch = batch_repository.get_batch(s, tenant_id, batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}", details={"batch_id": batch_id})
        existing = batch_repository.jobs_by_idempotency_keys(s, tenant_id, [sl.key for sl in slots if sl.key])
        new = [sl for sl in slots if sl.key not in existing]
        if new and batch_repository.is_closed(batch):
            raise batch_repository.BatchClosed(batch_id)
        if new and options.callback_url:
            require_signable_callback(s, tenant_id, options.callback_url, svc.settings)
    for sl in slots:
        sl.job = existing.get(sl.key)

    documents = []  # every blob written, for the cleanup
    try:
        for sl in new:
            try:
                checked = check_file(sl.raw.filename, sl.raw.data, sl.index, options, svc.settings)
            except ApiError as exc:
                sl.error = exc
                continue
            document = store_document(svc.blobs, checked)
            documents.append(document)
            sl.spec = NewJob(
                mode=options.mode, pages_spec=options.pages, priority=options.priority, dpi=svc.settings.dpi,
                external_ref=options.external_ref, callback_url=options.callback_url, idempotency_key=sl.key,
                documents=[document],
            )
        to_create = [sl for sl in new if sl.spec is not None]
        if to_create:
            _create(svc, tenant_id, batch_id, to_create)
    except BaseException:
        delete_blobs(svc.blobs, [d.blob_key for d in documents])
        raise
    lost = [sl.spec.documents[0].blob_key for sl in to_create if not sl.created]
    delete_blobs(svc.blobs, lost)  # keys a concurrent request took first: their jobs answer
    _enqueue(svc, [sl.spec.documents[0].id for sl in to_create if sl.created], options.priority)
    return slots


def _create(svc, tenant_id: str, batch_id: str, slots: list[Slot]) -> None:
    specs = [sl.spec for sl in slots]
    try:
        with svc.database.session() as s:
            summaries = batch_repository.insert_batch_jobs(s, tenant_id, batch_id, specs)
        results = [(summary, True) for summary in summaries]
    except IntegrityError:
        # A key was taken by a concurrent request after our look-up: one by one, each lost key
        # answers the winner's job (and its blob is deleted by the caller).
        log.info("group submit into batch %s raced on an idempotency key; creating one by one", batch_id)
        with svc.database.session() as s:
            results = batch_repository.create_batch_jobs_one_by_one(s, tenant_id, batch_id, specs)
    for sl, (summary, created) in zip(slots, results):
        sl.job, sl.created = summary, created


# Documents per split_documents message. One message per group would keep a single worker
# process reading a big group while the others wait (seen at the start of a bulk run: one
# core busy for the first seconds); a few messages spread the group over the pool.
SPLIT_MESSAGE_DOCUMENTS = 4


def _enqueue(svc, document_ids: list[str], priority: str) -> None:
    """``split_documents`` messages for the whole group, a few documents each. The rows are committed
    (counted as enqueued): if the broker is down now, the sweeper offers them again later."""
    sent = 0
    try:
        for start in range(0, len(document_ids), SPLIT_MESSAGE_DOCUMENTS):
            svc.enqueuer.split_documents(document_ids[start:start + SPLIT_MESSAGE_DOCUMENTS], priority)
            sent += 1
    except BrokerUnavailable as exc:
        log.warning("broker unavailable, %d documents left for the sweeper: %s",
                    len(document_ids) - sent * SPLIT_MESSAGE_DOCUMENTS, exc)


def job_object(job: batch_repository.JobSummary) -> dict:
    return {
        "id": job.id,
        "status": job.status,
        "batch_id": job.batch_id,
        "reused_from": job.reused_from,
        "created_at": isoformat(job.created_at),
        "links": {
            "self": url_for("jobs.get_job", job_id=job.id),
            "pages": url_for("jobs.list_pages", job_id=job.id),
            "result": url_for("exports.get_result", job_id=job.id),
        },
    }


def slot_view(slot: Slot) -> dict:
    """``{index, created, job}``, or ``{index, status, error}`` with the status a single submit of
    the file would have got."""
    if slot.error is not None:
        e = slot.error
        details = e.detail if isinstance(e.detail, dict) else {}
        return {"index": slot.index, "status": e.status_code, "error": {"code": e.code, "message": e.message, "details": details}}
    return {"index": slot.index, "created": slot.created, "job": job_object(slot.job)}
