"""Webhook errors, one class per stable snake_case ``code``.

The delivery log stores ``code``; the API and the verify CLI show
``message``. Callers branch on the type, never on the message text. The
receiver-side codes are the ones the client's ``verify_webhook`` raises
too, so a receiver sees the same reason from either.
"""
from __future__ import annotations

from pipeline.errors import CodedError


class WebhookError(CodedError):
    code = "webhook_error"


class InvalidUrlError(WebhookError):
    """The callback URL is not an absolute http(s) URL we can call."""

    code = "invalid_url"


class BlockedDestinationError(WebhookError):
    """The URL names or resolves to an address the SSRF guard refuses."""

    code = "blocked_destination"


class InvalidAllowedNetworksError(WebhookError):
    """DOCPIPE_WEBHOOK_ALLOWED_NETWORKS holds something that is not a CIDR."""

    code = "invalid_allowed_networks"


class InvalidSecretError(WebhookError):
    """A signing secret is not ``whsec_`` + base64 of enough bytes."""

    code = "invalid_secret"


class VerificationError(WebhookError):
    """Base of every reason a receiver rejects a webhook."""

    code = "verification_failed"


class MissingHeadersError(VerificationError):
    code = "missing_signature_headers"


class InvalidTimestampError(VerificationError):
    code = "invalid_timestamp"


class TimestampOutOfToleranceError(VerificationError):
    code = "timestamp_out_of_tolerance"


class SignatureMismatchError(VerificationError):
    code = "invalid_signature"


class DnsError(WebhookError):
    """The callback host did not resolve to any address."""

    code = "dns_error"


class DeliveryBusy(WebhookError):
    """A worker holds the delivery right now; redelivering would send it twice at once."""

    code = "delivery_in_progress"


class EndpointDisabled(WebhookError):
    """The endpoint answered 410 Gone; a replay enables it again."""

    code = "endpoint_disabled"
