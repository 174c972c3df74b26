"""The thin JSON body of a webhook event.

Standard Webhooks' shape: ``type``, ``timestamp`` (when the event happened,
not when this attempt is made) and ``data``. ``data`` names the job and
says how it ended, with links to fetch the rest; it never carries page
text, so a misdirected or logged webhook leaks no document content and
the receiver reads pages through the authenticated API. Fields are copied
from an allow-list, so a summary that holds more (text, file names) cannot
leak it by accident.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import quote

JOB_EVENT_TYPES = {
    "succeeded": "job.succeeded",
    "partial": "job.partial",
    "failed": "job.failed",
    "canceled": "job.canceled",
}
PAGE_COMPLETED = "page.completed"
BATCH_COMPLETED = "batch.completed"
EVENT_TYPES = frozenset(JOB_EVENT_TYPES.values()) | {PAGE_COMPLETED, BATCH_COMPLETED}


def _iso(moment: datetime | str | None) -> str:
    if isinstance(moment, str):
        return moment
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # the database stores naive UTC
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _links(base_url: str, job_id: str) -> dict:
    job = f"{base_url.rstrip('/')}/v1/jobs/{quote(str(job_id), safe='')}"
    return {"job": job, "pages": f"{job}/pages"}


def _confidence(value) -> float | None:
    return None if value is None else round(float(value), 4)


def _error(summary: Mapping) -> dict | None:
    error = summary.get("error")
    if not error:
        return None
    if isinstance(error, Mapping):
        return {"code": error.get("code"), "message": error.get("message")}
    return {"code": str(error), "message": None}


INCLUDES = ("fields",)  # what an endpoint may ask job events to carry beyond the thin body


def job_event(
    summary: Mapping, *, base_url: str = "", occurred_at: datetime | str | None = None, include: tuple[str, ...] = ()
) -> dict:
    """The event for a job that reached a terminal state.

    ``summary`` is a plain dict (the outbox row's payload): ``id``,
    ``status``, ``pages_total``, ``pages_done``, ``pages_failed`` (flat or
    under ``progress``), ``confidence``, ``external_ref``, optionally
    ``error`` and ``finished_at``. Anything else is ignored, except
    ``documents`` (each document's invoice fields) when ``include`` names
    ``fields``: an ERP gets the invoice without a second request, and only
    an endpoint that asked for document content receives it.
    """
    status = summary["status"]
    if status not in JOB_EVENT_TYPES:
        raise ValueError(f"job events are sent for terminal states only, not {status!r}")
    job_id = str(summary["id"])
    # The outbox row nests the counts under "progress"; a flat summary works too.
    counts = summary.get("progress") if isinstance(summary.get("progress"), Mapping) else summary
    event = {
        "type": JOB_EVENT_TYPES[status],
        "timestamp": _iso(occurred_at or summary.get("finished_at")),
        "data": {
            "job_id": job_id,
            "status": status,
            "external_ref": summary.get("external_ref"),
            "progress": {
                "pages_total": int(counts.get("pages_total") or 0),
                "pages_done": int(counts.get("pages_done") or 0),
                "pages_failed": int(counts.get("pages_failed") or 0),
            },
            "confidence": _confidence(summary.get("confidence")),
            "error": _error(summary),
            "links": _links(base_url, job_id),
        },
    }
    if "fields" in include and summary.get("documents") is not None:
        event["data"]["documents"] = list(summary["documents"])
        event["data"]["links"]["fields"] = event["data"]["links"]["job"] + "/fields"
    return event


def page_event(summary: Mapping, *, base_url: str = "", occurred_at: datetime | str | None = None) -> dict:
    """``page.completed`` for endpoints that subscribe to it: which page, how it ended, no text."""
    job_id = str(summary["job_id"])
    links = _links(base_url, job_id)
    return {
        "type": PAGE_COMPLETED,
        "timestamp": _iso(occurred_at or summary.get("finished_at")),
        "data": {
            "job_id": job_id,
            "external_ref": summary.get("external_ref"),
            "document": summary.get("document"),
            "page_no": int(summary["page_no"]),
            "status": summary["status"],
            "source": summary.get("source"),
            "confidence": _confidence(summary.get("confidence")),
            "error": _error(summary),
            "links": links,
        },
    }


def _counts(value) -> dict:
    value = value if isinstance(value, Mapping) else {}
    by_status = value.get("by_status") if isinstance(value.get("by_status"), Mapping) else {}
    return {"total": int(value.get("total") or 0), "by_status": {str(k): int(v) for k, v in by_status.items()}}


def batch_event(summary: Mapping, *, base_url: str = "", occurred_at: datetime | str | None = None) -> dict:
    """``batch.completed``: the batch is closed and its last job has ended (sent once per batch).
    Files and pages by state, mean confidence, links."""
    batch_id = str(summary["batch_id"])
    batch = f"{base_url.rstrip('/')}/v1/batches/{quote(batch_id, safe='')}"
    return {
        "type": BATCH_COMPLETED,
        "timestamp": _iso(occurred_at or summary.get("completed_at")),
        "data": {
            "batch_id": batch_id,
            "name": summary.get("name"),
            "external_ref": summary.get("external_ref"),
            "files": _counts(summary.get("files")),
            "pages": _counts(summary.get("pages")),
            "confidence": _confidence(summary.get("confidence")),
            "links": {"batch": batch, "jobs": f"{batch}/jobs"},
        },
    }


def outbox_event(summary: Mapping, *, base_url: str = "", include: tuple[str, ...] = ()) -> dict:
    """The event for an outbox payload: a batch's and a page's carry their ``type``; a job's is told by its status."""
    if summary.get("type") == BATCH_COMPLETED:
        return batch_event(summary, base_url=base_url)
    if summary.get("type") == PAGE_COMPLETED:
        return page_event(summary, base_url=base_url)
    return job_event(summary, base_url=base_url, include=include)


def encode(event: Mapping) -> bytes:
    """The exact bytes that are signed and sent: compact UTF-8 JSON."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
