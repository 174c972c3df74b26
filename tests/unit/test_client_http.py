"""Client over real HTTP against the in-process fake API: requests sent, errors typed, retries timed."""
from __future__ import annotations

import socket
import time
from email.utils import formatdate

import pytest

from client import (
    Client,
    InvalidRequest,
    NotFound,
    RateLimited,
    RetryPolicy,
    ServiceUnavailable,
    TransportError,
    Unauthorized,
    WaitTimeout,
)
from client.retry import parse_retry_after
from tests.fake_api import fake_api  # noqa: F401  (fixture)

FAST = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=2.0)


def _client(api, **kwargs) -> Client:
    return Client(api.base_url, kwargs.pop("api_key", None), retry=kwargs.pop("retry", FAST), **kwargs)


def test_submit_sends_file_options_key_and_bearer(fake_api, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7 PAGEBREAK body")
    with _client(fake_api, api_key="sekrit") as client:
        view = client.submit(
            path, mode="ocr", pages="1-2", priority="bulk", external_ref="ref-9", idempotency_key="k-1"
        )
    assert view["status"] in ("running", "succeeded")
    assert view["progress"]["pages_total"] == 2
    method, route, headers, form = fake_api.requests[-1]
    assert (method, route) == ("POST", "/v1/jobs")
    assert headers["Idempotency-Key"] == "k-1"
    assert headers["Authorization"] == "Bearer sekrit"
    assert form == {"mode": "ocr", "pages": "1-2", "priority": "bulk", "external_ref": "ref-9"}
    assert fake_api.jobs[view["id"]].filename == "scan.pdf"


def test_submit_always_sends_an_idempotency_key_so_retries_cannot_duplicate(fake_api):
    # The first POST is answered 503; the retry must carry the same key and make one job.
    fake_api.fail_next("POST", "/v1/jobs", 503, headers={"Retry-After": "0"})
    with _client(fake_api) as client:
        view = client.submit(b"%PDF-1.7 x", filename="a.pdf")
    keys = [h["Idempotency-Key"] for m, r, h, _ in fake_api.requests if (m, r) == ("POST", "/v1/jobs")]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    assert sum(fake_api.creations.values()) == 1
    assert "Authorization" not in fake_api.requests[-1][2]
    assert view["id"] in fake_api.jobs


def test_same_key_returns_same_job(fake_api):
    with _client(fake_api) as client:
        first = client.submit(b"%PDF-1.7 x", filename="a.pdf", idempotency_key="same")
        second = client.submit(b"%PDF-1.7 x", filename="a.pdf", idempotency_key="same")
    assert first["id"] == second["id"]
    assert fake_api.creations["same"] == 1


def test_error_envelope_becomes_typed_error(fake_api):
    with _client(fake_api) as client:
        with pytest.raises(InvalidRequest) as refused:
            client.submit(b"%PDF-1.7 CORRUPT", filename="bad.pdf")
        with pytest.raises(NotFound) as missing:
            client.job("nope")
    assert refused.value.status == 422 and refused.value.code == "corrupt_file"
    assert refused.value.details == {"x": 1}
    assert missing.value.status == 404 and missing.value.code == "job_not_found"


def test_non_json_error_body_still_typed(fake_api):
    fake_api.fail_next("GET", "/v1/jobs/x", 401, headers={"Content-Type": "text/html"}, body=b"<h1>Nope</h1>")
    with _client(fake_api) as client, pytest.raises(Unauthorized) as err:
        client.job("x")
    assert err.value.code == "http_401" and "Nope" in err.value.message


def test_429_is_retried_after_the_servers_retry_after(fake_api):
    fake_api.fail_next(
        "GET", "/health", 429, headers={"Retry-After": "1"}, body={"error": {"code": "rate_limited", "message": "m"}}
    )
    started = time.monotonic()
    with _client(fake_api) as client:
        assert client.health() == {"status": "ok"}
    # Our own backoff would be 10 ms; only the header explains a wait of a second.
    assert time.monotonic() - started >= 0.95
    assert sum(1 for m, r, *_ in fake_api.requests if r == "/health") == 2


def test_retry_after_as_http_date():
    now = time.time()
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_503_gives_up_after_max_attempts_with_typed_error(fake_api):
    fake_api.fail_next(
        "GET",
        "/v1/jobs/j",
        503,
        headers={"Retry-After": "0"},
        body={"error": {"code": "database_unavailable", "message": "m"}},
        times=4,
    )
    with _client(fake_api) as client, pytest.raises(ServiceUnavailable) as err:
        client.job("j")
    assert err.value.code == "database_unavailable" and err.value.retry_after == 0
    assert sum(1 for m, r, *_ in fake_api.requests if r == "/v1/jobs/j") == 4


def test_rate_limited_error_class(fake_api):
    fake_api.fail_next("GET", "/v1/jobs/j", 429, headers={"Retry-After": "0"}, times=4)
    with _client(fake_api) as client, pytest.raises(RateLimited):
        client.job("j")


def test_connection_refused_becomes_transport_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    with Client(f"http://127.0.0.1:{port}", retry=FAST) as client, pytest.raises(TransportError) as err:
        client.job("j")
    assert err.value.code == "connection_failed" and err.value.details["attempts"] == 4


def test_wait_polls_until_terminal(fake_api):
    fake_api.finish_after_s = 0.4
    fake_api.retry_after = "0.1"
    seen = []
    with _client(fake_api) as client:
        job = client.submit(b"%PDF-1.7 x", filename="a.pdf")
        final = client.wait(job["id"], timeout=10, poll=5.0, on_update=lambda v: seen.append(v["status"]))
    assert final["status"] == "succeeded"
    # poll=5 s would have overshot the 0.4 s job; Retry-After: 0.1 drove the polling.
    assert seen[0] == "running" and seen[-1] == "succeeded" and len(seen) >= 3


def test_wait_sees_a_quick_job_before_the_servers_hint(fake_api):
    # The server says "come back in 2 s"; a job done in 0.15 s is still seen within ~0.5 s.
    fake_api.finish_after_s = 0.15
    fake_api.retry_after = "2"
    with _client(fake_api) as client:
        job = client.submit(b"%PDF-1.7 x", filename="a.pdf")
        started = time.monotonic()
        final = client.wait(job["id"], timeout=10)
        elapsed = time.monotonic() - started
    assert final["status"] == "succeeded"
    assert elapsed < 1.0, elapsed


def test_wait_times_out(fake_api):
    fake_api.finish_after_s = 30
    fake_api.retry_after = "0.05"
    with _client(fake_api) as client:
        job = client.submit(b"%PDF-1.7 x", filename="a.pdf")
        with pytest.raises(WaitTimeout) as err:
            client.wait(job["id"], timeout=0.3)
    assert err.value.code == "timeout" and err.value.details["status"] == "running"


def test_pages_follow_next_links(fake_api):
    with _client(fake_api) as client:
        job = client.submit(b"%PDF-1.7" + b" PAGEBREAK" * 6, filename="a.pdf")
        pages = list(client.pages(job["id"], limit=3))
    assert [p["page_no"] for p in pages] == [1, 2, 3, 4, 5, 6, 7]
    page_requests = [r for m, r, *_ in fake_api.requests if r.endswith("/pages")]
    assert len(page_requests) == 3


def test_result_delete_and_list(fake_api):
    with _client(fake_api) as client:
        ids = [client.submit(f"%PDF-1.7 {i}".encode(), filename=f"{i}.pdf")["id"] for i in range(5)]
        assert client.result(ids[0], "alto").startswith(b"alto:")
        assert sorted(j["id"] for j in client.list_jobs(limit=2)) == sorted(ids)
        client.delete(ids[0])
        with pytest.raises(NotFound):
            client.job(ids[0])
