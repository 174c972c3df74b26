"""The client's one error hierarchy.

API errors are built from the server's envelope
``{"error": {"code", "message", "details"}}`` and typed by HTTP status, so
callers catch ``NotFound`` or ``RateLimited`` instead of reading messages.
Every error has a stable snake_case ``code``.
"""
from __future__ import annotations


class ClientError(Exception):
    code = "client_error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class ApiError(ClientError):
    """The API answered with an error status."""

    code = "api_error"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        details: dict | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, code=code or f"http_{status}", details=details)
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


class InvalidRequest(ApiError):
    """400/413/415/422: the request or the file was refused; sending it again will not help."""


class Unauthorized(ApiError):
    """401/403: the API key is missing, wrong or revoked."""


class NotFound(ApiError):
    """404: no such job (or it belongs to another tenant), or the route does not exist."""


class MethodNotAllowed(ApiError):
    """405: the server does not offer this operation (an older server version)."""


class Conflict(ApiError):
    """409: the job or batch is in the wrong state for this request."""


class BatchClosed(Conflict):
    """409 ``batch_closed``: the job names a batch that has been closed; submit it into a new batch."""


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` says when to come back."""


class ServiceUnavailable(ApiError):
    """503: a dependency of the API is down; try again later."""


class ServerError(ApiError):
    """Any other 5xx."""


_BY_STATUS = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    413: InvalidRequest,
    415: InvalidRequest,
    422: InvalidRequest,
    429: RateLimited,
    503: ServiceUnavailable,
}


# Envelope codes that callers act on get their own subclass of the status's class.
_BY_CODE = {(409, "batch_closed"): BatchClosed}


def error_class_for(status: int, code: str | None = None) -> type[ApiError]:
    if (status, code) in _BY_CODE:
        return _BY_CODE[(status, code)]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return InvalidRequest
    return ApiError


class TransportError(ClientError):
    """The API could not be reached (connection refused, reset, timed out) after retries."""

    code = "connection_failed"


class WaitTimeout(ClientError):
    """``Client.wait`` gave up before the job reached a terminal state."""

    code = "timeout"


class BulkInterrupted(ClientError):
    """The bulk run was stopped while this file's job was in flight; the job keeps running on the server."""

    code = "interrupted"


class WebhookVerificationError(ClientError):
    """A webhook's signature headers are missing, stale or do not match its body."""

    code = "invalid_signature"
