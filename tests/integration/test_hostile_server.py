"""Huge URLs and headers against the API under a real gunicorn (what `make run` and the image serve):
the answer is the JSON error envelope, not gunicorn's HTML page (gunicorn.conf.py), within seconds.
"""
from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from tests.service_stack import ServiceStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api_address(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("server"), backend="sqlite_sqla") as stack:
        url = urlsplit(stack.start_api())
        yield url.hostname, url.port


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
