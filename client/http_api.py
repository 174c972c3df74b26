"""``Client``: the docpipe HTTP API (v1) from Python.

Only ``requests``: this module must work on any machine that can reach the API,
so it imports nothing from the server's packages.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urljoin

import requests
import requests.adapters

from client.errors import (
    ApiError,
    ServerError,
    TransportError,
    WaitTimeout,
    error_class_for,
)
from client.retry import RETRY_STATUSES, RetryPolicy, parse_retry_after
from client.webhooks import verify_webhook as _verify_webhook

TERMINAL_STATUSES = frozenset({"succeeded", "partial", "failed", "canceled"})
# tables.*: the job's tables (GET /v1/jobs/{id}/tables); the job must be submitted with tables=True.
RESULT_FORMATS = ("txt", "json", "hocr", "alto", "md", "pdf", "pdfa", "tables.json", "tables.csv", "tables.xlsx",
                  "tables.html")


# First pause of `wait`; it doubles up to the server's Retry-After.
FIRST_POLL_S = 0.1


class Client:
    def __init__(
        self,
        base_url: str = "http://127.0.0.1:5000",
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        pool_size: int = 10,
    ):
        """``pool_size``: kept-alive connections; at least the number of threads sharing this client."""
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=pool_size)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self._session = session
        self._session.headers["User-Agent"] = "docpipe-client/1"
        if api_key:
            self._session.headers["Authorization"] = f"Bearer {api_key}"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def health(self, *, attempts: int = 3) -> dict:
        """``GET /health`` with few retries: used to fail fast when the URL is wrong or the API is down."""
        return self._request("GET", "health", max_attempts=attempts).json()

    # --- jobs ---------------------------------------------------------------

    def submit(
        self,
        path_or_bytes: str | os.PathLike | bytes,
        *,
        filename: str | None = None,
        mode: str | None = None,
        pages: str | None = None,
        priority: str | None = None,
        external_ref: str | None = None,
        idempotency_key: str | None = None,
        callback_url: str | None = None,
        batch_id: str | None = None,
        tables: bool | None = None,
        extract: str | None = None,
    ) -> dict:
        """Upload one file as a new job and return the job view.

        A key is always sent (a random one if none is given) so that retrying
        after a lost response can never create a second job.
        """
        if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            data = bytes(path_or_bytes)
            filename = filename or "upload"
        else:
            path = Path(path_or_bytes)
            data = path.read_bytes()
            filename = filename or path.name
        fields = {
            "mode": mode,
            "pages": pages,
            "priority": priority,
            "external_ref": external_ref,
            "callback_url": callback_url,
            "batch_id": batch_id,
            "tables": None if tables is None else str(bool(tables)).lower(),
            "extract": extract,
        }
        form = {k: v for k, v in fields.items() if v is not None}
        headers = {"Idempotency-Key": idempotency_key or f"client-{uuid.uuid4()}"}
        response = self._request(
            "POST",
            "v1/jobs",
            data=form,
            files=[("file", (filename, data, "application/octet-stream"))],
            headers=headers,
        )
        return response.json()

    def job(self, job_id: str) -> dict:
        return self._request("GET", f"v1/jobs/{job_id}").json()

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        poll: float = 1.0,
        on_update: Callable[[dict], None] | None = None,
    ) -> dict:
        """Poll until the job is terminal and return its view; raise ``WaitTimeout`` after ``timeout`` s."""
        deadline = None if timeout is None else time.monotonic() + timeout
        # Small jobs often end within a fraction of a second, while the server's hint is
        # a second or two: waiting that long from the start capped a bulk run at about
        # `concurrency` jobs per second and left the workers idle. So the first polls
        # come quickly and double until they reach the server's pace.
        ramp = FIRST_POLL_S
        while True:
            response = self._request("GET", f"v1/jobs/{job_id}")
            view = response.json()
            if on_update is not None:
                on_update(view)
            if view.get("status") in TERMINAL_STATUSES:
                return view
            # The server knows how long a page takes; its hint beats our default.
            pause = parse_retry_after(response.headers.get("Retry-After"))
            pause = poll if pause is None else pause
            pause, ramp = min(pause, ramp), ramp * 2
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(
                        f"Job {job_id} is still {view.get('status')} after {timeout} s.",
                        details={"job_id": job_id, "status": view.get("status")},
                    )
                pause = min(pause, remaining)
            time.sleep(pause)

    def pages(self, job_id: str, *, limit: int = 50) -> Iterator[dict]:
        """Every page of the job, in order, following the server's ``next`` links."""
        url: str | None = f"v1/jobs/{job_id}/pages?offset=0&limit={limit}"
        while url:
            body = self._request("GET", url).json()
            yield from body.get("pages", [])
            url = body.get("next")

    def result(self, job_id: str, format: str = "txt") -> bytes:
        return self._request("GET", f"v1/jobs/{job_id}/result", params={"format": format}).content

    def fields(self, job_id: str) -> bytes:
        """A finished job's invoice fields (submitted with ``extract="invoice"``), as the JSON bytes the server sent."""
        return self._request("GET", f"v1/jobs/{job_id}/fields").content

    def results(self, job_ids: list[str], format: str = "txt") -> dict[str, bytes | ApiError]:
        """Many finished jobs' results in one request (``GET /v1/results``, at most 100 ids, text formats
        only: txt, json, hocr, alto, md, and tables.*). Each job's value is the bytes ``result(job_id, format)`` returns, or
        the typed error of its slot: ``NotFound`` (no such job for this key), ``Conflict`` with code
        ``job_not_finished``. A whole-request error raises as usual; ``NotFound`` or ``MethodNotAllowed``
        for the request itself means a server without the route."""
        if not job_ids:
            return {}
        ids = list(dict.fromkeys(job_ids))
        response = self._request("GET", "v1/results", params={"ids": ",".join(ids), "format": format})
        try:
            body = response.json()
        except ValueError:
            body = None
        slots = body.get("results") if isinstance(body, dict) else None
        if not isinstance(slots, list):
            raise ServerError("The server answered GET /v1/results without a results list.", status=200, code="bad_response")
        answers: dict[str, bytes | ApiError] = {}
        for slot in slots:
            if isinstance(slot, dict) and isinstance(slot.get("id"), str):
                answers[slot["id"]] = _result_of_slot(slot)
        for job_id in ids:
            if job_id not in answers:
                answers[job_id] = ServerError(f"The server left job {job_id} out of its results.", status=200, code="bad_response")
        return answers

    def delete(self, job_id: str) -> None:
        self._request("DELETE", f"v1/jobs/{job_id}")

    def list_jobs(self, *, limit: int = 100, **filters: str) -> Iterator[dict]:
        """Every job visible to this key (filters: ``status``, ``external_ref``, ``updated_since``)."""
        params: dict = {k: v for k, v in filters.items() if v is not None}
        params["limit"] = limit
        while True:
            body = self._request("GET", "v1/jobs", params=params).json()
            yield from body.get("jobs", [])
            cursor = body.get("next_cursor")
            if not cursor:
                return
            params["cursor"] = cursor

    def jobs_by_id(self, job_ids: list[str], *, ended: bool = False) -> list[dict]:
        """The current view of each job (at most 100 ids); jobs that do not exist are left out.

        ``ended``: only the jobs that have ended (a server from before the filter ignores it and answers them all).
        """
        if not job_ids:
            return []
        params = {"ids": ",".join(job_ids), "limit": len(job_ids)}
        if ended:
            params["ended"] = "true"
        return self._request("GET", "v1/jobs", params=params).json().get("jobs", [])

    # --- batches (only on servers that offer them) --------------------------

    def create_batch(self, name: str, *, external_ref: str | None = None) -> dict:
        payload = {"name": name}
        if external_ref is not None:
            payload["external_ref"] = external_ref
        return self._request("POST", "v1/batches", json=payload).json()

    def batch(self, batch_id: str) -> dict:
        return self._request("GET", f"v1/batches/{batch_id}").json()

    def submit_group(
        self,
        batch_id: str,
        files: list[tuple[str, bytes, str | None]],
        *,
        mode: str | None = None,
        pages: str | None = None,
        priority: str | None = None,
        external_ref: str | None = None,
        callback_url: str | None = None,
        tables: bool | None = None,
        extract: str | None = None,
    ) -> list[dict]:
        """Upload many files into the batch in one request (``POST /v1/batches/{id}/jobs``), each as
        its own job; ``files`` are ``(filename, bytes, idempotency_key)`` (a random key for None).

        One slot per file, in order: ``{"index", "created", "job"}`` (``job`` is small: id, status,
        batch_id, reused_from, created_at, links) or ``{"index", "status", "error"}`` for a file the
        server refused (``slot_error`` turns it into the typed error a single ``submit`` would raise).
        A whole-request error raises as usual (``BatchClosed``, ``NotFound`` also from servers
        without the route, ``InvalidRequest``...).
        """
        fields = {"mode": mode, "pages": pages, "priority": priority, "external_ref": external_ref, "callback_url": callback_url,
                  "tables": None if tables is None else str(bool(tables)).lower(), "extract": extract}
        form = {k: v for k, v in fields.items() if v is not None}
        form["idempotency_keys"] = json.dumps([key or f"client-{uuid.uuid4()}" for _, _, key in files])
        response = self._request(
            "POST",
            f"v1/batches/{batch_id}/jobs",
            data=form,
            files=[("file", (name, data, "application/octet-stream")) for name, data, _ in files],
        )
        return response.json().get("jobs", [])

    def close_batch(self, batch_id: str) -> dict:
        """No more jobs for this batch; the server announces it (``batch.completed``) once its last job has
        ended. Idempotent. A later submit with its id raises ``BatchClosed``."""
        return self._request("POST", f"v1/batches/{batch_id}/close").json()

    # --- webhooks -----------------------------------------------------------

    @staticmethod
    def verify_webhook(secret: str | bytes, headers: Mapping[str, str], body: bytes | str, **kwargs):
        return _verify_webhook(secret, headers, body, **kwargs)

    # --- transport ----------------------------------------------------------

    def _request(self, method: str, url: str, *, max_attempts: int | None = None, **kwargs) -> requests.Response:
        full_url = urljoin(self.base_url, url.lstrip("/")) if not url.startswith("http") else url
        max_attempts = max_attempts or self.retry.max_attempts
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._session.request(method, full_url, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                if attempt >= max_attempts:
                    raise TransportError(
                        f"Could not reach {full_url} after {attempt} attempts: {exc}",
                        details={"url": full_url, "attempts": attempt},
                    ) from exc
                time.sleep(self.retry.delay(attempt))
                continue
            if response.status_code < 400:
                return response
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if response.status_code in RETRY_STATUSES and attempt < max_attempts:
                time.sleep(self.retry.delay(attempt, retry_after))
                continue
            raise _api_error(response, retry_after)


def slot_error(slot: dict) -> ApiError | None:
    """The typed error of a ``submit_group`` slot the server refused (None for a job)."""
    error = slot.get("error")
    if not isinstance(error, dict):
        return None
    status = int(slot.get("status") or 422)
    code = error.get("code")
    cls = error_class_for(status, code)
    return cls(error.get("message") or code or f"HTTP {status}", status=status, code=code, details=error.get("details") or {})


# The HTTP status a ``GET /v1/results`` slot's error code stands for (what the single download would answer).
_SLOT_STATUS = {"not_found": 404, "job_not_finished": 409, "tables_not_requested": 409}


def _result_of_slot(slot: dict) -> bytes | ApiError:
    """A ``GET /v1/results`` slot: its bytes, exactly as the single download answers them, or its typed error."""
    error = slot.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        status = _SLOT_STATUS.get(code, 500)
        cls = error_class_for(status, code)
        return cls(error.get("message") or code or "error", status=status, code=code, details=error.get("details") or {})
    if isinstance(slot.get("content"), str):
        return slot["content"].encode("utf-8")
    if isinstance(slot.get("content_base64"), str):
        try:
            return base64.b64decode(slot["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            pass
    return ServerError(f"The server's result slot for job {slot.get('id')} holds no content.", status=200, code="bad_response")


def _api_error(response: requests.Response, retry_after: float | None) -> ApiError:
    """Build the typed error from the envelope; cope with proxies that answer in HTML."""
    code = message = None
    details: dict = {}
    try:
        envelope = response.json().get("error")
    except (ValueError, AttributeError):
        envelope = None
    if isinstance(envelope, dict):
        code = envelope.get("code")
        message = envelope.get("message")
        details = envelope.get("details") or {}
    elif isinstance(envelope, str):
        message = envelope
    if not message:
        message = (response.text or response.reason or "").strip()[:300] or f"HTTP {response.status_code}"
    cls = error_class_for(response.status_code, code)
    return cls(message, status=response.status_code, code=code, details=details, retry_after=retry_after)
