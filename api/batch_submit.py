"""Group submits (``POST /v1/batches/{id}/jobs``): many files in one request, each its own job.

Each file keeps everything a single ``POST /v1/jobs`` gives it (its own job,
idempotency key, result reuse), and both go through the same creation
(api/job_creation.py): one query for the keys already used, one transaction
that locks the batch and inserts every new job and document with multi-row
INSERTs, a broker message (``split_documents``) per few new documents. The
answer is a small job object built from memory instead of a job view (four
queries) per job.

A file that fails its checks gets an error in its slot; the others are still
created. The route itself is in api/batches.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import url_for

from api.batch_schemas import GroupOptions
from api.callback_policy import require_signable_callback
from api.errors import ApiError, InvalidOption, NotFound
from api.job_creation import create_and_enqueue
from api.stored_files import delete_blobs, store_document
from api.submission import (
    RawFile, check_file, clean_idempotency_key, parse_options, read_files, request_signature, require_same_request,
)
from db import batch_repository
from db.jobs import JobSummary, NewJob, jobs_by_idempotency_keys, submitted_requests
from db.clock import isoformat
KEYS_FIELD = "idempotency_keys"


@dataclass
class Slot:
    """One file of the group and what became of it."""

    index: int
    raw: RawFile
    key: str | None
    job: JobSummary | None = None
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
    options = parse_options(fields, GroupOptions())

    with svc.database.session() as s:
        batch = batch_repository.get_batch(s, tenant_id, batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}", details={"batch_id": batch_id})
        existing = jobs_by_idempotency_keys(s, tenant_id, [sl.key for sl in slots if sl.key])
        new = [sl for sl in slots if sl.key not in existing]
        if new and batch_repository.is_closed(batch):
            raise batch_repository.BatchClosed(batch_id)
        if new and options.callback_url:
            require_signable_callback(s, tenant_id, options.callback_url, svc.settings)
        stored = submitted_requests(s, [job.id for job in existing.values()])
    for sl in slots:
        sl.job = existing.get(sl.key)
        if sl.job is not None:
            try:
                require_same_request(stored.get(sl.job.id), request_signature(options, [sl.raw.data]),
                                     sl.key, sl.job.id)
            except ApiError as exc:  # this file's own refusal; the others go on
                sl.error, sl.job = exc, None

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
                documents=[document], tables=options.tables, extract=options.extract,
            )
    except BaseException:
        delete_blobs(svc.blobs, [d.blob_key for d in documents])
        raise
    to_create = [sl for sl in new if sl.spec is not None]
    results = create_and_enqueue(svc, tenant_id, [sl.spec for sl in to_create], batch_id=batch_id)
    for sl, (summary, created) in zip(to_create, results):
        sl.job, sl.created = summary, created
    return slots


def job_object(job: JobSummary) -> dict:
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
