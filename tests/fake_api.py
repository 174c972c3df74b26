"""A small in-process HTTP server speaking the docpipe v1 job API, for the client's unit tests.

It is a contract double for the HTTP surface only (no OCR): it dedupes by
Idempotency-Key like the real service, pages results, and counts every
creation and download so tests can prove "nothing submitted or downloaded
twice". Scripted answers (``fail_next``) exercise retries. The real service is
exercised by tests/integration/test_bulk*.py.
"""
from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class FakeJob:
    id: str
    key: str
    filename: str
    sha256: str
    form: dict
    pages: int
    created_at: float
    failing_page: int | None = None
    rejected: bool = False


@dataclass
class FakeApi:
    """State shared with the handler; tests read and tweak it directly."""

    finish_after_s: float = 0.0
    retry_after: str = "0"
    batches: bool = False
    groups: bool = False  # True: POST /v1/batches/{id}/jobs (group submits; needs batches)
    batch_ids: list = field(default_factory=list)  # created, in order: batch-1, batch-2, ...
    closed_batches: set = field(default_factory=set)
    page_confidence: float = 0.9
    results: bool = True  # False: a server from before GET /v1/results (404 for the route)
    ids_filter: bool = True  # False: a server from before GET /v1/jobs?ids= (the filter is ignored)
    ended_filter: bool = True  # False: a server from before GET /v1/jobs?ended= (the filter is ignored)
    listings: list = field(default_factory=list)  # (ids asked, ended asked, jobs answered) per GET /v1/jobs
    jobs: dict = field(default_factory=dict)
    by_key: dict = field(default_factory=dict)
    creations: Counter = field(default_factory=Counter)  # idempotency key → jobs created
    downloads: Counter = field(default_factory=Counter)  # (job id, format) → downloads
    requests: list = field(default_factory=list)  # (method, path, headers, form)
    groups_received: list = field(default_factory=list)  # files per group submit accepted
    results_received: list = field(default_factory=list)  # (format, ids) per GET /v1/results answered
    scripted: list = field(default_factory=list)  # (method, path prefix, status, headers, body)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    def fail_next(self, method: str, prefix: str, status: int, *, headers=None, body=None, times: int = 1) -> None:
        for _ in range(times):
            self.scripted.append((method, prefix, status, headers or {}, body))

    def status_of(self, job: FakeJob) -> str:
        if job.rejected:
            return "failed"
        if time.monotonic() - job.created_at < self.finish_after_s:
            return "running"
        return "partial" if job.failing_page is not None else "succeeded"

    def view(self, job: FakeJob) -> dict:
        status = self.status_of(job)
        done = job.pages if status != "running" else 0
        failed = 1 if (job.failing_page is not None and status != "running") else 0
        return {
            "id": job.id,
            "status": status,
            "progress": {"pages_total": job.pages, "pages_done": done - failed, "pages_failed": failed},
            "documents": [
                {
                    "id": f"d-{job.id}",
                    "filename": job.filename,
                    "sha256": job.sha256,
                    "page_count": job.pages,
                    "kind": "pdf",
                    "status": status,
                    "error": None,
                }
            ],
            "confidence": self.page_confidence if status != "running" else None,
            "confidence_min": self._lowest(job) if status != "running" else None,
            "error": None,
            "external_ref": job.form.get("external_ref"),
            "links": {"self": f"/v1/jobs/{job.id}"},
        }

    def _lowest(self, job: FakeJob) -> float | None:
        found = [p["confidence"] for p in self.page_list(job) if p["confidence"] is not None]
        return min(found) if found else None

    def page_list(self, job: FakeJob) -> list[dict]:
        pages = []
        for n in range(1, job.pages + 1):
            failed = n == job.failing_page
            # Page n's confidence steps down so tests can count pages under a threshold.
            pages.append(
                {
                    "page_no": n,
                    "status": "failed" if failed else "succeeded",
                    "confidence": None if failed else round(self.page_confidence - 0.1 * (n - 1), 4),
                    "text": f"page {n}",
                    "error": {"code": "inference_failed", "message": "boom"} if failed else None,
                }
            )
        return pages


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict, list[tuple[str, bytes]]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    form, files = {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if filename is not None:
            files.append((filename, payload))
        else:
            form[name] = payload.decode()
    return form, files


def _handler_for(api: FakeApi):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers and body in two sends cost a 40 ms delayed ACK

        def log_message(self, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body=None, headers=None) -> None:
            raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body is not None and not isinstance(body, bytes):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _error(self, status: int, code: str, message: str = "no", headers=None) -> None:
            self._send(status, {"error": {"code": code, "message": message, "details": {"x": 1}}}, headers)

        def _dispatch(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            form: dict = {}
            files: list = []
            if method == "POST" and "multipart/form-data" in (self.headers.get("Content-Type") or ""):
                form, files = _parse_multipart(self.headers["Content-Type"], body)
            with api.lock:
                api.requests.append((method, url.path, dict(self.headers), form))
                for i, (m, prefix, status, headers, sbody) in enumerate(api.scripted):
                    if m == method and url.path.startswith(prefix):
                        del api.scripted[i]
                        break
                else:
                    status = None
            if status is not None:
                return self._send(status, sbody, headers)
            parts = [p for p in url.path.split("/") if p]
            if parts == ["health"]:
                return self._send(200, {"status": "ok"})
            if parts == ["v1", "batches"] and method == "POST":
                if not api.batches:
                    return self._error(404, "not_found", "no such route")
                with api.lock:
                    batch_id = f"batch-{len(api.batch_ids) + 1}"
                    api.batch_ids.append(batch_id)
                return self._send(201, {"id": batch_id, "name": json.loads(body)["name"], "closed_at": None})
            if len(parts) == 4 and parts[:2] == ["v1", "batches"] and parts[3] == "close" and method == "POST":
                if not api.batches or parts[2] not in api.batch_ids:
                    return self._error(404, "not_found", "no such route")
                with api.lock:
                    api.closed_batches.add(parts[2])
                return self._send(200, {"id": parts[2], "closed_at": "2026-01-01T00:00:00Z", "status": "completed"})
            if len(parts) == 4 and parts[:2] == ["v1", "batches"] and parts[3] == "jobs" and method == "POST":
                if not (api.batches and api.groups):
                    return self._error(404, "not_found", "no such route")
                if parts[2] not in api.batch_ids:
                    return self._error(404, "not_found", "no such batch")
                return self._create_group(parts[2], form, files)
            if parts == ["v1", "jobs"] and method == "POST":
                return self._create(form, files)
            if parts == ["v1", "results"] and method == "GET":
                if not api.results:
                    return self._error(404, "not_found", "no such route")
                return self._results(query)
            if parts == ["v1", "jobs"] and method == "GET":
                return self._list(query)
            if len(parts) >= 3 and parts[:2] == ["v1", "jobs"]:
                job = api.jobs.get(parts[2])
                if job is None:
                    return self._error(404, "job_not_found", "no such job")
                if len(parts) == 3 and method == "GET":
                    headers = {} if api.status_of(job) != "running" else {"Retry-After": api.retry_after}
                    return self._send(200, api.view(job), headers)
                if len(parts) == 3 and method == "DELETE":
                    api.jobs.pop(job.id)
                    return self._send(204)
                if parts[3:] == ["pages"]:
                    return self._pages(job, query)
                if parts[3:] == ["result"]:
                    fmt = query.get("format", "txt")
                    with api.lock:
                        api.downloads[(job.id, fmt)] += 1
                    return self._send(200, f"{fmt}:{job.sha256}".encode(), {"Content-Type": "text/plain"})
            return self._error(404, "not_found", "no such route")

        def _create(self, form: dict, files: list) -> None:
            key = self.headers.get("Idempotency-Key")
            if not files:
                return self._error(400, "no_file", "send a file part")
            filename, data = files[0]
            if b"CORRUPT" in data:
                return self._error(422, "corrupt_file", "cannot open")
            with api.lock:
                if key in api.by_key:
                    return self._send(200, api.view(api.jobs[api.by_key[key]]))
                if form.get("batch_id") in api.closed_batches:
                    return self._error(409, "batch_closed", "the batch is closed")
                job = self._new_job(key, filename, data, form)
            self._send(202, api.view(job), {"Location": f"/v1/jobs/{job.id}"})

        def _new_job(self, key: str, filename: str, data: bytes, form: dict) -> FakeJob:
            job_id = f"job-{len(api.creations) + 1:04d}"
            api.creations[key] += 1
            job = FakeJob(
                id=job_id,
                key=key,
                filename=filename,
                sha256=hashlib.sha256(data).hexdigest(),
                form=form,
                pages=1 + data.count(b"PAGEBREAK"),
                created_at=time.monotonic(),
                failing_page=1 if b"FAILPAGE" in data else None,
            )
            api.jobs[job_id] = job
            api.by_key[key] = job_id
            return job

        def _create_group(self, batch_id: str, form: dict, files: list) -> None:
            """Like the real route: a slot per file, refused files in their slot, 409 for a closed batch."""
            if not files:
                return self._error(400, "missing_file", "send a file part")
            keys = json.loads(form.pop("idempotency_keys", "null")) or [None] * len(files)
            if len(keys) != len(files):
                return self._error(400, "invalid_option", "one key per file")
            slots = []
            with api.lock:
                if batch_id in api.closed_batches and any(k not in api.by_key for k in keys):
                    return self._error(409, "batch_closed", "the batch is closed")
                api.groups_received.append(len(files))
                for i, ((filename, data), key) in enumerate(zip(files, keys)):
                    if key in api.by_key:
                        job = api.jobs[api.by_key[key]]
                        slots.append({"index": i, "created": False, "job": {"id": job.id, "status": api.status_of(job)}})
                    elif b"CORRUPT" in data:
                        slots.append({"index": i, "status": 422, "error": {"code": "corrupt_file", "message": "cannot open", "details": {"index": i}}})
                    else:
                        job = self._new_job(key, filename, data, {**form, "batch_id": batch_id})
                        slots.append({"index": i, "created": True, "job": {"id": job.id, "status": "queued", "batch_id": batch_id}})
            self._send(202, {"jobs": slots})

        def _results(self, query: dict) -> None:
            """Like the real route: a slot per id, the single download's bytes as text, errors in their slot."""
            fmt = query.get("format", "txt")
            ids = [i for i in query.get("ids", "").split(",") if i]
            if fmt in ("pdf", "pdfa") or not 1 <= len(ids) <= 100:
                return self._error(400, "invalid_option", "use GET /v1/jobs/{id}/result")
            slots = []
            with api.lock:
                api.results_received.append((fmt, ids))
                for job_id in ids:
                    job = api.jobs.get(job_id)
                    if job is None:
                        slots.append({"id": job_id, "error": {"code": "not_found", "message": "no job", "details": {}}})
                    elif api.status_of(job) == "running":
                        slots.append({"id": job_id, "error": {"code": "job_not_finished", "message": "wait", "details": {"status": "running"}}})
                    else:
                        api.downloads[(job.id, fmt)] += 1
                        slots.append({"id": job_id, "status": api.status_of(job), "format": fmt, "content": f"{fmt}:{job.sha256}"})
            self._send(200, {"results": slots})

        def _pages(self, job: FakeJob, query: dict) -> None:
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
            pages = api.page_list(job)
            nxt = None
            if offset + limit < len(pages):
                nxt = f"/v1/jobs/{job.id}/pages?offset={offset + limit}&limit={limit}"
            self._send(200, {"pages": pages[offset : offset + limit], "next": nxt})

        def _list(self, query: dict) -> None:
            ids = sorted(api.jobs)
            if api.ids_filter and query.get("ids"):
                wanted = set(query["ids"].split(","))
                ids = [i for i in ids if i in wanted]
            ended = query.get("ended") == "true"
            if ended and api.ended_filter:
                ids = [i for i in ids if api.status_of(api.jobs[i]) != "running"]
            start, limit = int(query.get("cursor", 0)), int(query.get("limit", 100))
            chunk = ids[start : start + limit]
            api.listings.append((len([i for i in query.get("ids", "").split(",") if i]), ended, len(chunk)))
            cursor = str(start + limit) if start + limit < len(ids) else None
            self._send(200, {"jobs": [api.view(api.jobs[i]) for i in chunk], "next_cursor": cursor})

        def do_GET(self):
            self._dispatch("GET")

        def do_POST(self):
            self._dispatch("POST")

        def do_DELETE(self):
            self._dispatch("DELETE")

    return Handler


@pytest.fixture
def fake_api():
    api = FakeApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    server.daemon_threads = True
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
