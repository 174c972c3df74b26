"""Standard Webhooks signatures: secrets, signing and verification.

A message is signed as HMAC-SHA256 over ``"{id}.{timestamp}.{body}"`` with
the endpoint's secret (``whsec_`` + base64 of 24-64 random bytes). The
``webhook-signature`` header is a space-separated list of ``v1,<base64>``
entries so that during a secret rotation both the old and the new secret
sign, and a receiver holding either one accepts the message.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _random
import time
from collections.abc import Iterable, Mapping

from webhooks.errors import (
    InvalidSecretError,
    InvalidTimestampError,
    MissingHeadersError,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
)

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24  # the spec's floor (192 bits)
MAX_SECRET_BYTES = 64  # and its ceiling (512 bits)
DEFAULT_TOLERANCE = 300  # seconds either side of now, as the spec and its libraries use

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"


def generate_secret(nbytes: int = 32) -> str:
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise ValueError(f"a secret has {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes, not {nbytes}")
    return SECRET_PREFIX + base64.b64encode(_random.token_bytes(nbytes)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_...`` secret."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise InvalidSecretError("a webhook secret starts with 'whsec_'")
    encoded = secret[len(SECRET_PREFIX):]
    # Some tools print secrets without base64 padding; accept both.
    encoded += "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSecretError("the part after 'whsec_' is not base64") from None
    if len(key) < MIN_SECRET_BYTES:
        raise InvalidSecretError(
            f"a webhook secret needs at least {MIN_SECRET_BYTES} random bytes, this one has {len(key)}"
        )
    return key


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _signed_content(msg_id: str, timestamp: int, body: bytes) -> bytes:
    return f"{msg_id}.{timestamp}.".encode("utf-8") + body


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    return hmac.new(key, _signed_content(msg_id, timestamp, body), hashlib.sha256).digest()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """One ``v1,<base64>`` signature of the message with one secret."""
    # A '.' in the id would let one (id, body) pair pose as another.
    if not msg_id or "." in msg_id:
        raise ValueError("a webhook id is non-empty and has no '.'")
    mac = _digest(secret_key(secret), msg_id, int(timestamp), _as_bytes(body))
    return "v1," + base64.b64encode(mac).decode("ascii")


def signature_header(secrets: str | Iterable[str], msg_id: str, timestamp: int, body: bytes | str) -> str:
    """The ``webhook-signature`` value: one signature per secret, space-separated."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    if not keys:
        raise InvalidSecretError("at least one secret is needed to sign a webhook")
    return " ".join(sign(s, msg_id, timestamp, body) for s in keys)


def signed_headers(secrets: str | Iterable[str], msg_id: str, body: bytes, timestamp: int | None = None) -> dict:
    """The three Standard Webhooks headers for one attempt (timestamp = now by default)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_SIGNATURE: signature_header(secrets, msg_id, ts, body),
    }


def _header(headers: Mapping[str, str] | Iterable[tuple[str, str]], name: str) -> str | None:
    items = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        if key.strip().lower() == name:
            return value.strip()
    return None


def _candidate_signatures(header: str) -> list[bytes]:
    found = []
    for entry in header.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue  # e.g. v1a (asymmetric) entries we cannot check with a shared secret
        try:
            found.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found


def verify(
    secret: str | Iterable[str],
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> None:
    """Receiver side: return if the message is authentic and fresh, else raise a VerificationError."""
    msg_id = _header(headers, HEADER_ID)
    raw_ts = _header(headers, HEADER_TIMESTAMP)
    raw_sig = _header(headers, HEADER_SIGNATURE)
    missing = [n for n, v in ((HEADER_ID, msg_id), (HEADER_TIMESTAMP, raw_ts), (HEADER_SIGNATURE, raw_sig)) if not v]
    if missing:
        raise MissingHeadersError(f"missing header(s): {', '.join(missing)}", details={"missing": missing})
    if not raw_ts.isascii() or not raw_ts.isdigit():
        raise InvalidTimestampError(f"{HEADER_TIMESTAMP} must be unix seconds, got {raw_ts!r}")
    timestamp = int(raw_ts)
    skew = (time.time() if now is None else now) - timestamp
    if abs(skew) > tolerance:
        direction = "old" if skew > 0 else "far in the future"
        raise TimestampOutOfToleranceError(
            f"timestamp is {abs(int(skew))} s {direction}; at most {tolerance} s is accepted",
            details={"skew_seconds": int(skew), "tolerance": tolerance},
        )
    keys = [secret] if isinstance(secret, str) else list(secret)
    data = _as_bytes(body)
    offered = _candidate_signatures(raw_sig)
    for key in keys:
        expected = _digest(secret_key(key), msg_id, timestamp, data)
        # compare_digest against every offered entry: constant time per comparison.
        if any(hmac.compare_digest(expected, sig) for sig in offered):
            return
    raise SignatureMismatchError("no v1 signature matches this body with the given secret")
