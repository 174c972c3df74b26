"""Refuse a callback_url that could never be signed, at submit, before anything is stored.

Webhooks are sent signed or not at all (workers/webhook_tasks.py). A
callback_url that is one of the tenant's registered endpoints is signed
with that endpoint's secret; any other one needs ``DOCPIPE_WEBHOOK_SECRET``.
Without it the job would run and its webhook fail later, silently for the
caller; answering 422 now tells them while they are still listening.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from api.errors import ApiError, InvalidOption
from db.webhook_models import WebhookEndpoint


class WebhookSecretMissing(ApiError):
    status_code = 422
    code = "webhook_secret_missing"


def clean_callback_url(value: str | None) -> str | None:
    """The callback_url as given (stripped), None when blank; 400 unless it is an absolute http(s) URL."""
    value = (value or "").strip() or None
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidOption("callback_url must be an absolute http(s) URL", details={"field": "callback_url"})
    return value


def require_signable_callback(session, tenant_id: str, callback_url: str | None, settings, field: str = "callback_url") -> None:
    if not callback_url or settings.webhook_secret:
        return
    registered = session.scalar(
        select(WebhookEndpoint.id).where(
            WebhookEndpoint.tenant_id == tenant_id,
            WebhookEndpoint.url == callback_url,
            WebhookEndpoint.disabled_at.is_(None),
        ).limit(1)
    )
    if registered is None:
        raise WebhookSecretMissing(
            f"{field} cannot be signed: this server has no DOCPIPE_WEBHOOK_SECRET and the URL is none of this "
            "key's webhook endpoints; register it with POST /v1/webhook-endpoints, or leave it out",
            details={"field": field},
        )
