"""The API's side of the callback-URL rule: a job's or batch's callback_url and an endpoint's url.

Both pass ``webhooks.destination.check_callback_url`` (the rule the
transport applies before each attempt), so a URL the API accepts is one a
delivery will try. Webhooks are sent signed or not at all: a callback_url
that is one of the tenant's registered endpoints is signed with that
endpoint's secret, any other one needs ``DOCPIPE_WEBHOOK_SECRET``. Without
it the job would run and its webhook fail later, silently for the caller;
answering 422 now tells them while they are still listening.
"""
from __future__ import annotations

from api.errors import ApiError, InvalidOption
from api.services import services
from webhooks.destination import check_callback_url, parse_allowed_networks
from webhooks.endpoints import is_registered
from webhooks.errors import BlockedDestinationError, WebhookError


class InvalidUrl(ApiError):
    status_code = 422
    code = "invalid_url"


class BlockedDestination(ApiError):
    status_code = 422
    code = "blocked_destination"


class WebhookSecretMissing(ApiError):
    status_code = 422
    code = "webhook_secret_missing"


def checked_url(url: str, field: str, invalid: type[ApiError] = InvalidUrl) -> str:
    """``url`` stripped if the rule accepts it; a refused address is 422 ``blocked_destination``."""
    allowed = parse_allowed_networks(services().settings.webhook_allowed_networks)
    try:
        return check_callback_url(url, allowed, subject=field)
    except BlockedDestinationError as exc:
        raise BlockedDestination(exc.message, details={"field": field, **exc.details}) from None
    except WebhookError as exc:
        raise invalid(exc.message, details={"field": field, **exc.details}) from None


def clean_callback_url(value: str | None) -> str | None:
    """The callback_url as given (stripped), None when blank; a malformed one is 400 ``invalid_option``."""
    value = (value or "").strip() or None
    return None if value is None else checked_url(value, "callback_url", invalid=InvalidOption)


def require_signable_callback(session, tenant_id: str, callback_url: str | None, settings, field: str = "callback_url") -> None:
    if not callback_url or settings.webhook_secret:
        return
    if not is_registered(session, tenant_id, callback_url):
        raise WebhookSecretMissing(
            f"{field} cannot be signed: this server has no DOCPIPE_WEBHOOK_SECRET and the URL is none of this "
            "key's webhook endpoints; register it with POST /v1/webhook-endpoints, or leave it out",
            details={"field": field},
        )
