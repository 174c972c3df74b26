"""Reading and checking a job submission, before anything is stored.

Both body forms (multipart ``file`` parts with form fields, or JSON with
base64 files) become one ``Submission``. The options are loaded by the
route's schema, the one its OpenAPI entry documents. Every file is opened by the
pipeline's ingest (magic bytes, encryption, page count, pixel budget) and
its page range is checked, so a bad file is refused with its own code and a
job is either stored whole or not at all.
"""
from __future__ import annotations

import binascii
import hashlib
import re
from dataclasses import dataclass

from flask import request
from marshmallow import Schema, ValidationError

from api import guards
from api.guards import json_body
from api.callback_policy import clean_callback_url
from api.errors import (
    ApiError, FileTooLarge, InvalidContent, InvalidOption, InvalidPages, MissingFile, from_pipeline, from_validation,
)
from api.schemas import JobOptionsFields
from pipeline import Limits, PipelineError, open_document

MAX_FILES_PER_JOB = 100  # also the most files one group submit (api/batch_submit.py) takes
IDEMPOTENCY_KEY_MAX = 200
_FILENAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True)
class Options:
    mode: str
    pages: str | None
    priority: str
    external_ref: str | None
    callback_url: str | None
    batch_id: str | None = None
    extract: str | None = None
    tables: bool = False


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    data: bytes
    sha256: str
    kind: str
    page_count: int
    pages_selected: int


@dataclass(frozen=True)
class RawFile:
    filename: str | None
    data: bytes
    idempotency_key: object = None  # a JSON item's own key (group submits); not checked yet


@dataclass(frozen=True)
class Submission:
    options: Options
    files: list[CheckedFile]


class IdempotencyKeyReused(ApiError):
    status_code = 422
    code = "idempotency_key_reused"


def request_signature(options: Options, datas: list[bytes]) -> tuple:
    """What makes two submits the same request (``db.jobs.submitted_requests`` reads it back from a job):
    the files' sha256 in order and the options that change the result (mode, pages, tables, extract).
    Filenames, batch, priority, external_ref and callback_url are left out: the bulk client keys its files
    by content and those options (client/idempotency.py) so that a rerun from another machine, in a new
    batch, lands on the same job."""
    return (options.mode, options.pages, bool(options.tables), options.extract or None,
            tuple(hashlib.sha256(d).hexdigest() for d in datas))


def require_same_request(stored: tuple | None, signature: tuple, key: str, job_id: str) -> None:
    """An idempotency key answers its job only for the same request; another body under it is a 422."""
    if stored is not None and stored != signature:
        raise IdempotencyKeyReused(
            f"the Idempotency-Key {key!r} was used for a different request (job {job_id}); use a new key",
            details={"field": "Idempotency-Key", "job_id": job_id},
        )


def clean_idempotency_key(value, field: str) -> str:
    """The rule for every idempotency key (the ``Idempotency-Key`` header, a group's keys): 1–200 characters."""
    key = value.strip() if isinstance(value, str) else ""
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        raise InvalidOption(f"{field} must be 1–{IDEMPOTENCY_KEY_MAX} characters", details={"field": field})
    return key


def parse_options(fields: dict, schema: Schema) -> Options:
    """The options as the route's schema (the one its OpenAPI entry shows) loads them."""
    try:
        data = schema.load(fields)
    except ValidationError as exc:
        raise from_validation(exc, schema) from None
    return Options(
        mode=data["mode"],
        pages=data.get("pages"),
        priority=data["priority"],
        external_ref=data.get("external_ref"),
        callback_url=clean_callback_url(data.get("callback_url")),
        batch_id=data.get("batch_id"),
        extract=data.get("extract"),
        tables=data["tables"],
    )


def _clean_filename(name: str | None, index: int) -> str:
    # Kept only for display and exports; files are stored under ids.
    name = _FILENAME_UNSAFE.sub("_", (name or "").strip())[-200:]
    return name or f"document-{index + 1}"


