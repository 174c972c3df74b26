"""One JSON error envelope for every error: ``{"error": {"code", "message", "details"}}``.

``ApiError`` subclasses carry a stable snake_case code and an HTTP status.
Pipeline errors are mapped to HTTP by type in ``PIPELINE_STATUS``; a submit
schema's refusal becomes ``invalid_option`` (``from_validation``); the
framework's own errors (404, 405, 413, validation) get codes by status.
Anything unexpected becomes a 500 ``internal_error`` without a traceback.
"""
from __future__ import annotations

import logging

from apiflask import HTTPError
from marshmallow.validate import OneOf

log = logging.getLogger(__name__)


class ApiError(HTTPError):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict | None = None, status: int | None = None, headers=None):
        super().__init__(status or self.status_code, message, detail=details or {}, headers=headers)
        self.code = type(self).code


class InvalidOption(ApiError):
    code = "invalid_option"


class InvalidPages(ApiError):
    status_code = 422
    code = "invalid_option"


class MissingFile(ApiError):
    code = "missing_file"


class InvalidContent(ApiError):
    code = "invalid_content"


class FileTooLarge(ApiError):
    status_code = 413
    code = "file_too_large"


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str, **kw):
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="docpipe"'}, **kw)


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class Conflict(ApiError):
    status_code = 409
    code = "wrong_state"


class ServiceUnavailable(ApiError):
    status_code = 503
    code = "service_unavailable"


# Pipeline error code → HTTP status (input problems are the client's: 4xx).
PIPELINE_STATUS = {
    "unsupported_type": 415,
    "empty_file": 400,
    "encrypted_pdf": 422,
    "too_many_pages": 422,
    "corrupt_file": 422,
    "page_too_large": 422,
    "invalid_pages": 422,
}

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "wrong_state",
    413: "file_too_large",
    415: "unsupported_type",
    422: "invalid_option",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def from_pipeline(exc) -> ApiError:
    status = PIPELINE_STATUS.get(exc.code)
    if status is None:
        return _internal(exc)
    err = ApiError(exc.message, details=exc.details, status=status)
    err.code = "invalid_option" if exc.code == "invalid_pages" else exc.code
    return err


def from_validation(exc, schema) -> InvalidOption:
    """A submit schema's refusal (marshmallow ``ValidationError``): 400 ``invalid_option`` naming the
    first refused field in the schema's order, with the allowed values when the field has a list."""
    messages = exc.normalized_messages()
    field = next((name for name in schema.fields if name in messages), None) or next(iter(messages))
    reason = messages[field]
    reason = reason[0] if isinstance(reason, list) and reason else reason
    details = {"field": field}
    for validator in getattr(schema.fields.get(field), "validators", ()):
        if isinstance(validator, OneOf):
            details["allowed"] = list(validator.choices)
    return InvalidOption(f"{field}: {reason}", details=details)


def _internal(exc) -> ApiError:
    err = ApiError("the OCR engine failed on this input; try again later", status=500)
    err.code = getattr(exc, "code", "internal_error")
    return err


def envelope(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_processor(error: HTTPError):
    """apiflask's hook for every HTTPError, including converted werkzeug ones and validation errors."""
    code = getattr(error, "code", None)
    if not isinstance(code, str):  # werkzeug keeps the status number in `code`
        code = _CODE_BY_STATUS.get(error.status_code, "error")
    details = error.detail if isinstance(error.detail, dict) else {"detail": error.detail} if error.detail else {}
    message = error.message
    if error.status_code == 422 and code == "invalid_option" and details and not isinstance(error, ApiError):
        message = "invalid request parameters; see details"
    if error.status_code == 413 and not isinstance(error, ApiError):
        message = "the upload is larger than the limit"
    return envelope(code, message, details), error.status_code, error.headers


def register(app) -> None:
    from sqlalchemy.exc import OperationalError

    app.error_processor(error_processor)

    @app.errorhandler(OperationalError)
    def _database_down(exc):  # the source of truth is unreachable: nothing was accepted
        log.warning("database unavailable: %s", exc)
        return envelope("service_unavailable", "the database is unavailable; try again shortly"), 503, {"Retry-After": "5"}

    @app.errorhandler(RecursionError)
    def _too_deep(exc):  # JSON nested beyond the parser's depth, on a path api/guards.py did not see
        return envelope("invalid_content", "the JSON body is nested too deeply"), 400

    @app.errorhandler(Exception)
    def _unexpected(exc):  # never a traceback to the client
        log.exception("unhandled error")
        return envelope("internal_error", "something went wrong on our side; try again later"), 500
