"""Invoice fields (``extract=invoice``): a job's, per document, and a batch's as a CSV or XLSX table.

A job that did not ask for extraction, or has not ended, answers 409 (its
fields are read once all pages of a document have ended, and the job ends
only after that, so a terminal job has every document's fields).
"""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from api import field_tables
from api.auth import authenticate, current_tenant
from api.errors import Conflict, NotFound
from api.field_schemas import BatchFieldsQuery, JobFields
from api.services import services
from db import batch_repository
from db.fields import batch_entries, job_entries
from db.jobs import get_job
from db.states import JobStatus

bp = APIBlueprint("fields", __name__, url_prefix="/v1", tag="Invoice fields")
bp.before_request(authenticate)

_MEDIA = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class ExtractNotRequested(Conflict):
    code = "extract_not_requested"


class NotFinished(Conflict):
    code = "job_not_finished"


@bp.get("/jobs/<job_id>/fields")
@bp.output(JobFields)
@bp.doc(
    summary="A job's invoice fields, line items and checks, per document",
    description="For jobs submitted with extract=invoice, once the job has ended. 409 extract_not_requested when the "
    "job did not ask for them; 409 job_not_finished (details.status) while it runs.",
    responses={404: "No such job for this key", 409: "Not asked for, or not finished"},
)
def get_fields(job_id: str):
    with services().database.session() as s:
        job = get_job(s, current_tenant(), job_id)
        if job is None:
            raise NotFound(f"no job {job_id}", details={"job_id": job_id})
        if not job.extract:
            raise ExtractNotRequested("the job was not submitted with extract=invoice; submit it again with that option",
                                      details={"job_id": job_id})
        if job.status in JobStatus.ACTIVE:
            raise NotFinished("the job has not finished; poll it until its status is terminal",
                              details={"job_id": job_id, "status": job.status})
        return {"job_id": job.id, "status": job.status, "extract": job.extract, "documents": job_entries(s, job.id)}


@bp.get("/batches/<batch_id>/fields")
@bp.input(BatchFieldsQuery, location="query", arg_name="query")
@bp.doc(
    summary="A batch's invoice fields as a table: CSV, or XLSX with a second sheet of line items",
    description="One row per document of the batch's jobs submitted with extract=invoice: key fields, needs_review, "
    "the failed checks. 409 extract_not_requested when none of its jobs asked for fields; 409 batch_not_finished "
    "(details.unfinished) while any of them runs.",
    responses={200: "The table", 404: "No such batch for this key", 409: "Nothing asked for, or not finished"},
)
def get_batch_fields(batch_id: str, query):
    fmt = query["format"]
    with services().database.session() as s:
        if batch_repository.get_batch(s, current_tenant(), batch_id) is None:
            raise NotFound(f"no batch {batch_id}", details={"batch_id": batch_id})
        found = batch_entries(s, batch_id)
    if not found.jobs:
        raise ExtractNotRequested("no job of this batch was submitted with extract=invoice", details={"batch_id": batch_id})
    if found.unfinished:
        error = NotFinished(f"{found.unfinished} of the batch's {found.jobs} jobs have not finished; try again when they have",
                            details={"batch_id": batch_id, "unfinished": found.unfinished})
        error.code = "batch_not_finished"
        raise error
    body = field_tables.to_xlsx(found.documents) if fmt == "xlsx" else field_tables.to_csv(found.documents)
    return Response(body, content_type=_MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{batch_id}-fields.{fmt}"'})
