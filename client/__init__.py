"""docpipe's Python client and bulk command (``python -m client bulk SRC OUT``).

Self-contained: needs only ``requests`` and ``tqdm`` (``client/requirements.txt``)
and imports nothing from the server, so it runs on any machine that reaches the API.
"""
from client.errors import (
    ApiError,
    BatchClosed,
    ClientError,
    Conflict,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    TransportError,
    Unauthorized,
    WaitTimeout,
    WebhookVerificationError,
)
from client.http_api import RESULT_FORMATS, TERMINAL_STATUSES, Client, slot_error
from client.retry import RetryPolicy
from client.webhooks import verify_webhook

__all__ = [
    "ApiError",
    "BatchClosed",
    "Client",
    "ClientError",
    "Conflict",
    "InvalidRequest",
    "MethodNotAllowed",
    "NotFound",
    "RESULT_FORMATS",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailable",
    "TERMINAL_STATUSES",
    "TransportError",
    "Unauthorized",
    "WaitTimeout",
    "WebhookVerificationError",
    "slot_error",
    "verify_webhook",
]
