"""No job lost, no page twice: a worker child killed with SIGKILL mid-job, and a Redis that
restarts empty (its own redis-server on a free port, so other test sessions are not touched)."""
from __future__ import annotations

import io
import os
import signal
import time

import pytest
from sqlalchemy import func, select

from db.models import Page, PageResult
from tests.factories import EN_TEXT, make_pdf, render_text_image
from tests.integration.conftest import wait_for_job
from tests.service_stack import RedisServer, ServiceStack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Short limits so a lost page's lease expires in seconds (soft < hard < lease).
FAST = dict(
    DOCPIPE_PAGE_SOFT_TIME_LIMIT=6,
    DOCPIPE_PAGE_TIME_LIMIT=8,
    DOCPIPE_LEASE_SECONDS=10,
    DOCPIPE_BROKER_VISIBILITY_TIMEOUT=30,
    DOCPIPE_REQUEUE_AFTER=2,
    DOCPIPE_DPI=100,
)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fast_stack(tmp_path_factory, redis_server):
    with ServiceStack.start(
        tmp_path_factory.mktemp("reliability"), backend="postgres_redis", broker_url=redis_server.url, **FAST
    ) as st:
        st.start_beat()
        yield st


@pytest.fixture(scope="module")
def pages_pdf():
    img = render_text_image(EN_TEXT[:3], size_px=24, width=900)
    return lambda n: make_pdf([{"image": img, "dpi": 100}] * n)


def submit(client, pdf, **fields):
    r = client.post("/v1/jobs", data={"file": (io.BytesIO(pdf), "doc.pdf"), "mode": "ocr", **fields},
                    content_type="multipart/form-data")
    assert r.status_code in (200, 202), r.get_data(as_text=True)
    return r.get_json()["id"]


def rows(stack, job_id):
    with stack.database().session() as s:
        pages = s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id))
        results = s.scalar(select(func.count()).select_from(PageResult).where(PageResult.job_id == job_id))
        distinct = s.scalar(select(func.count(func.distinct(PageResult.page_id))).where(PageResult.job_id == job_id))
        attempts = dict(s.execute(select(Page.page_no, Page.attempts).where(Page.job_id == job_id)).all())
    return pages, results, distinct, attempts


def test_sigkill_of_a_worker_child_mid_job_loses_no_page(fast_stack, pages_pdf):
    stack = fast_stack
    stack.start_worker("killme", concurrency=2)
    client = stack.app().test_client()
    job_id = submit(client, pages_pdf(20))
    # Wait until a page is being processed, then kill the pool process that holds it.
    deadline = time.monotonic() + 60
    victim = None
    while victim is None:
        assert time.monotonic() < deadline, "no page started"
        with stack.database().session() as s:
            running = s.execute(
                select(Page.page_no, Page.claimed_by).where(Page.job_id == job_id, Page.status == "running")
            ).all()
        children = set(stack.worker_children("killme"))
        for page_no, claimed_by in running:
            pid = int(claimed_by.rsplit(":", 1)[1])
            if pid in children:
                victim = (page_no, pid)
                break
        time.sleep(0.05)
    os.kill(victim[1], signal.SIGKILL)

    view = wait_for_job(client, job_id, timeout=180)
    assert view["status"] == "succeeded", view
    assert view["progress"] == {"pages_total": 20, "pages_done": 20, "pages_failed": 0}
    pages, results, distinct, attempts = rows(stack, job_id)
    assert (pages, results, distinct) == (20, 20, 20)  # each page stored exactly once
    assert attempts[victim[0]] == 2, attempts  # the killed attempt was counted, then retried
    assert "WorkerLostError" in stack.log("killme") or "exited" in stack.log("killme")
    stack.stop("killme")


def test_redis_restarted_empty_loses_no_job(fast_stack, redis_server, pages_pdf):
    stack = fast_stack
    client = stack.app().test_client()
    # 1. Work waiting in Redis when it dies: no worker yet, so every message sits in the queue.
    waiting = submit(client, pages_pdf(4))
    redis_server.stop()
    # 2. Submitted while Redis is down: accepted anyway, the database has it.
    t0 = time.monotonic()
    during = submit(client, pages_pdf(3))
    assert time.monotonic() - t0 < 20
    redis_server.start()  # same port, empty: every message is gone
    stack.start_worker("after-restart", concurrency=2)
    # 3. A job in flight when Redis dies again mid-run.
    inflight = submit(client, pages_pdf(10))
    deadline = time.monotonic() + 60
    while client.get(f"/v1/jobs/{inflight}").get_json()["progress"]["pages_done"] < 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    redis_server.stop()
    time.sleep(1)
    redis_server.start()

    for job_id, n in ((waiting, 4), (during, 3), (inflight, 10)):
        view = wait_for_job(client, job_id, timeout=180)
        assert view["status"] == "succeeded", (job_id, view)
        pages, results, distinct, _ = rows(stack, job_id)
        assert (pages, results, distinct) == (n, n, n)
    stack.stop("after-restart")
