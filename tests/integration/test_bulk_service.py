"""The bulk command through the real service: API under gunicorn, a celery worker, PostgreSQL, Redis.

A run killed with SIGKILL halfway and started again must leave exactly one
job per distinct file on the server, and every output. (The 200-file archive
with every format checked is tests/integration/test_bulk_archive.py.)
"""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from client import Client
from client.manifest import read_manifest
from client.source_tree import digest_file
from tests.factories import EN_TEXT, encode_png, render_text_image
from tests.service_stack import ROOT, ServiceStack, bulk_command, client_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Small pages keep the suite fast: accuracy is the engine's suite's business, not this one's.
DPI = 100


def _page(lines: list[str]) -> np.ndarray:
    return render_text_image(lines, size_px=22, width=900, margin=30)


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("bulk-stack"), backend="postgres_redis", DOCPIPE_DPI=DPI) as s:
        s.start_worker(concurrency=2)
        s.url = s.start_api()
        yield s



def _jobs_for(client: Client, shas: set[str]) -> list[dict]:
    return [j for j in client.list_jobs() if {d["sha256"] for d in j["documents"]} & shas]


def test_bulk_killed_halfway_and_restarted(stack, tmp_path):
    src, out = tmp_path / "archive", tmp_path / "out"
    # Content unique to this test, so the server's key dedupe cannot hide a second submission.
    stamp = str(time.time_ns())
    for i in range(10):
        lines = [f"Box {i} folder {stamp[-6:]}", EN_TEXT[i]]
        _write(src, f"box{i % 2}/page_{i}.png", encode_png(_page(lines)))
    shas = {digest_file(p).sha256 for p in src.rglob("*.png")}
    cmd = bulk_command(stack.url, src, out, "--formats", "txt,json", "--concurrency", "3")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=client_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with Client(stack.url) as client:
        deadline = time.monotonic() + 120
        while len(_jobs_for(client, shas)) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        at_kill = len(_jobs_for(client, shas))
        assert 4 <= at_kill < 10, "the kill should land halfway through"

        rerun = subprocess.run(cmd, cwd=ROOT, env=client_env(), capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert "10 succeeded" in rerun.stdout
        jobs = _jobs_for(client, shas)
    assert len(jobs) == 10  # exactly one job per file: nothing submitted twice
    assert sorted(d["sha256"] for j in jobs for d in j["documents"]) == sorted(shas)
    rows = read_manifest(out / "manifest.csv")
    assert len(rows) == 10 and {r["status"] for r in rows} == {"succeeded"}
    assert len({r["job_id"] for r in rows}) == 10
    for r in rows:
        assert (out / (r["path"] + ".txt")).stat().st_size > 0
        assert (out / (r["path"] + ".json")).stat().st_size > 0
    assert not list(out.rglob("*.docpipe-tmp"))
