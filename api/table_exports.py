"""A job's tables as one file: ``GET /v1/jobs/{id}/tables?format=json|csv|xlsx|html``.

The same files answer ``GET /v1/jobs/{id}/result?format=tables.<fmt>`` and
``GET /v1/results`` (api/exports.py), so the bulk client fetches them like
any other result. Tables are found by the workers when the job was
submitted with ``tables=true``; a job that did not ask has none stored, and
is answered 409 ``tables_not_requested`` rather than an empty file that would
read as "no tables here". They are not computed at export time: a scan's
tables need its OCR lines and page image, which only the worker has.
"""
from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from flask import Response

from api.auth import authenticate, current_tenant
from api.errors import Conflict, InvalidOption, NotFound
from api.services import services
from api.schemas import TABLE_RESULT_FORMATS
from db.jobs import get_job, succeeded_results
from db.models import Job
from db.states import JobStatus
from pipeline import PageResult
from pipeline.export import ExportDocument
from pipeline.export.tables import FILE_EXTENSIONS, TABLE_FORMATS, export_tables

bp = APIBlueprint("tables", __name__, url_prefix="/v1", tag="Results")
bp.before_request(authenticate)

# The names these files go by among a job's result formats (``/result?format=``, ``/v1/results``, bulk).
RESULT_PREFIX = "tables."
RESULT_FORMATS = TABLE_RESULT_FORMATS


class TablesNotRequested(Conflict):
    code = "tables_not_requested"


class TablesQuery(Schema):
    format = String(load_default="json",
                    metadata={"enum": list(TABLE_FORMATS), "description": "json (default), csv (a ZIP, one file per table), xlsx (one sheet per "
                                             "table, spans merged), html (<table> with rowspan/colspan)"})


def not_requested(job_id: str) -> TablesNotRequested:
    return TablesNotRequested(
        "this job was not asked for tables; submit the files again with tables=true",
        details={"job_id": job_id, "option": "tables"},
    )


def render_tables(session, job: Job, fmt: str) -> bytes:
    """A finished job's tables in ``fmt`` (one of ``TABLE_FORMATS``); ``TablesNotRequested`` if it has none."""
    if not job.tables:
        raise not_requested(job.id)
    by_doc: dict[str, list[PageResult]] = {d.id: [] for d in job.documents}
    for doc_id, data in succeeded_results(session, job.id):
        by_doc[doc_id].append(PageResult.from_dict(data))
    documents = [ExportDocument(filename=d.filename, sha256=d.sha256, kind=d.kind, data=None, pages=by_doc[d.id])
                 for d in job.documents]
    return export_tables(fmt, documents)


def check_format(fmt: str) -> None:
    if fmt not in TABLE_FORMATS:
        raise InvalidOption(f"unknown tables format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}",
                            details={"field": "format", "allowed": list(TABLE_FORMATS)})


def tables_response(job_id: str, fmt: str) -> Response:
    """The download for ``GET /tables`` and ``GET /result?format=tables.<fmt>``: 400, 404, 409 or the file."""
    check_format(fmt)
    svc = services()
    with svc.database.session() as s:
        job = get_job(s, current_tenant(), job_id)
        if job is None:
            raise NotFound(f"no job {job_id}", details={"job_id": job_id})
        if job.status in JobStatus.ACTIVE:
            raise Conflict("the job has not finished; poll it until its status is terminal", details={"status": job.status})
        body = render_tables(s, job, fmt)
    return Response(body, content_type=TABLE_FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{job_id}.{FILE_EXTENSIONS[fmt]}"'})


@bp.get("/jobs/<job_id>/tables")
@bp.input(TablesQuery, location="query", arg_name="query")
@bp.doc(
    summary="The job's tables as one file",
    description="Needs a job submitted with `tables=true` (else 409 `tables_not_requested`). Per document, the tables "
    "of its succeeded pages in page order; a table continued on the next page (same columns) is joined into one, "
    "a repeated header dropped. `json`: `{schema, documents: [{filename, sha256, kind, tables: [{index, pages, page, "
    "rows, cols, box, header_rows, cells: [{row, col, row_span, col_span, text, box, confidence, page}]}]}]}` "
    "(boxes in the pixels of the page given by `page`, as in the page JSON). `csv`: a ZIP with "
    "`<n>-<filename>/table-<k>-page-<p>.csv` (UTF-8 with BOM). `xlsx`: one sheet per table, spanning cells "
    "merged, header rows bold. `html`: `<table>`s with `rowspan`/`colspan`, text escaped. Also as "
    "GET /v1/jobs/{id}/result?format=tables.<fmt>.",
    responses={200: "The file", 400: "Unknown format", 404: "No such job",
               409: "The job has not finished, or did not ask for tables"},
)
def get_tables(job_id: str, query):
    return tables_response(job_id, query["format"])
