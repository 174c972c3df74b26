"""The thin event body: shape, links, and no page text."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from webhooks.events import encode, job_event, page_event

SUMMARY = {
    "id": "job_7f3a",
    "status": "partial",
    "pages_total": 12,
    "pages_done": 11,
    "pages_failed": 1,
    "confidence": 0.912345678,
    "external_ref": "PO-2026-0042",
    "finished_at": datetime(2026, 11, 23, 22, 5, 0, 123456),
    "error": {"code": "inference_failed", "message": "page 7 could not be read"},
    # Things a summary may carry that must never reach a receiver:
    "text": "CONFIDENTIAL invoice total 1,234.00",
    "pages": [{"text": "CONFIDENTIAL page text"}],
    "filename": "secret-merger.pdf",
}


def test_job_event_shape():
    event = job_event(SUMMARY, base_url="https://docpipe.example.com/")
    assert event == {
        "type": "job.partial",
        "timestamp": "2026-11-23T22:05:00.123456Z",
        "data": {
            "job_id": "job_7f3a",
            "status": "partial",
            "external_ref": "PO-2026-0042",
            "progress": {"pages_total": 12, "pages_done": 11, "pages_failed": 1},
            "confidence": 0.9123,
            "error": {"code": "inference_failed", "message": "page 7 could not be read"},
            "links": {
                "job": "https://docpipe.example.com/v1/jobs/job_7f3a",
                "pages": "https://docpipe.example.com/v1/jobs/job_7f3a/pages",
            },
        },
    }


@pytest.mark.parametrize("status", ["succeeded", "partial", "failed", "canceled"])
def test_every_terminal_state_has_its_type_and_no_text_leaks(status):
    body = encode(job_event({**SUMMARY, "status": status}))
    event = json.loads(body)
    assert event["type"] == f"job.{status}"
    assert b"CONFIDENTIAL" not in body and b"secret-merger" not in body
    assert event["data"]["links"]["job"] == "/v1/jobs/job_7f3a"


@pytest.mark.parametrize("status", ["queued", "running", "bogus"])
def test_non_terminal_states_have_no_job_event(status):
    with pytest.raises(ValueError):
        job_event({**SUMMARY, "status": status})


def test_encoding_is_compact_utf8_and_deterministic():
    event = job_event({**SUMMARY, "external_ref": "订单-42"}, occurred_at="2026-11-23T22:05:00Z")
    body = encode(event)
    assert body == encode(json.loads(body))
    assert body == json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert b": " not in body and b", " not in body
    assert "订单-42".encode() in body
    with pytest.raises(ValueError):
        encode({"confidence": float("nan")})


def test_outbox_payload_with_nested_progress():
    # The shape db.finalize writes into webhook_events.payload.
    payload = {"id": "j9", "status": "failed", "external_ref": None, "confidence": None,
               "progress": {"pages_total": 4, "pages_done": 0, "pages_failed": 4},
               "finished_at": "2026-11-23T22:05:00Z"}
    event = job_event(payload)
    assert event["type"] == "job.failed" and event["timestamp"] == "2026-11-23T22:05:00Z"
    assert event["data"]["progress"] == {"pages_total": 4, "pages_done": 0, "pages_failed": 4}
    assert event["data"]["confidence"] is None


def test_job_ids_are_escaped_in_links():
    event = job_event({**SUMMARY, "id": "a/b c"}, base_url="http://x")
    assert event["data"]["links"]["job"] == "http://x/v1/jobs/a%2Fb%20c"


def test_timestamp_defaults_to_now_in_utc():
    event = job_event({k: v for k, v in SUMMARY.items() if k != "finished_at"})
    moment = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(timezone.utc) - moment).total_seconds()) < 5


def test_page_event_is_thin():
    event = page_event(
        {"job_id": "job_1", "page_no": 3, "status": "succeeded", "document": "doc_1", "source": "ocr",
         "confidence": 0.98765, "text": "CONFIDENTIAL"},
        occurred_at="2026-11-23T22:05:00Z",
    )
    assert event["type"] == "page.completed"
    assert event["data"]["page_no"] == 3 and event["data"]["confidence"] == 0.9877
    assert b"CONFIDENTIAL" not in encode(event)
