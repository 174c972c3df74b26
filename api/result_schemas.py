"""Schemas of ``GET /v1/results`` (many jobs' results in one request); they appear in ``/openapi.json``."""
from __future__ import annotations

from apiflask import Schema
from apiflask.fields import List, Nested, String
from apiflask.validators import Length

from api.schemas import MAX_JOB_IDS, TABLE_RESULT_FORMATS, ErrorBody

# The formats whose result is text, so it fits a JSON string; pdf and pdfa stay with GET /v1/jobs/{id}/result.
TEXT_FORMATS = ("txt", "json", "hocr", "alto", "md")


class ResultsQuery(Schema):
    ids = String(
        required=True,
        validate=Length(min=1, max=MAX_JOB_IDS * 33),
        metadata={"description": f"comma-separated job ids (1 to {MAX_JOB_IDS}): one slot each, in this order",
                  # at least one id: not only commas and blanks; no control characters (api/guards.py)
                  "pattern": "^[^\\u0000-\\u001f\\u007f]*[^,\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$"},
    )
    format = String(load_default="txt", metadata={"description": ", ".join(TEXT_FORMATS) + ", or a job's tables as "
                                                  "tables.json, tables.csv, tables.xlsx, tables.html "
                                                  "(pdf: use GET /v1/jobs/{id}/result)",
                                                  "enum": [*TEXT_FORMATS, *TABLE_RESULT_FORMATS]})


class ResultSlot(Schema):
    id = String(required=True)
    status = String(metadata={"description": "the job's terminal status (succeeded, partial, failed, canceled)"})
    format = String()
    media_type = String(metadata={"description": "the Content-Type GET /v1/jobs/{id}/result answers for this job"})
    content = String(metadata={"description": "the bytes GET /v1/jobs/{id}/result?format= answers, decoded as UTF-8"})
    content_base64 = String(
        metadata={"description": "instead of content when the result is not text: alto of a job with several "
                                 "documents is a ZIP (media_type application/zip), so are tables.csv and tables.xlsx"},
    )
    error = Nested(ErrorBody, metadata={"description": "instead of the result: not_found (no such job for this key) "
                                                       "or job_not_finished (details.status), or for tables.* "
                                                       "tables_not_requested (the job was submitted without tables=true)"})


class ResultsList(Schema):
    results = List(Nested(ResultSlot))
