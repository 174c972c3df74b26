"""A job's results as one file (``/result?format=``) and a page as a PNG (for the web page)."""
from __future__ import annotations

import io

from apiflask import APIBlueprint
from flask import Response

from api.auth import authenticate, current_tenant
from api.errors import Conflict, InvalidOption, NotFound
from api.schemas import ResultQuery
from api.services import services
from db import repository
from db.blobs import BlobNotFound
from db.models import JOB_ACTIVE, Document
from pipeline import Limits, PipelineError, PageResult, export, open_document

bp = APIBlueprint("exports", __name__, url_prefix="/v1", tag="Results")
bp.before_request(authenticate)

MAX_IMAGE_WIDTH = 1400
_EXTENSIONS = {"txt": "txt", "json": "json", "hocr": "hocr", "alto": "alto.xml", "pdf": "pdf"}


def _job(session, job_id: str):
    job = repository.get_job(session, current_tenant(), job_id)
    if job is None:
        raise NotFound(f"no job {job_id}", details={"job_id": job_id})
    return job


@bp.get("/jobs/<job_id>/result")
@bp.input(ResultQuery, location="query", arg_name="query")
@bp.doc(
    summary="The whole job in one format",
    description="Formats are those of pipeline.export.FORMATS (txt, json, hocr, alto, pdf as available). "
    "Only succeeded pages are included; a job still running answers 409.",
    responses={200: "The file", 400: "Unknown format", 404: "No such job", 409: "The job has not finished"},
)
def get_result(job_id: str, query):
    fmt = query["format"]
    if fmt not in export.FORMATS:
        raise InvalidOption(
            f"unknown format {fmt!r}; use one of {', '.join(export.FORMATS)}",
            details={"field": "format", "allowed": list(export.FORMATS)},
        )
    svc = services()
    with svc.database.session() as s:
        job = _job(s, job_id)
        if job.status in JOB_ACTIVE:
            raise Conflict("the job has not finished; poll it until its status is terminal", details={"status": job.status})
        if fmt == "txt":
            # Only the texts: the stored line and word boxes would be decoded for nothing.
            return _download(export.join_page_texts(repository.succeeded_texts(s, job.id)), fmt, 1, job_id)
        results = repository.succeeded_results(s, job.id)
        docs = list(job.documents)
    by_doc: dict[str, list[PageResult]] = {d.id: [] for d in docs}
    for doc_id, data in results:
        by_doc[doc_id].append(PageResult.from_dict(data))
    needs_source = fmt == "pdf"
    documents = [
        export.ExportDocument(
            filename=d.filename,
            sha256=d.sha256,
            kind=d.kind,
            data=_source(svc, d) if needs_source else None,
            pages=by_doc[d.id],
        )
        for d in docs
    ]
    return _download(export.export(fmt, documents), fmt, len(documents), job_id)


def _download(body: bytes, fmt: str, documents: int, job_id: str) -> Response:
    media = export.media_type(fmt, documents)
    ext = "zip" if media == "application/zip" else _EXTENSIONS.get(fmt, fmt)
    return Response(
        body,
        mimetype=None,
        content_type=media,
        headers={"Content-Disposition": f'attachment; filename="{job_id}.{ext}"'},
    )


def _source(svc, doc: Document) -> bytes | None:
    try:
        return svc.blobs.get(doc.blob_key)
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
