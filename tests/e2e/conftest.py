"""Fixtures for driving the web page in Debian's Chromium against the real stack.

The stack is the production shape (PostgreSQL + Redis, a real ``celery worker``
process, the API under gunicorn), isolated by ``tests/service_stack.py``: its
own database, queue prefix and free ports. Chromium is Debian's; a browser
downloaded by Playwright cannot work here.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import sync_playwright

from tests.service_stack import ROOT, ServiceStack, free_port, port_open

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class WebTarget:
    base_url: str
    headers: dict = field(default_factory=dict)  # what a plain HTTP client sends to the same API
    key: str | None = None


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/system_packages.sh test)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("web-stack"), backend="postgres_redis") as running:
        running.start_worker(concurrency=1)
        yield running


@pytest.fixture(scope="session")
def web(stack) -> WebTarget:
    """The API as the embedded default runs it: auth off, on loopback."""
    return WebTarget(base_url=stack.start_api())


@contextmanager
def api_process(stack, log_dir, **env):
    """Another API process on the stack's database and queues, with some settings changed."""
    port = free_port()
    proc_env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")}
    proc_env.update(stack.env, PYTHONPATH=str(ROOT), **{k: str(v) for k, v in env.items()})
    log_path = log_dir / "api.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
             "--worker-class", "gthread", "--timeout", "120", "api:create_app()"],
            cwd=ROOT, env=proc_env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not port_open(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the API did not start: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture(scope="session")
def web_with_auth(stack, tmp_path_factory):
    """API keys required (as in production)."""
    from db.tenants import create_api_key

    with stack.database().session() as session:
        _, secret = create_api_key(session, "e2e")
    with api_process(stack, tmp_path_factory.mktemp("web-auth"), DOCPIPE_AUTH_REQUIRED="true") as url:
        yield WebTarget(base_url=url, headers={"Authorization": f"Bearer {secret}"}, key=secret)


@pytest.fixture
def web_small_uploads(stack, tmp_path):
    """Uploads above 100 kB refused, so "too big" can be seen without a 100 MB file."""
    with api_process(stack, tmp_path, DOCPIPE_MAX_UPLOAD_BYTES=100_000) as url:
        yield WebTarget(base_url=url)
