"""The bulk command through the real service: API under gunicorn, a celery worker, PostgreSQL, Redis.

A run killed with SIGKILL halfway and started again must leave exactly one
job per distinct file on the server, and every output. A run that settles
every file closes its batch (announced once); a later run with a new file
uses a new batch. (The 200-file archive with every format checked is
tests/integration/test_bulk_archive.py.)
"""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import requests
from sqlalchemy import select

from client import Client
from client.bulk_state import STATE_FILENAME, BulkState
from client.manifest import read_manifest
from client.source_tree import digest_file
from db.models import WebhookEvent
from tests.factories import EN_TEXT, encode_png, make_pdf, render_text_image
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
        # 12 lines a page (about 0.2 s of OCR on the fastest machine seen here): with 2 the whole
        # run could end between two of the polls below, and the kill would land after the last submit.
        lines = [f"Box {i} folder {stamp[-6:]}"] + (EN_TEXT * 2)[i:i + 11]
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
    # The files went in group submits: the jobs of one group share their created_at.
    assert len({j["created_at"] for j in jobs}) < 10
    rows = read_manifest(out / "manifest.csv")
    assert len(rows) == 10 and {r["status"] for r in rows} == {"succeeded"}
    assert len({r["job_id"] for r in rows}) == 10
    for r in rows:
        assert (out / (r["path"] + ".txt")).stat().st_size > 0
        assert (out / (r["path"] + ".json")).stat().st_size > 0
    assert not list(out.rglob("*.docpipe-tmp"))


def _stored_batch_id(out: Path) -> str | None:
    state = BulkState(out / STATE_FILENAME)
    try:
        return state.get_meta("batch_id")
    finally:
        state.close()


def _batch_events(stack, batch_id: str) -> list[WebhookEvent]:
    with stack.database().session() as s:
        rows = list(s.scalars(select(WebhookEvent).where(WebhookEvent.type == "batch.completed")))
    return [e for e in rows if e.payload.get("batch_id") == batch_id]


def test_a_settled_run_closes_its_batch_and_the_next_run_uses_a_new_one(stack, tmp_path):
    r = requests.post(f"{stack.url}/v1/webhook-endpoints", timeout=30,
                      json={"url": "https://erp.example/bulk-batches", "events": ["batch.completed"]})
    assert r.status_code == 201, r.text  # someone receives batch.completed: the outbox row is written
    src, out = tmp_path / "archive", tmp_path / "out"
    stamp = time.time_ns()
    for i in range(3):
        _write(src, f"letters/{i}.pdf", make_pdf([{"text": [f"Letter {i} of run {stamp}"]}]))
    cmd = bulk_command(stack.url, src, out, "--formats", "txt", "--concurrency", "2")

    first = subprocess.run(cmd, cwd=ROOT, env=client_env(), capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    batch_id = _stored_batch_id(out)
    with Client(stack.url) as client:
        view = client.batch(batch_id)
        assert view["closed_at"] and view["status"] == "completed", view
        assert view["files"] == {"total": 3, "by_status": {"succeeded": 3}}
        assert len(_batch_events(stack, batch_id)) == 1

        _write(src, "letters/late.pdf", make_pdf([{"text": [f"A late letter {stamp}"]}]))
        second = subprocess.run(cmd, cwd=ROOT, env=client_env(), capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "4 succeeded" in second.stdout and "1 submitted" in second.stdout
        new_id = _stored_batch_id(out)
        assert new_id and new_id != batch_id
        new = client.batch(new_id)
        assert new["status"] == "completed" and new["files"] == {"total": 1, "by_status": {"succeeded": 1}}
        assert client.batch(batch_id)["files"]["total"] == 3  # the closed batch got nothing more
    assert len(_batch_events(stack, batch_id)) == 1 and len(_batch_events(stack, new_id)) == 1


def test_bulk_text_outputs_are_the_single_downloads_fetched_in_groups(stack, tmp_path):
    from client.bulk import BulkOptions, BulkRunner
    from client.outputs import output_path

    src, out = tmp_path / "archive", tmp_path / "out"
    stamp = str(time.time_ns())
    for i in range(6):
        _write(src, f"shelf{i % 2}/leaf_{i}.png", encode_png(_page([f"Leaf {i} shelf {stamp[-6:]}", EN_TEXT[i]])))
    formats = ("txt", "json", "hocr", "alto")
    options = BulkOptions(src_dir=src, out_dir=out, formats=formats, concurrency=6, show_progress=False, poll_s=0.2)
    with Client(stack.url) as client:
        runner = BulkRunner(client, options)
        summary = runner.run()
        assert summary.ok and summary.by_status == {"succeeded": 6}, summary.line()
        groups = runner.writer.fetcher.groups_sent
        assert sum(n for _, n in groups) == 6 * len(formats)
        assert len(groups) < 6 * len(formats) and max(n for _, n in groups) > 1, groups
        for row in read_manifest(out / "manifest.csv"):
            for fmt in formats:
                assert output_path(out, row["path"], fmt).read_bytes() == client.result(row["job_id"], fmt), (row, fmt)
