"""The sweeper through the real service: lease recovery on time behind a 500-page backlog, with two
worker "machines" started from their own directories (sharing only the database and the broker) and
one killed outright; no duplicate page messages; queue depth with and without a key prefix."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import time

import pytest
from sqlalchemy import func, select

from db.models import Page, PageResult
from tests.factories import make_pdf, render_text_image
from tests.integration.conftest import wait_for_job
from tests.service_stack import BACKENDS, PYTHON, ROOT, RedisServer, ServiceStack
from workers import sweeper
from workers.queues import Enqueuer, ocr_queue_list

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LEASE, SWEEP = 10, 2
FAST = dict(
    DOCPIPE_PAGE_SOFT_TIME_LIMIT=6,
    DOCPIPE_PAGE_TIME_LIMIT=8,
    DOCPIPE_LEASE_SECONDS=LEASE,
    DOCPIPE_SWEEP_INTERVAL=SWEEP,
    DOCPIPE_REQUEUE_AFTER=3,
    DOCPIPE_BROKER_VISIBILITY_TIMEOUT=60,
    DOCPIPE_BLOB_STORE="db",  # machines share only the database and the broker
    DOCPIPE_DPI=100,
)


def pdf(pages: int, lines: int = 2, width: int = 700) -> bytes:
    img = render_text_image(["Lease 42 recovered on time."] * lines, size_px=22, width=width)
    return make_pdf([{"image": img, "dpi": 100}] * pages)


def submit(client, data: bytes) -> str:
    r = client.post("/v1/jobs", data={"file": (io.BytesIO(data), "doc.pdf"), "mode": "ocr"},
                    content_type="multipart/form-data")
    assert r.status_code == 202, r.get_data(as_text=True)
    return r.get_json()["id"]


def start_machine(stack: ServiceStack, name: str) -> subprocess.Popen:
    """A worker as on its own machine: its own directory as cwd and var/; the database and broker URLs shared."""
    home = stack.workdir / "machines" / name
    (home / "var").mkdir(parents=True, exist_ok=True)
    env = {**stack._proc_env(), "DOCPIPE_VAR_DIR": str(home / "var")}
    log = open(stack.workdir / f"{name}.log", "ab")
    proc = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool=prefork", "--concurrency=1",
         f"--queues={ocr_queue_list(stack.settings)}", f"--hostname={name}@%h", "--loglevel=INFO",
         "--without-gossip", "--without-mingle"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    stack.procs[name] = proc  # stopped by stack.close()
    return proc


def running_on(stack: ServiceStack, job_id: str, machine: str) -> list[tuple[str, object]]:
    with stack.database().session() as s:
        return s.execute(
            select(Page.id, Page.started_at).where(
                Page.job_id == job_id, Page.status == "running", Page.claimed_by.like(f"{machine}@%")
            )
        ).all()


def page_row(stack: ServiceStack, page_id: str) -> Page:
    with stack.database().session() as s:
        page = s.get(Page, page_id)
        s.expunge(page)
        return page


def published(stack: ServiceStack, job_id: str) -> int:
    with stack.database().session() as s:
        return s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id, Page.enqueued_at.is_not(None)))


def done_by(stack: ServiceStack, job_id: str, machine: str) -> int:
    with stack.database().session() as s:
        return s.scalar(select(func.count()).select_from(Page).where(
            Page.job_id == job_id, Page.status == "succeeded", Page.claimed_by.like(f"{machine}@%")))


def queued_pages(stack: ServiceStack, job_id: str) -> int:
    with stack.database().session() as s:
        return s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id, Page.status == "queued"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_machines_page_is_rerun_on_time_behind_a_500_page_backlog(tmp_path, backend):
    with ServiceStack.start(tmp_path, backend=backend, **FAST) as stack:
        start_machine(stack, "alpha")
        start_machine(stack, "beta")
        stack.wait_for_workers(2)
        stack.start_beat()
        cwds = {os.readlink(f"/proc/{stack.procs[m].pid}/cwd") for m in ("alpha", "beta")}
        assert len(cwds) == 2 and str(ROOT) not in cwds, cwds  # two directories, neither the checkout
        client = stack.app().test_client()
        job_id = submit(client, pdf(500))

        # Once the split has published every page (the backlog is in the broker) and both machines are
        # reading pages (engines loaded), kill beta outright (main process and pool, as a machine dies)
        # while it holds a page.
        deadline, victim = time.monotonic() + 120, None
        while published(stack, job_id) < 500 or min(done_by(stack, job_id, m) for m in ("alpha", "beta")) < 1:
            assert time.monotonic() < deadline, f"only {published(stack, job_id)} pages published"
            time.sleep(0.1)
        while victim is None:
            assert time.monotonic() < deadline, "beta never ran a page: " + stack.log("beta")[-2000:]
            held = running_on(stack, job_id, "beta")
            if held:
                os.killpg(stack.procs["beta"].pid, signal.SIGKILL)
                stack.procs.pop("beta").wait(10)
                victim = running_on(stack, job_id, "beta")  # it may have finished between the two reads
                victim = victim[0] if victim else None
                if victim is None:  # lost the race: a new beta, try again
                    start_machine(stack, "beta")
            time.sleep(0.02)
        page_id, first_start = victim
        killed_at = time.monotonic()

        # Re-run within lease + one sweep interval (+ the page alpha is on and the run itself),
        # while most of the 500 pages still wait.
        bound = LEASE + SWEEP + 8
        while page_row(stack, page_id).status != "succeeded":
            assert time.monotonic() - killed_at < bound + 10, (
                f"killed page still {page_row(stack, page_id).status} after {time.monotonic() - killed_at:.0f} s"
            )
            time.sleep(0.1)
        page = page_row(stack, page_id)
        waiting = queued_pages(stack, job_id)
        assert page.attempts == 2 and page.claimed_by.startswith("alpha@"), (page.attempts, page.claimed_by)
        rerun_after = (page.started_at - first_start).total_seconds()
        print(f"{backend}: killed page re-run {rerun_after:.1f} s after its first start (lease {LEASE} s, "
              f"sweep {SWEEP} s), {waiting} of 500 pages still queued")
        assert rerun_after <= bound, (page.started_at, first_start)
        assert waiting > 100, f"the job was nearly done ({waiting} pages queued): recovery waited for the backlog"
        with stack.database().session() as s:
            results = s.scalar(select(func.count()).select_from(PageResult).where(PageResult.page_id == page_id))
            text = s.scalar(select(PageResult.text).where(PageResult.page_id == page_id))
        assert results == 1 and "recovered" in text.lower(), text
        # Cancel the rest of the backlog: what is done is stored once, nothing runs after.
        assert client.delete(f"/v1/jobs/{job_id}").status_code == 204


def test_no_duplicate_page_messages_behind_a_slow_worker_with_a_prefix(tmp_path):
    with ServiceStack.start(tmp_path, backend="postgres_redis", **FAST) as stack:
        assert stack.settings.queue_prefix  # every stack has one: t<tag>-
        stack.start_worker("slow", concurrency=1)
        stack.start_beat()
        client = stack.app().test_client()
        # 16 lines a page (about 0.3 CPU s each): 160 pages outlast the 20 s below on a quiet machine too.
        job_id = submit(client, pdf(160, lines=16, width=1000))
        time.sleep(20)  # ten sweeps while the queue drains slowly
        done = 160 - queued_pages(stack, job_id)
        assert 0 < done < 150, f"{done} pages done: the worker must still have a backlog for this test"
        stack.stop("slow")  # warm: the running page ends and is acknowledged; nothing else is held
        enqueuer = Enqueuer(stack.app().extensions["docpipe"].enqueuer.celery, stack.settings)
        waiting = sum(enqueuer.depth(q) for q in ("interactive", "bulk", "recovery"))
        received = len(re.findall(r"Task docpipe\.ocr_page\[[0-9a-f-]+\] received", stack.log("slow")))
        assert received + waiting == 160, (received, waiting)


@pytest.mark.parametrize("prefix", ["tdepth-", ""])
def test_queue_depth_reads_the_real_keys_with_and_without_a_prefix(tmp_path, prefix):
    redis = RedisServer(tmp_path / "redis").start()  # private: no prefix would collide on the shared one
    try:
        with ServiceStack.start(tmp_path / "stack", backend="postgres_redis", broker_url=redis.url,
                                DOCPIPE_QUEUE_PREFIX=prefix, **FAST) as stack:
            assert stack.settings.queue_prefix == prefix
            enqueuer = stack.app().extensions["docpipe"].enqueuer
            assert enqueuer.depth("interactive") == 0
            for n in range(7):
                enqueuer.ocr_page(f"{n:032x}", "interactive")
            for n in range(3):
                enqueuer.split_document(f"{n:032x}", "bulk")
            assert (enqueuer.depth("interactive"), enqueuer.depth("bulk"), enqueuer.depth("recovery")) == (7, 3, 0)
            # The lists really hold that (Kombu's global key prefix goes before the prefixed queue name).
            import redis as redis_py

            raw = redis_py.Redis.from_url(redis.url)
            key = {k.decode(): raw.llen(k) for k in raw.scan_iter("*") if raw.type(k) == b"list"}
            assert key == {f"{prefix}{prefix}interactive": 7, f"{prefix}{prefix}bulk": 3}, key
            metrics = stack.app().test_client().get("/metrics").get_data(as_text=True)
            assert 'docpipe_queue_depth{queue="interactive"} 7.0' in metrics, metrics
            assert 'docpipe_queue_depth{queue="bulk"} 3.0' in metrics
            assert 'docpipe_queue_depth{queue="recovery"} 0.0' in metrics
            # The sweeper sees both queues hold work, so it takes no queued page for lost.
            assert sweeper._empty_priorities(enqueuer) == set()
            raw.delete(f"{prefix}{prefix}bulk")
            assert sweeper._empty_priorities(enqueuer) == {"bulk"}
    finally:
        redis.stop()
