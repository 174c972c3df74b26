"""A job's results as one file (``/result?format=``), many jobs' text results in one request
(``/v1/results``) and a page as a PNG (for the web page)."""
from __future__ import annotations

import base64
import io

from apiflask import APIBlueprint
from flask import Response

from api import table_exports
from api.auth import authenticate, current_tenant
from api.errors import ApiError, Conflict, InvalidOption, NotFound, envelope
from api.result_schemas import TEXT_FORMATS, ResultsList, ResultsQuery
from api.schemas import MAX_JOB_IDS, ResultQuery, split_ids
from api.services import services
from db.jobs import get_job, job_statuses, succeeded_results, succeeded_texts, succeeded_texts_by_job
from db.blobs import BlobNotFound
from db.fields import document_entry
from db.models import Document, Job
from db.states import JobStatus
from pipeline import Limits, PipelineError, PageResult, export, open_document

bp = APIBlueprint("exports", __name__, url_prefix="/v1", tag="Results")
bp.before_request(authenticate)

MAX_IMAGE_WIDTH = 1400
_EXTENSIONS = {"txt": "txt", "json": "json", "hocr": "hocr", "alto": "alto.xml", "md": "md", "pdf": "pdf",
               "pdfa": "pdfa.pdf"}


def _job(session, job_id: str):
    job = get_job(session, current_tenant(), job_id)
    if job is None:
        raise NotFound(f"no job {job_id}", details={"job_id": job_id})
    return job


@bp.get("/jobs/<job_id>/result")
@bp.input(ResultQuery, location="query", arg_name="query")
@bp.doc(
    summary="The whole job in one format",
    description="Formats are those of pipeline.export.FORMATS (txt, json, hocr, alto, md, pdf, pdfa as available), and "
    "tables.json, tables.csv, tables.xlsx, tables.html (as GET /v1/jobs/{id}/tables). "
    "Only succeeded pages are included; a job still running answers 409.",
    responses={200: "The file", 400: "Unknown format", 404: "No such job", 409: "The job has not finished"},
)
def get_result(job_id: str, query):
    fmt = query["format"]
    if fmt.startswith(table_exports.RESULT_PREFIX):
        return table_exports.tables_response(job_id, fmt.removeprefix(table_exports.RESULT_PREFIX))
    if fmt not in export.FORMATS:
        raise InvalidOption(
            f"unknown format {fmt!r}; use one of {', '.join(export.FORMATS)}",
            details={"field": "format", "allowed": list(export.FORMATS)},
        )
    svc = services()
    with svc.database.session() as s:
        job = _job(s, job_id)
        if job.status in JobStatus.ACTIVE:
            raise Conflict("the job has not finished; poll it until its status is terminal", details={"status": job.status})
        body, documents = render_result(s, job, fmt, svc.blobs)
    return _download(body, fmt, documents, job_id)


def render_result(session, job: Job, fmt: str, blobs=None) -> tuple[bytes, int]:
    """A finished job's result in ``fmt`` (one of ``export.FORMATS``) and its number of documents
    (``export.media_type(fmt, documents)`` is its media type). ``blobs`` is needed for ``pdf`` and ``pdfa`` only."""
    if fmt == "txt":
        # Only the texts: the stored line and word boxes would be decoded for nothing.
        return export.join_page_texts(succeeded_texts(session, job.id)), 1
    docs = list(job.documents)
    by_doc: dict[str, list[PageResult]] = {d.id: [] for d in docs}
    for doc_id, data in succeeded_results(session, job.id):
        by_doc[doc_id].append(PageResult.from_dict(data))
    documents = [
        export.ExportDocument(
            filename=d.filename,
            sha256=d.sha256,
            kind=d.kind,
            data=_source(blobs, d) if fmt in export.NEEDS_SOURCE else None,
            pages=by_doc[d.id],
            fields=document_entry(d) if job.extract else None,
        )
        for d in docs
    ]
    return export.export(fmt, documents), len(documents)


@bp.get("/results")
@bp.input(ResultsQuery, location="query", arg_name="query")
@bp.output(ResultsList)
@bp.doc(
    summary="Many finished jobs' results in one format, in one request",
    description=f"One slot per id of `ids` (at most {MAX_JOB_IDS}), in request order: `content` is exactly what "
    "GET /v1/jobs/{id}/result?format= answers, decoded as UTF-8 (`content_base64` instead when that is a ZIP: "
    "alto of a job with several documents). A job that does not exist for this key gets an `error` slot "
    "`not_found`, a job still queued or running `job_not_finished` (details.status); the request itself "
    "succeeds. Text formats only (txt, json, hocr, alto, md): fetch pdf and pdfa with GET /v1/jobs/{id}/result.",
    responses={200: "One slot per id", 400: "Bad ids or a format that is not text (invalid_option)"},
)
def get_results(query):
    fmt = query["format"]
    grouped = TEXT_FORMATS + table_exports.RESULT_FORMATS
    if fmt not in grouped:
        raise InvalidOption(
            f"format {fmt!r} cannot be fetched in a group; use one of {', '.join(grouped)}, "
            "or GET /v1/jobs/{id}/result for pdf",
            details={"field": "format", "allowed": list(grouped)},
        )
    ids = split_ids(query["ids"])
    if not 1 <= len(ids) <= MAX_JOB_IDS:
        raise InvalidOption(f"ids names {len(ids)} jobs; send 1 to {MAX_JOB_IDS}", details={"field": "ids"})
    unique = list(dict.fromkeys(ids))
    svc = services()
    with svc.database.session() as s:
        statuses = job_statuses(s, current_tenant(), unique)
        finished = [i for i in unique if i in statuses and statuses[i] not in JobStatus.ACTIVE]
        if fmt == "txt":  # every job's texts in one query
            texts = succeeded_texts_by_job(s, finished)
            rendered = {i: (export.join_page_texts(texts[i]), 1) for i in finished}
        elif fmt in table_exports.RESULT_FORMATS:
            rendered = _tables_slots(s, finished, fmt.removeprefix(table_exports.RESULT_PREFIX))
        else:
            rendered = {i: render_result(s, s.get(Job, i), fmt) for i in finished}
    return {"results": [_result_slot(i, fmt, statuses.get(i), rendered.get(i)) for i in ids]}


