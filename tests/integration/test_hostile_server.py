"""Huge URLs, headers and bodies against the API under a real gunicorn (what `make run` and the image
serve): the answer is the JSON error envelope, not gunicorn's HTML page (gunicorn.conf.py), within
seconds; a body declared over the limit is refused unread; big base64 bodies at once keep the API
process under 600 MB (api/guards.py).
"""
from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.service_stack import ServiceStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("server"), backend="sqlite_sqla") as stack:
        url = urlsplit(stack.start_api())
        yield (url.hostname, url.port), stack.procs["api"].pid


@pytest.fixture(scope="module")
def api_address(api_server):
    return api_server[0]


@pytest.fixture(scope="module")
def api_pid(api_server):
    return api_server[1]


def _request(address, path: str, headers: dict | None = None) -> tuple[int, str, bytes, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read(), time.monotonic() - started
    finally:
        conn.close()


def _assert_envelope(answer, status: int, code: str) -> None:
    got, content_type, body, seconds = answer
    assert got == status, body[:300]
    assert content_type == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"] and error["details"] == {}
    assert seconds < 30


def test_the_server_itself_answers_normally(api_address):
    status, content_type, _, _ = _request(api_address, "/health")
    assert (status, content_type) == (200, "application/json")


@pytest.mark.parametrize("length", [5000, 100_000])
def test_a_huge_url_is_a_414_envelope(api_address, length):
    _assert_envelope(_request(api_address, "/v1/jobs?cursor=" + "a" * length), 414, "uri_too_long")


def test_a_huge_header_is_a_431_envelope(api_address):
    _assert_envelope(_request(api_address, "/v1/jobs", {"X-Padding": "b" * 20_000}), 431, "headers_too_large")


def test_too_many_headers_is_a_431_envelope(api_address):
    headers = {f"X-H{i}": "1" for i in range(150)}
    _assert_envelope(_request(api_address, "/v1/jobs", headers), 431, "headers_too_large")


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(api_address):
    # Only the headers are sent: the answer must not wait for 10 GB that never come.
    started = time.monotonic()
    conn = http.client.HTTPConnection(*api_address, timeout=30)
    try:
        conn.putrequest("POST", "/v1/jobs")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", "10000000000")
        conn.endheaders()
        r = conn.getresponse()
        status, body = r.status, r.read()
    finally:
        conn.close()
    assert status == 413 and json.loads(body)["error"]["code"] == "file_too_large"
    assert time.monotonic() - started < 10


def test_big_base64_bodies_at_once_keep_the_api_process_under_600_mb(api_address, api_pid):
    from bench.api_memory import _body, _children, _peak_mb, _post

    body, out = _body("/ocr/predict", 120), []
    threads = [threading.Thread(target=_post, args=(api_address, "/ocr/predict", body, out)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in out] == [200, 200, 200], out
    assert _peak_mb(_children(api_pid)[0]) < 600
