"""Request and response schemas; apiflask generates ``/openapi.json`` from them.

Field names here are the public contract (the web page and the bulk client
code against them): add fields, never rename. The submit schemas also check
the submitted options (api/submission.py loads them; api/errors.py turns
their refusals into the JSON error envelope).
"""
from __future__ import annotations

from datetime import timezone

from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Dict, File, Float, Integer, List, Nested, Raw, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import EXCLUDE, ValidationError, missing

from db.fields import EXTRACTS
from db.states import JobStatus, PageStatus
from pipeline import PipelineError, export
from pipeline.export.tables import TABLE_FORMATS as _TABLE_FORMATS
from pipeline.pages import parse_page_spec

MODES = ("auto", "ocr", "text")
# A job's tables among its result formats (``/result?format=``, ``/v1/results``, bulk).
TABLE_RESULT_FORMATS = tuple("tables." + f for f in _TABLE_FORMATS)
PRIORITIES = ("interactive", "bulk")
JOB_STATUSES = tuple(JobStatus)
PAGE_STATUSES = tuple(PageStatus)


class ErrorBody(Schema):
    code = String(required=True, metadata={"description": "stable snake_case code"})
    message = String(required=True)
    details = Dict()


class ErrorEnvelope(Schema):
    error = Nested(ErrorBody, required=True)


# ------------------------------------------------------------------ submitting


