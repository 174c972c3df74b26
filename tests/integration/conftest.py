"""The real stack for integration tests: PostgreSQL + Redis, and the embedded default
(SQLite + Kombu's SQLAlchemy transport), each with a real ``celery worker`` and beat.

A missing PostgreSQL or Redis fails the run (tests/service_stack.ServiceMissing);
nothing is skipped quietly.
"""
from __future__ import annotations

import time

import pytest

from tests.service_stack import BACKENDS, ServiceStack

TERMINAL = ("succeeded", "partial", "failed", "canceled")


@pytest.fixture(scope="session", params=BACKENDS)
def stack(request, tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp(request.param), backend=request.param) as st:
        st.start_worker(concurrency=2)
        st.start_beat()
        yield st


@pytest.fixture(scope="session")
def client(stack):
    return stack.app().test_client()


def wait_for_job(client, job_id: str, timeout: float = 120, headers=None) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"/v1/jobs/{job_id}", headers=headers or {})
        assert r.status_code == 200, r.get_data(as_text=True)
        view = r.get_json()
        if view["status"] in TERMINAL:
            return view
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {view['status']} after {timeout} s: {view['progress']}")


def all_pages(client, job_id: str, headers=None) -> list[dict]:
    pages, url = [], f"/v1/jobs/{job_id}/pages?limit=7"
    while url:
        body = client.get(url, headers=headers or {}).get_json()
        pages += body["pages"]
        url = body["next"]
    return pages
