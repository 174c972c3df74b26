"""``run_local.py``, the embedded default: one command brings up API, worker and beat on SQLite
with no Redis or PostgreSQL, serves the curl flow, stops cleanly, and fails loudly if a child dies."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.factories import EN_TEXT, cer, make_pdf, render_text_image
from tests.service_stack import ROOT, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def start(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")}
    env.update(DOCPIPE_VAR_DIR=str(tmp_path / "var"), DOCPIPE_API_PORT=str(port), DOCPIPE_LOG_LEVEL="warning",
               DOCPIPE_WORKER_CONCURRENCY="1", DOCPIPE_DPI="150", DOCPIPE_QUEUE_PREFIX=f"rl{port}-")
    proc = subprocess.Popen([sys.executable, "run_local.py"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=open(tmp_path / "run_local.log", "wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, (tmp_path / "run_local.log").read_text()
        assert time.monotonic() < deadline, "run_local did not become ready"
        try:
            if requests.get(f"{base}/ready", timeout=10).status_code == 200:
                return proc, base
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.5)


def children(pid: int) -> dict[str, int]:
    # -ww: without a terminal ps cuts lines at 80 columns, which in a clone under a longer path
    # cut "... workers.celery_app beat" before the word that names the process.
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        child, args = line.strip().split(" ", 1)
        name = "beat" if " beat" in args else "worker" if " worker" in args else "api"
        found[name] = int(child)
    return found


def kill_leftovers(base: str, tmp_path) -> None:
    """After a failed test: run_local starts each child in its own session, so a run_local that was
    killed leaves them running. They are found by this run's port, queue prefix and var dir."""
    port = base.rsplit(":", 1)[1]
    pattern = rf"127\.0\.0\.1:{port} |--queues=rl{port}-|{re.escape(str(tmp_path))}"
    subprocess.run(["pkill", "-9", "-f", pattern], check=False)


def test_run_local_serves_the_curl_flow_and_stops_cleanly(tmp_path):
    proc, base = start(tmp_path)
    passed = False
    try:
        pdf = make_pdf([{"text": EN_TEXT[:2]}, {"image": render_text_image(EN_TEXT[:2], size_px=28, width=1200), "dpi": 200}])
        r = requests.post(f"{base}/v1/jobs", files={"file": ("a.pdf", pdf)}, timeout=30)
        assert r.status_code == 202
        job = r.json()
        deadline = time.monotonic() + 90
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.5)
            job = requests.get(f"{base}/v1/jobs/{job['id']}", timeout=10).json()
        assert job["status"] == "succeeded"
        pages = requests.get(f"{base}/v1/jobs/{job['id']}/pages", timeout=10).json()["pages"]
        assert [p["source"] for p in pages] == ["text_layer", "ocr"]
        assert all(cer("\n".join(EN_TEXT[:2]), p["text"]) < 0.03 for p in pages)
        assert requests.get(f"{base}/openapi.json", timeout=10).status_code == 200
        kids = children(proc.pid)
        assert set(kids) == {"api", "worker", "beat"}
        passed = True
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(40)
        if not passed or code != 0:
            kill_leftovers(base, tmp_path)
    assert code == 0
    for pid in kids.values():
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower()


def test_run_local_exits_non_zero_when_a_process_dies(tmp_path):
    proc, base = start(tmp_path)
    try:
        os.kill(children(proc.pid)["beat"], signal.SIGKILL)
        code = proc.wait(40)
    finally:
        if proc.poll() is None:
            proc.kill()
            kill_leftovers(base, tmp_path)
    assert code == 1
    assert "beat exited" in (tmp_path / "run_local.log").read_text()
