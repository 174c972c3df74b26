"""The batch.completed body: thin (counts and links, no text or file names), stable shape."""
from __future__ import annotations

import json

import pytest

from webhooks.events import BATCH_COMPLETED, EVENT_TYPES, batch_event, encode, job_event, outbox_event

SUMMARY = {
    "type": "batch.completed",
    "batch_id": "b1",
    "name": "Box 17",
    "external_ref": "ARCH-17",
    "files": {"total": 3, "by_status": {"succeeded": 2, "failed": 1}},
    "pages": {"total": 5, "by_status": {"succeeded": 4, "failed": 1}},
    "confidence": 0.912345,
    "completed_at": "2026-11-23T23:00:00Z",
    "filenames": ["secret-contract.pdf"],  # not on the allow-list: must not leak
}


def test_batch_event_shape():
    event = batch_event(SUMMARY, base_url="https://docpipe.example.com/")
    assert event == {
        "type": "batch.completed",
        "timestamp": "2026-11-23T23:00:00Z",
        "data": {
            "batch_id": "b1",
            "name": "Box 17",
            "external_ref": "ARCH-17",
            "files": {"total": 3, "by_status": {"succeeded": 2, "failed": 1}},
            "pages": {"total": 5, "by_status": {"succeeded": 4, "failed": 1}},
            "confidence": 0.9123,
            "links": {"batch": "https://docpipe.example.com/v1/batches/b1",
                      "jobs": "https://docpipe.example.com/v1/batches/b1/jobs"},
        },
    }
    assert b"secret-contract" not in encode(event)
    assert BATCH_COMPLETED in EVENT_TYPES


def test_outbox_event_picks_the_builder_by_payload():
    assert outbox_event(SUMMARY)["type"] == "batch.completed"
    job = {"id": "j1", "status": "succeeded", "progress": {"pages_total": 1, "pages_done": 1, "pages_failed": 0},
           "finished_at": "2026-11-23T22:00:00Z"}
    assert outbox_event(job) == job_event(job)
    with pytest.raises(KeyError):
        outbox_event({"type": "batch.completed"})  # malformed: the fan-out skips such a row


def test_empty_batch_counts_default_to_zero():
    data = batch_event({"batch_id": "b2", "files": None, "pages": {}})["data"]
    assert data["files"] == {"total": 0, "by_status": {}} and data["pages"] == {"total": 0, "by_status": {}}
    assert json.loads(encode(batch_event({"batch_id": "b2"})))["data"]["confidence"] is None
