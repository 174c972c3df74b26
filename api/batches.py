"""Batches: name a bulk run, submit its jobs with ``batch_id``, read its progress in one call,
close it when no more jobs will come (``batch.completed`` follows once, when its last job has ended).

Tenant-scoped like jobs: another tenant's batch is simply not found.
"""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import url_for

from api import batch_submit, job_views
from api.auth import authenticate, current_tenant
from api.callback_policy import clean_callback_url, require_signable_callback
from api.batch_schemas import (
    BatchCreate, BatchJobsList, BatchJobsQuery, BatchView, GroupSubmitMultipart, GroupSubmitResult,
)
from api.errors import ApiError, Conflict, InvalidOption, NotFound
from api.services import services
from db import batch_repository
from db.cursors import InvalidCursor
from db.clock import isoformat
from db.states import PageStatus

bp = APIBlueprint("batches", __name__, url_prefix="/v1", tag="Batches")
bp.before_request(authenticate)

ERRORS = {401: "No or bad API key", 404: "No such batch for this key"}


class UnknownBatch(ApiError):
    """A job names a batch this tenant does not have (422: the request, not the URL, is wrong)."""

    status_code = 422
    code = "unknown_batch"


class BatchClosed(Conflict):
    """A job names a batch that has been closed (409: the batch is in the wrong state for it)."""

    code = "batch_closed"


def batch_closed(batch_id: str) -> BatchClosed:
    return BatchClosed(f"batch {batch_id} is closed and takes no more jobs; create a new one with POST /v1/batches",
                       details={"field": "batch_id", "batch_id": batch_id})


def require_batch(session, tenant_id: str, batch_id: str) -> None:
    """For ``POST /v1/jobs``, before anything is stored: the batch must be the caller's, and open.
    (``db.jobs.create_jobs`` checks again under the batch's row lock, for a close meanwhile.)"""
    batch = batch_repository.get_batch(session, tenant_id, batch_id)
    if batch is None:
        raise UnknownBatch(f"no batch {batch_id} for this key; create one with POST /v1/batches",
                           details={"field": "batch_id", "batch_id": batch_id})
    if batch_repository.is_closed(batch):
        raise batch_closed(batch_id)


def _load(session, batch_id: str):
    batch = batch_repository.get_batch(session, current_tenant(), batch_id)
    if batch is None:
        raise NotFound(f"no batch {batch_id}", details={"batch_id": batch_id})
    return batch


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def batch_view(session, batch) -> dict:
    p = batch_repository.batch_progress(session, batch.id)
    return {
        "id": batch.id,
        "name": batch.name,
        "external_ref": batch.external_ref,
        "callback_url": batch.callback_url,
        "status": p.status,
        "closed_at": isoformat(batch.closed_at),
        "files": {"total": sum(p.jobs.values()), "by_status": p.jobs},
        "pages": {
            "total": p.pages_total,
            "done": p.pages.get(PageStatus.SUCCEEDED, 0),
            "failed": p.pages.get(PageStatus.FAILED, 0),
            "by_status": p.pages,
        },
        "confidence": _rounded(p.confidence, 4),
        "pages_per_second": _rounded(p.pages_per_second, 3),
        "eta_seconds": _rounded(p.eta_seconds, 1),
        "elapsed_seconds": _rounded(p.elapsed_seconds, 3),
        "created_at": isoformat(batch.created_at),
        "started_at": isoformat(p.started_at),
        "finished_at": isoformat(p.finished_at),
        "links": {
            "self": url_for("batches.get_batch", batch_id=batch.id),
            "jobs": url_for("batches.list_batch_jobs", batch_id=batch.id),
        },
    }


@bp.post("/batches")
@bp.input(BatchCreate, arg_name="body")
@bp.output(BatchView, status_code=201)
@bp.doc(summary="Create a batch; submit jobs with its id as `batch_id`", responses={401: ERRORS[401]})
def create_batch(body):
    with services().database.session() as s:
        name = body["name"].strip()
        if not name:
            raise InvalidOption("name must not be blank", details={"field": "name"})
        external_ref = (body.get("external_ref") or "").strip() or None
        callback_url = clean_callback_url(body.get("callback_url"))
        require_signable_callback(s, current_tenant(), callback_url, services().settings)
        batch = batch_repository.create_batch(s, current_tenant(), name, external_ref, callback_url)
        view = batch_view(s, batch)
    return view, 201, {"Location": view["links"]["self"]}


@bp.get("/batches/<batch_id>")
@bp.output(BatchView)
@bp.doc(summary="A batch's files and pages by state, speed, ETA and mean confidence", responses=ERRORS)
def get_batch(batch_id: str):
    with services().database.session() as s:
        return batch_view(s, _load(s, batch_id))


@bp.get("/batches/<batch_id>/jobs")
@bp.input(BatchJobsQuery, location="query", arg_name="query")
@bp.output(BatchJobsList)
@bp.doc(summary="The batch's jobs in submission order; follow next_cursor", responses=ERRORS)
def list_batch_jobs(batch_id: str, query):
    with services().database.session() as s:
        batch = _load(s, batch_id)
        try:
            jobs, cursor = batch_repository.list_batch_jobs(s, batch.id, cursor=query.get("cursor"), limit=query["limit"])
        except InvalidCursor as exc:
            raise InvalidOption(str(exc), details={"field": "cursor"}) from None
        return {"jobs": job_views.job_views(s, jobs), "next_cursor": cursor}


@bp.post("/batches/<batch_id>/close")
@bp.output(BatchView)
@bp.doc(
    summary="Close the batch: it takes no more jobs; batch.completed is sent once, when its last job has ended",
    description="Idempotent: closing a closed batch answers the same view. If no job of the batch is active, "
    "the batch is completed by this request. A job submitted later with this `batch_id` gets 409 `batch_closed`.",
    responses=ERRORS,
)
def close_batch(batch_id: str):
    with services().database.session() as s:
        batch = _load(s, batch_id)
        batch_repository.close_batch(s, batch.id)
        s.refresh(batch)  # closed_at was set by an UPDATE statement
        return batch_view(s, batch)


@bp.post("/batches/<batch_id>/jobs")
@bp.input(GroupSubmitMultipart, location="files", validation=False, arg_name="_form")
@bp.output(GroupSubmitResult, status_code=202, description="At least one job was created (200 when none was: "
           "every file was refused or named an existing job)")
@bp.doc(
    summary="Submit many files into the batch at once, each as its own job",
    description="multipart/form-data with 1–100 `file` parts (form field `idempotency_keys`: a JSON array, one "
    'key or null per file), or application/json `{"files": [{"filename", "content_base64", "idempotency_key"}], '
    '"mode", ...}`. Options as on POST /v1/jobs, for every file; `priority` defaults to `bulk`. One slot per file, '
    "in order: `{index, created, job}` or, for a file refused by its own checks, `{index, status, error}` (the "
    "other files are still created). Whole-request errors: 404 another tenant's or no batch, 409 `batch_closed` "
    "(nothing stored; unless every file names an existing job), 400/413/422 a malformed request.",
    responses={**ERRORS, 400: "Bad request (no file, over 100 files, bad options or idempotency_keys)",
               409: "The batch is closed (batch_closed)", 413: "The upload is over the limit"},
)
def submit_group(batch_id: str, _form):
    try:
        slots = batch_submit.submit_group(services(), current_tenant(), batch_id)
    except batch_repository.BatchClosed:
        raise batch_closed(batch_id) from None
    status = 202 if any(sl.created for sl in slots) else 200
    return {"jobs": [batch_submit.slot_view(sl) for sl in slots]}, status
