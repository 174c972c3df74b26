"""Request and response schemas of batches (``/v1/batches``); they appear in ``/openapi.json``."""
from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, File, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from api.schemas import PRIORITIES, ErrorBody, JobLinks, JobView, SubmitOptions, Text, page_range
from api.submission import MAX_FILES_PER_JOB
from db.states import BatchStatus

BATCH_STATUSES = tuple(BatchStatus)


class BatchCreate(Schema):
    name = String(required=True, validate=Length(min=1, max=200), metadata={"description": "e.g. the archive's folder name"})
    external_ref = String(validate=Length(max=200), allow_none=True, metadata={"description": "the caller's id, echoed back"})
    callback_url = String(
        validate=Length(max=2000), allow_none=True,
        metadata={"description": "gets the signed batch.completed event once the batch is closed and its last job has ended"},
    )


class BatchFiles(Schema):
    total = Integer()
    by_status = Dict(keys=String(), values=Integer(), metadata={"description": "job status → files (jobs)"})


class BatchPages(Schema):
    total = Integer()
    done = Integer(metadata={"description": "pages succeeded"})
    failed = Integer()
    by_status = Dict(keys=String(), values=Integer(), metadata={"description": "page status → pages; pages of files not split yet count as queued"})


class BatchLinks(Schema):
    self = String()
    jobs = String()


class BatchView(Schema):
    id = String()
    name = String()
    external_ref = String(allow_none=True)
    callback_url = String(allow_none=True)
    status = String(metadata={
        "enum": list(BATCH_STATUSES),
        "description": "empty: open, no job yet; open: open, no job active; running: a job is active; "
                       "completed: closed and no job active (batch.completed has been written)",
    })
    closed_at = String(allow_none=True, metadata={"description": "when POST /v1/batches/{id}/close closed it; null while open"})
    files = Nested(BatchFiles)
    pages = Nested(BatchPages)
    confidence = Float(allow_none=True, metadata={"description": "mean over the succeeded pages"})
    pages_per_second = Float(allow_none=True, metadata={"description": "pages processed / seconds since the first page was taken up"})
    eta_seconds = Float(allow_none=True, metadata={"description": "pages left / pages_per_second; 0 once completed"})
    elapsed_seconds = Float(allow_none=True)
    created_at = String()
    started_at = String(allow_none=True)
    finished_at = String(allow_none=True, metadata={"description": "the last job's end, while no job is active"})
    links = Nested(BatchLinks)


class BatchJobsQuery(Schema):
    cursor = String(validate=Length(max=500))
    limit = Integer(load_default=50, validate=Range(min=1, max=500))


class BatchJobsList(Schema):
    jobs = List(Nested(JobView))
    next_cursor = String(allow_none=True)


# ------------------------------------------------------------------ group submit (POST /v1/batches/{id}/jobs)


class GroupOptions(SubmitOptions):
    """A group's options, for every one of its files (the batch is the one in the URL)."""

    priority = Text(validate=OneOf(PRIORITIES), load_default="bulk")
    pages = Text(validate=[Length(max=200), page_range], metadata={"description": "page range for every file, e.g. 1-3"})
    callback_url = Text(validate=Length(max=2000), metadata={"description": "told when each job ends"})


class GroupSubmitMultipart(GroupOptions):
    file = List(File(), required=True, validate=Length(min=1), metadata={"description": f"1–{MAX_FILES_PER_JOB} `file` parts; each becomes its own job"})
    idempotency_keys = String(metadata={
        "description": "a JSON array with one key (1–200 characters, distinct) or null per `file` part, in order; "
                       "a key already used by this tenant answers its existing job (created: false) when the file and options "
                       "are the same, and a 422 idempotency_key_reused slot when they differ",
    })


class GroupJob(Schema):
    id = String()
    status = String()
    batch_id = String(allow_none=True)
    reused_from = String(allow_none=True)
    created_at = String()
    links = Nested(JobLinks)


class GroupSlot(Schema):
    index = Integer(metadata={"description": "the file's position in the request"})
    created = Boolean(metadata={"description": "false: the idempotency key's existing job (absent with error)"})
    job = Nested(GroupJob, metadata={"description": "absent with error; read the full view at links.self"})
    status = Integer(metadata={"description": "with error: the HTTP status POST /v1/jobs would have answered for this file"})
    error = Nested(ErrorBody, metadata={"description": "the file was refused (unsupported_type, corrupt_file, ...); nothing stored for it"})


class GroupSubmitResult(Schema):
    jobs = List(Nested(GroupSlot), metadata={"description": "one slot per file, in request order"})
