"""Limits through the real service: rate-limit counters shared in Redis by two API instances,
the sync route's 503 under real concurrent requests to gunicorn, readiness and start-up
warnings from real worker processes, and quiet periodic-task logs."""
from __future__ import annotations

import io
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from api import create_app
from settings import Settings
from tests.factories import EN_TEXT, encode_png, make_pdf, render_text_image
from tests.integration.conftest import wait_for_job
from tests.service_stack import REDIS_URL, RedisServer, ServiceStack

pytestmark = pytest.mark.integration


def api_instance(tmp_path, broker_url: str, prefix: str, **env):
    settings = Settings.from_env({
        "DOCPIPE_VAR_DIR": str(tmp_path / "var"), "DOCPIPE_BROKER_URL": broker_url, "DOCPIPE_QUEUE_PREFIX": prefix,
        "DOCPIPE_LOG_LEVEL": "warning", "DOCPIPE_AUTH_REQUIRED": "true", **env,
    })
    return create_app(settings).test_client()


def wrong_key(client, i: int) -> int:
    return client.get("/v1/jobs", headers={"Authorization": f"Bearer wrong-{i}"}).status_code


def test_two_api_instances_on_one_redis_spend_one_budget(tmp_path):
    prefix = f"rl{uuid.uuid4().hex[:8]}-"
    one = api_instance(tmp_path, REDIS_URL, prefix, DOCPIPE_RATELIMIT_PER_ADDRESS="6/minute")
    two = api_instance(tmp_path, REDIS_URL, prefix, DOCPIPE_RATELIMIT_PER_ADDRESS="6/minute")
    assert [wrong_key(one, 0), wrong_key(two, 1), wrong_key(one, 2), wrong_key(two, 3), wrong_key(one, 4),
            wrong_key(two, 5)] == [401] * 6
    assert wrong_key(one, 6) == 429 and wrong_key(two, 7) == 429
    # Counted in memory, each process would have let 12 through.
    mem_a = api_instance(tmp_path / "a", REDIS_URL, prefix + "m", DOCPIPE_RATELIMIT_PER_ADDRESS="6/minute",
                         DOCPIPE_RATELIMIT_STORAGE="memory://")
    mem_b = api_instance(tmp_path / "b", REDIS_URL, prefix + "m", DOCPIPE_RATELIMIT_PER_ADDRESS="6/minute",
                         DOCPIPE_RATELIMIT_STORAGE="memory://")
    assert [wrong_key(c, i) for c in (mem_a, mem_b) for i in range(6)] == [401] * 12


def test_requests_are_still_answered_while_the_rate_limit_redis_is_down(tmp_path):
    redis = RedisServer(tmp_path / "redis").start()
    try:
        client = api_instance(tmp_path, redis.url, f"rd{uuid.uuid4().hex[:8]}-", DOCPIPE_RATELIMIT_PER_ADDRESS="4/minute")
        assert wrong_key(client, 0) == 401
        redis.stop()
        # Counted in this process's memory meanwhile: still answered, still limited, never a 5xx.
        codes = [wrong_key(client, i) for i in range(1, 9)]
        assert set(codes) <= {401, 429} and 429 in codes, codes
        assert client.get("/health").status_code == 200
    finally:
        redis.stop()


def test_sync_route_answers_503_with_retry_after_when_the_engine_is_saturated(tmp_path):
    png = encode_png(render_text_image(EN_TEXT[:2], size_px=26, width=700))
    with ServiceStack.start(tmp_path, backend="sqlite_sqla", DOCPIPE_SYNC_CONCURRENCY=1, DOCPIPE_SYNC_MAX_WAITING=1,
                            DOCPIPE_SYNC_MAX_WAIT=0.5) as stack:
        url = stack.start_api()
        warm = requests.post(f"{url}/v1/ocr", files={"file": ("w.png", png)}, timeout=120)
        assert warm.status_code == 200, warm.text

        def post(_):
            r = requests.post(f"{url}/v1/ocr", files={"file": ("x.png", io.BytesIO(png))}, timeout=120)
            return r.status_code, r.headers.get("Retry-After"), r.json()

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(post, range(8)))
        statuses = [a[0] for a in answers]
        assert set(statuses) <= {200, 503} and 200 in statuses and 503 in statuses, statuses
        for status, retry_after, body in answers:
            if status == 503:
                assert body["error"]["code"] == "engine_busy" and int(retry_after) >= 1
            else:
                assert EN_TEXT[0].split()[0] in body["text"]
        metrics = requests.get(f"{url}/metrics", timeout=30).text
        refused = statuses.count(503)
        assert f'docpipe_requests_refused_total{{reason="engine_busy",route="/v1/ocr"}} {refused}.0' in metrics


def test_ready_needs_an_ocr_worker_and_only_ocr_workers_warn_about_cores_and_periodic_tasks_log_at_debug(tmp_path):
    with ServiceStack.start(tmp_path, backend="sqlite_sqla") as stack:
        s = stack.settings
        client = stack.app().test_client()
        over = (os.cpu_count() or 1) + 1
        stack.start_worker("hooks", concurrency=over, queues=s.queue("webhooks"))
        body = client.get("/ready").get_json()
        assert body["checks"]["workers"]["ok"] is False, body
        stack.start_worker("ocr", concurrency=over, queues=f"{s.queue('interactive')},{s.queue('bulk')}", wait=False)
        stack.wait_for_workers(2)
        r = client.get("/ready")
        assert r.status_code == 200 and r.get_json()["checks"]["workers"]["detail"]["live"] == 1, r.get_json()
        assert "exceed" in stack.log("ocr") and "exceed" not in stack.log("hooks")

        # Beat at DEBUG shows that the periodic tasks are sent, and at which level their lines now are.
        stack._spawn("beat", [sys.executable, "-m", "celery", "-A", "workers.celery_app", "beat", "--loglevel=DEBUG",
                              f"--schedule={tmp_path / 'var' / 'beat-schedule'}"])
        job = client.post("/v1/jobs", data={"file": (io.BytesIO(make_pdf([{"text": EN_TEXT[:1]}])), "a.pdf")},
                          content_type="multipart/form-data").get_json()
        assert wait_for_job(client, job["id"])["status"] == "succeeded"
        time.sleep(3 * s.sweep_interval)
        beat = stack.log("beat")
        # The sweep runs inside beat (workers/beat.py), so only the webhook fan-out is sent as a task.
        assert "DEBUG/MainProcess] Scheduler: Sending due task dispatch-webhooks" in beat
        assert "INFO/MainProcess] Scheduler: Sending due task" not in beat
        worker_logs = stack.log("ocr") + stack.log("hooks")
        assert "Task docpipe.split_document" in worker_logs  # real work is still logged at INFO
        assert "Task docpipe.sweep[" not in worker_logs and "Task docpipe.dispatch_webhooks[" not in worker_logs
