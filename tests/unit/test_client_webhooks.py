"""Our webhook verification agrees with the reference ``standardwebhooks`` package both ways."""
from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook

from client import Client, WebhookVerificationError, verify_webhook
from client.webhooks import sign

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
BODY = json.dumps({"type": "job.succeeded", "job": {"id": "j1", "status": "succeeded"}}).encode()


def _headers(msg_id: str, ts: int, signature: str) -> dict:
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": signature}


def test_reference_signature_verifies_with_ours():
    ts = int(time.time())
    signature = Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(ts, tz=timezone.utc), BODY.decode())
    assert verify_webhook(SECRET, _headers("msg_1", ts, signature), BODY)["job"]["id"] == "j1"
    # The same through the Client, with headers in any case.
    upper = {k.title(): v for k, v in _headers("msg_1", ts, signature).items()}
    assert Client.verify_webhook(SECRET, upper, BODY.decode())["type"] == "job.succeeded"


def test_our_signature_verifies_with_reference():
    ts = int(time.time())
    headers = _headers("msg_2", ts, sign(SECRET, "msg_2", ts, BODY))
    assert Webhook(SECRET).verify(BODY, headers) == json.loads(BODY)


@pytest.mark.parametrize(
    "mutate, code",
    [
        (lambda h, b: (h, b + b" "), "invalid_signature"),
        (lambda h, b: ({**h, "webhook-id": "msg_other"}, b), "invalid_signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b), "missing_signature_headers"),
        (lambda h, b: ({**h, "webhook-timestamp": "yesterday"}, b), "invalid_timestamp"),
        (lambda h, b: ({**h, "webhook-signature": "v2," + h["webhook-signature"][3:]}, b), "invalid_signature"),
        (lambda h, b: ({**h, "webhook-signature": "v1,@@notbase64@@"}, b), "invalid_signature"),
    ],
)
def test_forged_or_malformed_deliveries_are_refused(mutate, code):
    ts = int(time.time())
    headers, body = mutate(_headers("msg_3", ts, sign(SECRET, "msg_3", ts, BODY)), BODY)
    with pytest.raises(WebhookVerificationError) as err:
        verify_webhook(SECRET, headers, body)
    assert err.value.code == code


@pytest.mark.parametrize("skew, ok", [(-299, True), (299, True), (-301, False), (301, False)])
def test_five_minute_tolerance(skew, ok):
    now = 1_800_000_000
    ts = now + skew
    headers = _headers("msg_4", ts, sign(SECRET, "msg_4", ts, BODY))
    if ok:
        assert verify_webhook(SECRET, headers, BODY, now=now)
    else:
        with pytest.raises(WebhookVerificationError) as err:
            verify_webhook(SECRET, headers, BODY, now=now)
        assert err.value.code == "timestamp_out_of_tolerance"


def test_one_matching_signature_among_several_is_enough():
    # During secret rotation the sender signs with the old and the new secret.
    old = "whsec_" + base64.b64encode(b"old-secret-bytes").decode()
    ts = int(time.time())
    both = sign(old, "msg_5", ts, BODY) + " " + sign(SECRET, "msg_5", ts, BODY)
    assert verify_webhook(SECRET, _headers("msg_5", ts, both), BODY)
    with pytest.raises(WebhookVerificationError):
        verify_webhook("whsec_" + base64.b64encode(b"third").decode(), _headers("msg_5", ts, both), BODY)


def test_secret_without_prefix_and_empty_secret():
    ts = int(time.time())
    headers = _headers("msg_6", ts, sign(SECRET, "msg_6", ts, BODY))
    assert verify_webhook(SECRET.removeprefix("whsec_"), headers, BODY)
    with pytest.raises(WebhookVerificationError) as err:
        verify_webhook("whsec_", headers, BODY)
    assert err.value.code == "invalid_secret"