def _tables_slots(session, job_ids: list[str], table_fmt: str) -> dict:
    """job id → (file, media type) of its tables, or the error that stands in its slot instead."""
    out: dict = {}
    for job_id in job_ids:
        job = session.get(Job, job_id)
        try:
            out[job_id] = (table_exports.render_tables(session, job, table_fmt), table_exports.TABLE_FORMATS[table_fmt])
        except table_exports.TablesNotRequested as exc:
            out[job_id] = exc
    return out


def _result_slot(job_id: str, fmt: str, status: str | None, rendered) -> dict:
    if isinstance(rendered, ApiError):
        return {"id": job_id, "error": envelope(rendered.code, rendered.message, rendered.detail)["error"]}
    if status is None:
        return {"id": job_id, "error": envelope("not_found", f"no job {job_id}", {"job_id": job_id})["error"]}
    if rendered is None:
        message = "the job has not finished; poll it until its status is terminal"
        return {"id": job_id, "error": envelope("job_not_finished", message, {"job_id": job_id, "status": status})["error"]}
    body, documents = rendered
    media = documents if isinstance(documents, str) else export.media_type(fmt, documents)
    slot = {"id": job_id, "status": status, "format": fmt, "media_type": media}
    if not _is_text(media):
        slot["content_base64"] = base64.b64encode(body).decode("ascii")
    else:
        slot["content"] = body.decode("utf-8")
    return slot


def _is_text(media: str) -> bool:
    """A media type whose bytes go into a JSON string as they are (else base64: a ZIP, an XLSX)."""
    return media.startswith("text/") or media.split(";")[0] in ("application/json", "application/xml",
                                                                  "application/xhtml+xml")


def _download(body: bytes, fmt: str, documents: int, job_id: str) -> Response:
    media = export.media_type(fmt, documents)
    ext = "zip" if media == "application/zip" else _EXTENSIONS.get(fmt, fmt)
    return Response(
        body,
        mimetype=None,
        content_type=media,
        headers={"Content-Disposition": f'attachment; filename="{job_id}.{ext}"'},
    )


def _source(blobs, doc: Document) -> bytes | None:
    if blobs is None:
        return None
    try:
        return blobs.get(doc.blob_key)
    except BlobNotFound:
        return None


@bp.get("/jobs/<job_id>/documents/<document_id>/pages/<int:page_no>/image")
@bp.doc(
    summary="A page as PNG, at most 1400 px wide",
    description="Line boxes of the page JSON scale by (image width / page `width`).",
    responses={200: "PNG", 404: "No such job, document or page"},
)
def get_page_image(job_id: str, document_id: str, page_no: int):
    svc = services()
    with svc.database.session() as s:
        job = _job(s, job_id)
        doc = next((d for d in job.documents if d.id == document_id), None)
        dpi = job.dpi
    if doc is None or not 1 <= page_no <= doc.page_count:
        raise NotFound("no such document or page", details={"document_id": document_id, "page_no": page_no})
    try:
        data = svc.blobs.get(doc.blob_key)
    except BlobNotFound:
        raise NotFound("the file of this document is gone") from None
    png = render_png(data, page_no, dpi, svc.settings)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})


def render_png(data: bytes, page_no: int, dpi: int, settings) -> bytes:
    from PIL import Image

    from pipeline.render import render_page

    limits = Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
    try:
        with open_document(data, limits) as doc:
            if doc.kind == "pdf":
                # Render no wider than needed: width_pt / 72 * dpi ≤ MAX_IMAGE_WIDTH.
                width_pt = doc.pdf_page(page_no).rect.width
                dpi = max(36, min(dpi, int(MAX_IMAGE_WIDTH * 72 / max(width_pt, 1))))
            image = Image.fromarray(render_page(doc, page_no, dpi).image)
    except PipelineError as exc:
        raise NotFound(f"the page cannot be rendered: {exc.message}") from None
    if image.width > MAX_IMAGE_WIDTH:
        image = image.resize((MAX_IMAGE_WIDTH, max(1, round(image.height * MAX_IMAGE_WIDTH / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
