"""Verify Standard Webhooks signatures on deliveries from the docpipe API.

Signed content is ``"{webhook-id}.{webhook-timestamp}.{body}"`` with
HMAC-SHA256 under the secret (``whsec_`` + base64 of the key bytes); the
``webhook-signature`` header holds one or more space-separated ``v1,<base64>``
entries (several while a secret is being rotated). A refusal's ``code`` is the one
the server's own check (``python -m webhooks verify``) prints: ``missing_signature_headers``,
``invalid_timestamp``, ``timestamp_out_of_tolerance``, ``invalid_signature`` or ``invalid_secret``.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

from client.errors import WebhookVerificationError

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300


def _secret_bytes(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        key = secret
    else:
        encoded = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
        try:
            # Unpadded base64 is common in copied secrets; extra '=' is ignored.
            key = base64.b64decode(encoded + "==", validate=False)
        except (binascii.Error, ValueError) as exc:
            raise WebhookVerificationError(
                "The webhook secret is not valid base64; copy it exactly as the API showed it.",
                code="invalid_secret",
            ) from exc
    if not key:
        raise WebhookVerificationError("The webhook secret is empty.", code="invalid_secret")
    return key


def _digest(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(secret: str | bytes, msg_id: str, timestamp: int | str, body: bytes) -> str:
    """The ``v1,<base64>`` signature the API sends for this message."""
    return "v1," + base64.b64encode(_digest(_secret_bytes(secret), msg_id, str(timestamp), body)).decode("ascii")


def verify_webhook(
    secret: str | bytes,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
):
    """Check a delivery and return its parsed JSON body; raise ``WebhookVerificationError`` if forged or stale.

    Pass the raw body bytes exactly as received: re-serialized JSON will not verify.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get("webhook-id")
    timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (msg_id and timestamp and signatures):
        raise WebhookVerificationError(
            "The webhook-id, webhook-timestamp and webhook-signature headers are all required.",
            code="missing_signature_headers",
        )
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise WebhookVerificationError(
            "webhook-timestamp must be whole seconds since the epoch.", code="invalid_timestamp"
        ) from exc
    # The tolerance window stops an attacker replaying an old captured delivery.
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_s:
        raise WebhookVerificationError(
            "The webhook timestamp is outside the allowed window; check this machine's clock.",
            code="timestamp_out_of_tolerance",
            details={"timestamp": sent_at, "now": int(current), "tolerance_s": tolerance_s},
        )
    # Signed over the header text exactly as sent, as the sender did.
    expected = _digest(_secret_bytes(secret), msg_id, timestamp, body)
    for entry in signatures.split():
        version, _, value = entry.partition(",")
        if version != "v1":
            continue
        try:
            candidate = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        # compare_digest keeps the comparison time independent of where bytes differ.
        if hmac.compare_digest(candidate, expected):
            return json.loads(body) if body else None
    raise WebhookVerificationError(
        "No webhook signature matches this body and secret.", code="invalid_signature"
    )
