"""A job event's body carries the documents' fields only for an endpoint that asked (include: ["fields"])."""
from __future__ import annotations

from webhooks.events import encode, job_event, outbox_event

SUMMARY = {
    "id": "j1", "status": "succeeded", "external_ref": "ERP-1", "confidence": 0.97,
    "progress": {"pages_total": 1, "pages_done": 1, "pages_failed": 0}, "finished_at": "2026-12-04T05:00:00",
    "documents": [{"document": "d1", "filename": "inv.pdf", "position": 0, "document_type": "invoice",
                   "fields": {"invoice_number": {"value": "INV-9", "confidence": 0.9, "page": 1,
                                                 "box": [1, 2, 3, 4], "source": "text_layer"}},
                   "checks": [], "needs_review": False, "error": None}],
}


def test_thin_unless_fields_are_included():
    thin = outbox_event(SUMMARY, base_url="https://docpipe.example")
    assert "documents" not in thin["data"] and b"INV-9" not in encode(thin)
    full = outbox_event(SUMMARY, base_url="https://docpipe.example", include=("fields",))
    assert full["data"]["documents"] == SUMMARY["documents"]
    assert full["data"]["links"]["fields"] == "https://docpipe.example/v1/jobs/j1/fields"
    # Everything else is the thin body, unchanged.
    assert {k: v for k, v in full["data"].items() if k != "documents"} == {
        **thin["data"], "links": {**thin["data"]["links"], "fields": full["data"]["links"]["fields"]}}


def test_a_job_without_extraction_has_nothing_to_include():
    summary = {k: v for k, v in SUMMARY.items() if k != "documents"}
    assert "documents" not in job_event(summary, include=("fields",))["data"]
