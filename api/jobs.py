"""Jobs: submit, poll, read pages, list, cancel and delete (DESIGN.md §2–3)."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import request, url_for

from api import job_views
from api.batches import batch_closed, require_batch
from api.auth import authenticate, current_tenant
from api.callback_policy import require_signable_callback
from api.errors import InvalidOption, NotFound
from api.schemas import MAX_JOB_IDS, JobsList, JobsQuery, JobSubmitMultipart, JobView, PagesList, PagesQuery, split_ids
from api.services import services
from api.job_creation import create_and_enqueue
from api.stored_files import delete_blobs, store_document
from api.submission import (
    check_submission, clean_idempotency_key, read_request, request_signature, require_same_request,
)
from db import batch_repository, cursors, finalize
from db import jobs as db_jobs
from db.jobs import jobs_by_idempotency_keys, submitted_requests
from db.states import JobStatus

bp = APIBlueprint("jobs", __name__, url_prefix="/v1", tag="Jobs")
bp.before_request(authenticate)

ERRORS = {400: "Bad input", 401: "No or bad API key", 404: "No such job for this key", 409: "batch_id names a closed batch (batch_closed)", 413: "Too large", 415: "Unsupported type", 422: "Invalid file or options, or an Idempotency-Key already used for a different request (idempotency_key_reused)"}


def _retry_after(view: dict) -> dict:
    if view["status"] in JobStatus.ACTIVE:
        return {"Retry-After": "1" if view["status"] == JobStatus.RUNNING else "2"}
    return {}


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    return None if key is None else clean_idempotency_key(key, "Idempotency-Key")


def _load_job(session, job_id: str):
    job = db_jobs.get_job(session, current_tenant(), job_id)
    if job is None:
        raise NotFound(f"no job {job_id}", details={"job_id": job_id})
    return job


@bp.post("/jobs")
@bp.input(JobSubmitMultipart, location="files", validation=False, arg_name="_form")
@bp.output(JobView, status_code=202, description="Accepted (200 with the existing job for a repeated Idempotency-Key)")
@bp.doc(
    summary="Submit files for OCR",
    description="multipart/form-data with one or more `file` parts, or application/json "
    '`{"files": [{"filename", "content_base64"}], "mode", ...}`. Header `Idempotency-Key`: '
    "the same key from the same tenant with the same files and options returns the same job (200); "
    "with different files or options, 422 `idempotency_key_reused`.",
    responses=ERRORS,
)
def submit_job(_form):
    svc = services()
    tenant_id = current_tenant()
    key = _idempotency_key()
    options, raw = read_request(svc.settings)
    signature = request_signature(options, [f.data for f in raw]) if key else None
    if key:
        with svc.database.session() as s:
            existing = jobs_by_idempotency_keys(s, tenant_id, [key]).get(key)
            if existing is not None:
                _require_same(s, key, existing.id, signature)
                return _answer(s, tenant_id, existing.id, 200)

    submission = check_submission(options, raw, svc.settings)  # every check happens before anything is stored
    o = submission.options
    if o.batch_id or o.callback_url:
        with svc.database.session() as s:
            if o.batch_id:
                require_batch(s, tenant_id, o.batch_id)
            if o.callback_url:
                require_signable_callback(s, tenant_id, o.callback_url, svc.settings)
    documents = []
    try:
        for f in submission.files:
            documents.append(store_document(svc.blobs, f))
    except BaseException:
        delete_blobs(svc.blobs, [d.blob_key for d in documents])
        raise
    spec = db_jobs.NewJob(
        mode=o.mode,
        pages_spec=o.pages,
        priority=o.priority,
        dpi=svc.settings.dpi,
        external_ref=o.external_ref,
        callback_url=o.callback_url,
        idempotency_key=key,
        documents=documents,
        extract=o.extract,
        tables=o.tables,
    )
    try:
        [(job, created)] = create_and_enqueue(svc, tenant_id, [spec], batch_id=o.batch_id)
    except batch_repository.BatchClosed:
        raise batch_closed(o.batch_id) from None  # closed since require_batch: nothing was kept
    with svc.database.session() as s:
        if not created:  # a concurrent request took the key first
            _require_same(s, key, job.id, signature)
        return _answer(s, tenant_id, job.id, 202 if created else 200)


def _require_same(session, key: str, job_id: str, signature: tuple) -> None:
    require_same_request(submitted_requests(session, [job_id]).get(job_id), signature, key, job_id)


def _answer(session, tenant_id: str, job_id: str, status: int):
    view = job_views.job_view(session, db_jobs.get_job(session, tenant_id, job_id))
    return view, status, {"Location": view["links"]["self"], **_retry_after(view)}


@bp.get("/jobs/<job_id>")
@bp.output(JobView)
@bp.doc(summary="A job's status and progress", responses={404: ERRORS[404]})
def get_job(job_id: str):
    with services().database.session() as s:
        view = job_views.job_view(s, _load_job(s, job_id))
    return view, 200, _retry_after(view)


@bp.get("/jobs/<job_id>/pages")
@bp.input(PagesQuery, location="query", arg_name="query")
@bp.output(PagesList)
@bp.doc(summary="A job's pages, readable as soon as each one is done", responses={404: ERRORS[404]})
def list_pages(job_id: str, query):
    offset, limit = query["offset"], query["limit"]
    with services().database.session() as s:
        job = _load_job(s, job_id)
        rows = db_jobs.list_pages(s, job.id, offset, limit + 1)
        pages = [job_views.page_view(job.id, p, r, d) for p, r, d in rows[:limit]]
    more = len(rows) > limit
    return {"pages": pages, "next": url_for("jobs.list_pages", job_id=job_id, offset=offset + limit, limit=limit) if more else None}


@bp.get("/jobs")
@bp.input(JobsQuery, location="query", arg_name="query")
@bp.output(JobsList)
@bp.doc(summary="A feed of this key's jobs in (updated_at, id) order; follow next_cursor")
def list_jobs(query):
    since = query.get("updated_since")  # naive UTC, as the columns hold (schemas.UtcDateTime)
    ids = split_ids(query.get("ids"))
    if len(ids) > MAX_JOB_IDS:
        raise InvalidOption(f"ids names {len(ids)} jobs; at most {MAX_JOB_IDS}", details={"field": "ids"})
    with services().database.session() as s:
        try:
            jobs, cursor = db_jobs.list_jobs(
                s,
                current_tenant(),
                status=query.get("status"),
                ended=query["ended"],
                external_ref=query.get("external_ref"),
                updated_since=since,
                ids=ids,
                cursor=query.get("cursor"),
                limit=query["limit"],
            )
        except cursors.InvalidCursor as exc:
            raise InvalidOption(str(exc), details={"field": "cursor"}) from None
        return {"jobs": job_views.job_views(s, jobs), "next_cursor": cursor}


@bp.delete("/jobs/<job_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Cancel the job if it is still running, then delete its files and results", responses={404: ERRORS[404]})
def delete_job(job_id: str):
    svc = services()
    with svc.database.session() as s:
        job = _load_job(s, job_id)
        finalize.cancel_job(s, job.id)
        keys = finalize.purge_job(s, job.id)
    delete_blobs(svc.blobs, keys)
    return ""
