"""Standard Webhooks signing and verification, checked against the reference library and the client's
verify_webhook (the same error codes)."""
from __future__ import annotations

import base64
import time
from datetime import datetime, timezone

import pytest
import standardwebhooks

from client import WebhookVerificationError as ClientVerificationError
from client import verify_webhook
from webhooks.errors import (
    InvalidSecretError,
    InvalidTimestampError,
    MissingHeadersError,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
)
from webhooks.signing import generate_secret, secret_key, sign, signature_header, signed_headers, verify

BODY = b'{"type":"job.succeeded","timestamp":"2026-11-23T22:00:00Z","data":{"job_id":"j1"}}'


def test_generated_secret_is_whsec_base64_of_enough_random_bytes():
    secrets = {generate_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret[len("whsec_"):], validate=True)) == 32
    assert len(secret_key(generate_secret(24))) == 24
    with pytest.raises(ValueError):
        generate_secret(16)


def test_published_test_vector():
    # The example from the Standard Webhooks / Svix documentation.
    signature = sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                     b'{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_reference_library_accepts_our_signature_and_we_accept_its():
    secret = generate_secret()
    now = int(time.time())
    headers = signed_headers(secret, "evt_42", BODY, now)
    assert standardwebhooks.Webhook(secret).verify(BODY, headers)["data"]["job_id"] == "j1"

    theirs = standardwebhooks.Webhook(secret).sign("evt_43", datetime.fromtimestamp(now, timezone.utc), BODY.decode())
    assert theirs == sign(secret, "evt_43", now, BODY)
    verify(secret, {"webhook-id": "evt_43", "webhook-timestamp": str(now), "webhook-signature": theirs}, BODY)


@pytest.mark.parametrize(
    "change, error",
    [
        ("body", SignatureMismatchError),
        ("secret", SignatureMismatchError),
        ("id", SignatureMismatchError),
        ("old", TimestampOutOfToleranceError),
        ("future", TimestampOutOfToleranceError),
        ("garbled_timestamp", InvalidTimestampError),
        ("no_signature", MissingHeadersError),
        ("unknown_version", SignatureMismatchError),
    ],
)
def test_verify_rejects(change, error):
    secret = generate_secret()
    now = int(time.time())
    ts = now - 600 if change == "old" else now + 600 if change == "future" else now
    headers = signed_headers(secret, "evt_1", BODY, ts)
    body = BODY
    if change == "body":
        body = BODY.replace(b"j1", b"j2")
    elif change == "secret":
        secret = generate_secret()
    elif change == "id":
        headers["webhook-id"] = "evt_2"
    elif change == "garbled_timestamp":
        headers["webhook-timestamp"] = "1e9"
    elif change == "no_signature":
        del headers["webhook-signature"]
    elif change == "unknown_version":
        headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v2,")
    with pytest.raises(error) as caught:
        verify(secret, headers, body, now=now)
    assert caught.value.code == error.code
    # The client's receiver check gives the same reason, by the same code.
    with pytest.raises(ClientVerificationError) as client_caught:
        verify_webhook(secret, headers, body, now=now)
    assert client_caught.value.code == error.code
    # The reference library rejects every one of them too.
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(body, headers)


def test_verify_tolerance_boundary_and_case_insensitive_headers():
    secret = generate_secret()
    headers = {k.upper(): v for k, v in signed_headers(secret, "evt_1", BODY, 1_000_000).items()}
    verify(secret, headers, BODY, now=1_000_300)
    verify(secret, headers, BODY, now=999_700)
    with pytest.raises(TimestampOutOfToleranceError):
        verify(secret, headers, BODY, now=1_000_301)
    verify(secret, headers, BODY, tolerance=3600, now=1_003_000)


def test_rotation_both_secrets_sign_and_either_verifies():
    old, new = generate_secret(), generate_secret()
    headers = signed_headers([old, new], "evt_9", BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    verify(old, headers, BODY)
    verify(new, headers, BODY)
    standardwebhooks.Webhook(old).verify(BODY, headers)
    standardwebhooks.Webhook(new).verify(BODY, headers)
    with pytest.raises(SignatureMismatchError):
        verify(generate_secret(), headers, BODY)


def test_malformed_signature_entries_are_skipped_not_fatal():
    secret = generate_secret()
    ts = int(time.time())
    good = sign(secret, "evt_1", ts, BODY)
    header = f"v1,%%%notbase64 garbage v1a,AAAA {good}"
    verify(secret, {"webhook-id": "evt_1", "webhook-timestamp": str(ts), "webhook-signature": header}, BODY)


@pytest.mark.parametrize("secret", ["", "abc", "whsec_", "whsec_!!!!", "whsec_" + base64.b64encode(b"x" * 16).decode()])
def test_bad_secrets_are_refused(secret):
    with pytest.raises(InvalidSecretError):
        sign(secret, "evt_1", 1, b"{}")


def test_unpadded_secret_is_accepted():
    secret = "whsec_" + base64.b64encode(b"k" * 25).decode().rstrip("=")
    assert secret_key(secret) == b"k" * 25


def test_ids_with_dots_are_refused():
    with pytest.raises(ValueError):
        signature_header(generate_secret(), "evt.1", 1, b"{}")