def read_raw_files() -> tuple[dict, list[RawFile]]:
    """(option fields, files) from a multipart or JSON body."""
    if request.mimetype == "application/json":
        body = json_body()
        if not isinstance(body, dict):
            raise InvalidContent("the JSON body must be an object with a `files` list")
        files = body.get("files")
        if not isinstance(files, list) or not files:
            raise MissingFile("send at least one file: {\"files\": [{\"filename\", \"content_base64\"}]}")
        raw = []
        for i, item in enumerate(files):
            if not isinstance(item, dict) or not isinstance(item.get("content_base64"), str):
                raise InvalidContent(f"files[{i}] needs a content_base64 string", details={"index": i})
            name = item.get("filename") if isinstance(item.get("filename"), str) else None
            # Popped: the decoded bytes replace the text, which is freed as soon as it is decoded.
            raw.append(RawFile(name, decode_base64(item.pop("content_base64"), i), item.get("idempotency_key")))
        fields = {k: v for k, v in body.items() if k != "files"}
        return fields, raw
    if request.mimetype == "multipart/form-data":
        parts = request.files.getlist("file")
        if not parts:
            raise MissingFile("send at least one multipart part named `file`")
        # A part with no name (Werkzeug keys it None) can be no option: it is left out.
        form = {k: request.form.getlist(k) for k in request.form if k is not None}
        repeated = sorted(k for k, values in form.items() if len(values) > 1)
        if repeated:  # each option is one value; which of several was meant is not ours to guess
            raise InvalidOption(f"{repeated[0]} is given more than once", details={"field": repeated[0]})
        return {k: values[0] for k, values in form.items()}, [RawFile(p.filename, p.read()) for p in parts]
    raise InvalidContent("send multipart/form-data with `file` parts, or application/json with `files`")


def decode_base64(value: str, index: int = 0) -> bytes:
    if value.startswith("data:"):
        value = value.split(",", 1)[-1]  # a data: URL from a browser
    try:
        return guards.decode_base64(value)
    except (binascii.Error, ValueError):
        raise InvalidContent(f"files[{index}].content_base64 is not valid base64", details={"index": index}) from None


def check_file(filename: str | None, data: bytes, index: int, options: Options, settings) -> CheckedFile:
    name = _clean_filename(filename, index)
    where = {"index": index, "filename": name}
    if len(data) > settings.max_upload_bytes:
        raise FileTooLarge(
            f"{name} is {len(data)} bytes; the limit is {settings.max_upload_bytes}",
            details={**where, "limit": settings.max_upload_bytes},
        )
    try:
        limits = Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
        with open_document(data, limits, decode=False) as doc:  # pages counted; the worker decodes
            kind, page_count = doc.kind, doc.page_count
            try:
                selected = doc.select(options.pages)
            except PipelineError as exc:
                raise InvalidPages(exc.message, details={**where, "field": "pages", **exc.details}) from None
    except PipelineError as exc:
        err = from_pipeline(exc)
        err.detail = {**where, **(exc.details or {})}
        raise err from None
    if not selected:
        raise InvalidPages(f"the page range selects no page of {name}", details={**where, "field": "pages"})
    return CheckedFile(
        filename=name,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        page_count=page_count,
        pages_selected=len(selected),
    )


def read_files(settings) -> tuple[dict, list[RawFile]]:
    """``read_raw_files`` within the request limits: at most ``MAX_FILES_PER_JOB`` files, their sum within the upload limit."""
    fields, raw = read_raw_files()
    if len(raw) > MAX_FILES_PER_JOB:
        raise InvalidOption(f"at most {MAX_FILES_PER_JOB} files per request", details={"files": len(raw)})
    total = sum(len(f.data) for f in raw)
    if total > settings.max_upload_bytes:
        raise FileTooLarge(
            f"the upload is {total} bytes; the limit is {settings.max_upload_bytes}",
            details={"limit": settings.max_upload_bytes},
        )
    return fields, raw


def read_request(settings) -> tuple[Options, list[RawFile]]:
    """The options and files of a ``POST /v1/jobs``, read once (a multipart part cannot be read twice)."""
    fields, raw = read_files(settings)
    return parse_options(fields, JobOptionsFields()), raw


def check_submission(options: Options, raw: list[RawFile], settings) -> Submission:
    files = [check_file(f.filename, f.data, i, options, settings) for i, f in enumerate(raw)]
    return Submission(options=options, files=files)