class Text(String):
    """A submitted option: surrounding blanks dropped; blank or null counts as not given (its default applies)."""

    def __init__(self, *args, **kwargs):
        # Null (an empty multipart field) is accepted, as its default: the document says so.
        kwargs.setdefault("allow_none", True)
        super().__init__(*args, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            value = missing
        elif isinstance(value, str):
            value = value.strip()
        return super().deserialize(value, attr, data, **kwargs)


class Flag(Boolean):
    """A submitted true/false (form fields arrive as text); blank or null counts as not given. Only the
    words true and false (any case), as the document's boolean says: marshmallow would also take 1/0/yes/on."""

    truthy = {True, "true", "True", "TRUE"}
    falsy = {False, "false", "False", "FALSE"}

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            value = missing
        return super().deserialize(value, attr, data, **kwargs)


class UtcDateTime(DateTime):
    """An ISO 8601 time as naive UTC (what the columns hold). A time whose conversion to UTC leaves
    the years a datetime can hold (``0001-01-01T00:00:01+01:01``) is refused, not a 500."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise ValidationError("the time is out of range once converted to UTC") from None


def page_range(value: str) -> None:
    try:
        parse_page_spec(value, None)  # the syntax only: each file's page count is checked with the file
    except PipelineError as exc:
        raise ValidationError(exc.message) from None


class SubmitOptions(Schema):
    """The options of every submit; unknown fields are ignored (form fields a client adds for itself)."""

    class Meta:
        unknown = EXCLUDE

    mode = Text(validate=OneOf(MODES), load_default="auto", metadata={"description": "auto: a page's text layer when it has one; ocr: always OCR; text: only extract"})
    priority = Text(validate=OneOf(PRIORITIES), load_default="interactive")
    pages = Text(validate=[Length(max=200), page_range], metadata={"description": "page range, e.g. 1-3,5"})
    callback_url = Text(validate=Length(max=2000), metadata={"description": "http(s) URL told when the job ends"})
    external_ref = Text(validate=Length(max=200), metadata={"description": "the caller's id, echoed back"})
    extract = Text(validate=OneOf(EXTRACTS), metadata={"description": "invoice: also read each document's invoice fields, "
                                                                     "line items and checks (GET /v1/jobs/{id}/fields)"})
    tables = Flag(load_default=False, metadata={"description": "true: find each page's tables as cells (page `tables`, GET /v1/jobs/{id}/tables)"})


class JobOptionsFields(SubmitOptions):
    batch_id = Text(validate=Length(max=32), metadata={"description": "a batch of this key's (POST /v1/batches)"})


class JobSubmitMultipart(JobOptionsFields):
    file = List(File(), required=True, validate=Length(min=1), metadata={"description": "one or more `file` parts: PDF, TIFF, PNG, JPEG, BMP or WebP"})


class FileBase64(Schema):
    filename = String(validate=Length(max=500))
    content_base64 = String(required=True, validate=Length(min=1))


class JobSubmitJson(JobOptionsFields):
    files = List(Nested(FileBase64), required=True, validate=Length(min=1))


# ------------------------------------------------------------------ job view


class Progress(Schema):
    pages_total = Integer()
    pages_done = Integer()
    pages_failed = Integer()


class ErrorSummary(Schema):
    code = String()
    message = String()


class DocumentView(Schema):
    id = String()
    filename = String()
    sha256 = String()
    page_count = Integer()
    kind = String()
    status = String()
    error = Nested(ErrorSummary, allow_none=True)
    document_type = String(allow_none=True, metadata={"description": "extract=invoice: what the document is, once read"})
    needs_review = Boolean(allow_none=True, metadata={"description": "extract=invoice: a person should check its fields "
                                                                     "(GET /v1/jobs/{id}/fields says why)"})


class JobOptionsView(Schema):
    mode = String()
    pages = String(allow_none=True)
    priority = String()
    extract = String(metadata={"enum": list(EXTRACTS), "description": "present when the job was submitted with it"})
    tables = Boolean()


class JobLinks(Schema):
    self = String()
    pages = String()
    result = String()
    fields = String(metadata={"description": "only for jobs submitted with extract=invoice"})


class JobView(Schema):
    id = String()
    status = String(metadata={"enum": list(JOB_STATUSES)})
    progress = Nested(Progress)
    documents = List(Nested(DocumentView))
    confidence = Float(allow_none=True, metadata={"description": "mean over the pages read so far"})
    confidence_min = Float(allow_none=True, metadata={"description": "the lowest page confidence so far"})
    error = Nested(ErrorSummary, allow_none=True)
    options = Nested(JobOptionsView)
    external_ref = String(allow_none=True)
    created_at = String()
    updated_at = String()
    finished_at = String(allow_none=True)
    links = Nested(JobLinks)
    batch_id = String(allow_none=True)
    reused_from = String(allow_none=True, metadata={"description": "the job whose stored pages answered this one (same files, options and models)"})


MAX_JOB_IDS = 100


def split_ids(text: str | None) -> list[str]:
    """The job ids of a comma-separated ``ids`` parameter, blanks dropped, in the order given."""
    return [i.strip() for i in (text or "").split(",") if i.strip()]


class JobsQuery(Schema):
    status = String(validate=OneOf(JOB_STATUSES))
    ended = Boolean(
        load_default=False,
        metadata={"description": "true: only jobs that have ended (succeeded, partial, failed or canceled); "
                                 "with ids, a client watching its jobs in flight learns which ended without "
                                 "reading the views of those still running"},
    )
    external_ref = String(validate=Length(max=200))
    updated_since = UtcDateTime(metadata={"description": "ISO 8601; jobs updated at or after"})
    ids = String(
        validate=Length(max=MAX_JOB_IDS * 33),
        metadata={"description": f"comma-separated job ids (at most {MAX_JOB_IDS}): the current view of each, "
                                 "in one request (a bulk client watching its jobs in flight)"},
    )
    cursor = String(validate=Length(max=500))
    limit = Integer(load_default=50, validate=Range(min=1, max=500))


class JobsList(Schema):
    jobs = List(Nested(JobView))
    next_cursor = String(allow_none=True)


# ------------------------------------------------------------------ pages


class WordView(Schema):
    text = String()
    confidence = Float()
    box = List(Float())


class LineView(Schema):
    text = String()
    confidence = Float()
    box = List(Float(), metadata={"description": "[x0, y0, x1, y1] in page pixels (see width, height)"})
    words = List(Nested(WordView))


class CellView(Schema):
    row = Integer(metadata={"description": "0-based; a spanning cell appears once, at its top-left position"})
    col = Integer()
    row_span = Integer()
    col_span = Integer()
    text = String()
    box = List(Float(), metadata={"description": "[x0, y0, x1, y1] in page pixels"})
    confidence = Float()


class TableView(Schema):
    rows = Integer()
    cols = Integer()
    box = List(Float(), metadata={"description": "[x0, y0, x1, y1] in page pixels"})
    header_rows = Integer(metadata={"description": "how many rows from the top are the header"})
    cells = List(Nested(CellView))


class BlockView(Schema):
    type = String(metadata={"enum": ["heading", "paragraph", "list_item", "table", "figure", "caption", "header",
                                     "footer", "page_number"]})
    box = List(Float(), metadata={"description": "[x0, y0, x1, y1] in page pixels"})
    lines = List(Integer(), metadata={"description": "indices into the page's lines, in reading order"})
    level = Integer(metadata={"description": "headings only: 1 is the page's largest"})


class Provenance(Schema):
    models = Dict(keys=String(), values=String(), metadata={"description": "model name → sha256"})
    dpi = Integer(allow_none=True)
    deskew_angle = Float(allow_none=True)
    rotation = Integer(allow_none=True)
    document_sha256 = String()


class PageView(Schema):
    id = String()
    document = String(metadata={"description": "document id"})
    page_no = Integer()
    status = String(metadata={"enum": list(PAGE_STATUSES)})
    source = String(allow_none=True, metadata={"enum": ["ocr", "text_layer", None]})
    text = String(allow_none=True)
    confidence = Float(allow_none=True)
    lines = List(Nested(LineView))
    blocks = List(Nested(BlockView), metadata={"description": "the lines grouped into typed blocks, in reading order"})
    width = Integer(allow_none=True)
    height = Integer(allow_none=True)
    dpi = Integer(allow_none=True)
    error = Nested(ErrorSummary, allow_none=True)
    attempts = Integer()
    timings = Dict(keys=String(), values=Float())
    tables = List(Nested(TableView), metadata={"description": "the page's tables when the job asked (tables=true), else []"})
    warnings = List(String(), metadata={"description": "codes for a page that succeeded with a caveat: "
                                        "no_text_layer (mode=text on a page with no text to extract)"})
    provenance = Nested(Provenance, allow_none=True)
    image_url = String()


# The largest offset a database integer takes (PostgreSQL refuses a bigger one in OFFSET with a 500).
MAX_OFFSET = 2**31 - 1


class PagesQuery(Schema):
    offset = Integer(load_default=0, validate=Range(min=0, max=MAX_OFFSET))
    limit = Integer(load_default=50, validate=Range(min=1, max=500))


class PagesList(Schema):
    pages = List(Nested(PageView))
    next = String(allow_none=True)


class ResultQuery(Schema):
    format = String(load_default="txt", metadata={"description": "txt, json, hocr, alto, md, pdf, pdfa (as the server offers); "
                                                  "tables.json, tables.csv, tables.xlsx, tables.html as GET /v1/jobs/{id}/tables",
                                                  "enum": [*export.FORMATS, *TABLE_RESULT_FORMATS]})


# ------------------------------------------------------------------ single image


class OcrSyncJson(Schema):
    content_base64 = String(required=True, validate=Length(min=1))
    mode = String(validate=OneOf(MODES), load_default="auto")


class OcrSyncMultipart(Schema):
    class Meta:
        unknown = EXCLUDE  # as on POST /v1/jobs: form fields a client adds for itself are ignored

    file = File(required=True)
    mode = Text(validate=OneOf(MODES), load_default="auto")


class OcrSyncResult(Schema):
    text = String()
    confidence = Float()
    lines = List(Nested(LineView))
    width = Integer()
    height = Integer()
    warnings = List(String(), metadata={"description": "as a job page's warnings, e.g. no_text_layer"})
    processing_time_ms = Float()


class PredictIn(Schema):
    image = String(required=True, validate=Length(min=1), metadata={"description": "base64 image (a data: URL prefix is accepted)"})


class PredictOut(Schema):
    success = Boolean()
    text = String()
    confidence = Float()
    processing_time_ms = Float()
    error = String()
    code = String()


# ------------------------------------------------------------------ health


class HealthOut(Schema):
    status = String()


class CheckOut(Schema):
    ok = Boolean()
    detail = Raw()


class ReadyOut(Schema):
    ready = Boolean()
    checks = Dict(keys=String(), values=Nested(CheckOut))
