"""The bulk command end to end against the fake API: statuses, duplicates, resuming, SIGKILL."""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from client import Client, RetryPolicy
from client.bulk import BulkOptions, BulkRunner
from client.bulk_state import STATE_FILENAME, BulkState
from client.idempotency import content_key, idempotency_key
from client.manifest import read_manifest
from client.source_tree import digest_file
from tests.fake_api import fake_api  # noqa: F401  (fixture)

FAST = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=1.0)
REPO = Path(__file__).resolve().parents[2]


def _tree(root: Path) -> None:
    files = {
        "a/x.pdf": b"%PDF-1.7 x PAGEBREAK",
        "a/copy of x.pdf": b"%PDF-1.7 x PAGEBREAK",  # duplicate content
        "b/scan.png": b"\x89PNG\r\n\x1a\n fake png",
        "c/bad.pdf": b"%PDF-1.7 CORRUPT",
        "notes.txt": b"not a document",
        "f/half.pdf": b"%PDF-1.7 FAILPAGE PAGEBREAK PAGEBREAK",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def _run(api, src: Path, out: Path, **kwargs):
    options = BulkOptions(src_dir=src, out_dir=out, show_progress=False, poll_s=0.05, **kwargs)
    with Client(api.base_url, retry=FAST) as client:
        return BulkRunner(client, options).run()


def test_bulk_run_statuses_duplicates_and_outputs(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _tree(src)
    summary = _run(fake_api, src, out, formats=("txt", "json", "alto"), min_confidence=0.85, concurrency=2)

    rows = {r["path"]: r for r in read_manifest(out / "manifest.csv")}
    assert {p: r["status"] for p, r in rows.items()} == {
        "a/copy of x.pdf": "succeeded",
        "a/x.pdf": "succeeded",
        "b/scan.png": "succeeded",
        "c/bad.pdf": "failed",
        "f/half.pdf": "partial",
        "notes.txt": "skipped",
    }
    assert rows["c/bad.pdf"]["error_code"] == "corrupt_file" and rows["c/bad.pdf"]["job_id"] == ""
    assert rows["notes.txt"]["error_code"] == "unsupported_type"
    assert rows["f/half.pdf"]["error_code"] == "inference_failed"
    # Pages are 0.9, 0.8, 0.7...: under 0.85 are all but the first.
    assert (rows["a/x.pdf"]["pages"], rows["a/x.pdf"]["pages_below_threshold"]) == ("2", "1")
    assert rows["a/x.pdf"]["job_id"] == rows["a/copy of x.pdf"]["job_id"]
    assert rows["a/x.pdf"]["sha256"] == digest_file(src / "a/x.pdf").sha256
    assert float(rows["a/x.pdf"]["mean_confidence"]) == 0.9

    # One job per distinct content, each format downloaded once, written for every duplicate.
    assert sorted(fake_api.creations.values()) == [1, 1, 1]
    assert set(fake_api.downloads.values()) == {1} and len(fake_api.downloads) == 9
    for rel in ("a/x.pdf", "a/copy of x.pdf", "b/scan.png", "f/half.pdf"):
        for suffix in (".txt", ".json", ".alto.xml"):
            assert (out / (rel + suffix)).is_file(), rel + suffix
    assert (out / "a/copy of x.pdf.alto.xml").read_bytes() == b"alto:" + rows["a/x.pdf"]["sha256"].encode()
    assert not (out / "c/bad.pdf.txt").exists() and not (out / "notes.txt.txt").exists()
    assert all(r[1] != "/v1/jobs" or r[3].get("priority") == "bulk" for r in fake_api.requests if r[0] == "POST")
    assert not summary.ok and summary.by_status["succeeded"] == 3 and summary.submitted_this_run == 3

    # A second run does nothing at all on the server; a new format is fetched once per job.
    requests_before = len(fake_api.requests)
    again = _run(fake_api, src, out, formats=("txt", "json", "alto"), min_confidence=0.85)
    assert again.submitted_this_run == 0 and again.downloads_this_run == 0
    assert [r for r in fake_api.requests[requests_before:] if r[1] != "/health"] == []
    more = _run(fake_api, src, out, formats=("txt", "hocr"), min_confidence=0.85)
    assert more.downloads_this_run == 3 and set(fake_api.downloads.values()) == {1}
    assert (out / "a/copy of x.pdf.hocr").is_file()


def test_retry_failed_submits_failures_again_under_new_keys(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _tree(src)
    _run(fake_api, src, out)
    assert len(fake_api.creations) == 3
    _run(fake_api, src, out)
    assert len(fake_api.creations) == 3  # without the flag, failures stay as they were
    (src / "c/bad.pdf").write_bytes(b"%PDF-1.7 repaired")  # new content: a new key anyway
    summary = _run(fake_api, src, out, retry_failed=True)
    # The partial job is resubmitted under attempt 1; the repaired file is new content.
    assert len(fake_api.creations) == 5 and set(fake_api.creations.values()) == {1}
    half_sha = digest_file(src / "f/half.pdf").sha256
    assert idempotency_key(content_key(half_sha, mode="auto"), 1) in fake_api.creations
    rows = {r["path"]: r["status"] for r in read_manifest(out / "manifest.csv")}
    assert rows["c/bad.pdf"] == "succeeded" and rows["f/half.pdf"] == "partial"
    assert summary.submitted_this_run == 2


def test_crash_between_marking_and_submitting_is_resolved_by_the_key(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    (src).mkdir()
    (src / "one.pdf").write_bytes(b"%PDF-1.7 one")
    sha = digest_file(src / "one.pdf").sha256
    ckey = content_key(sha, mode="auto")
    key = idempotency_key(ckey)
    # The last run marked the key "submitting", the server created the job, and the run died
    # before it could record the job id.
    out.mkdir()
    state = BulkState(out / STATE_FILENAME)
    state.add_job(key, ckey, 0, sha)
    state.mark_submitting(key)
    state.close()
    with Client(fake_api.base_url) as client:
        job_id = client.submit(src / "one.pdf", idempotency_key=key)["id"]
    summary = _run(fake_api, src, out)
    assert fake_api.creations[key] == 1 and len(fake_api.jobs) == 1
    assert read_manifest(out / "manifest.csv")[0]["job_id"] == job_id
    assert summary.ok and summary.submitted_this_run == 1  # the repeat POST returned the same job


def _cli(api, src: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "client",
        "bulk",
        str(src),
        str(out),
        "--url",
        api.base_url,
        "--formats",
        "txt,json",
        "--concurrency",
        "3",
        "--poll",
        "0.05",
        "--no-progress",
    ]


@pytest.mark.parametrize("groups", [False, True], ids=["one-by-one", "group-submits"])
def test_sigkill_and_restart_submits_and_downloads_nothing_twice(fake_api, tmp_path, groups):
    fake_api.batches = fake_api.groups = groups
    src, out = tmp_path / "src", tmp_path / "out"
    for i in range(12):
        (src / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i % 3}/f{i}.pdf").write_bytes(f"%PDF-1.7 file {i}".encode() + b" PAGEBREAK" * (i % 2))
    fake_api.finish_after_s = 0.3
    fake_api.retry_after = "0.05"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(_cli(fake_api, src, out), cwd=REPO, env=env)
    deadline = time.monotonic() + 30
    while sum(fake_api.creations.values()) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    killed_after = sum(fake_api.creations.values())
    assert 5 <= killed_after < 12, "the kill should land halfway through"
    # What the killed run had safely written: none of it may be fetched again.
    with sqlite3.connect(out / STATE_FILENAME) as db:
        landed = set(
            db.execute(
                "SELECT j.job_id, o.format FROM outputs o JOIN jobs j ON j.idempotency_key = o.idempotency_key"
            ).fetchall()
        )
    downloads_at_kill = dict(fake_api.downloads)

    rerun = subprocess.run(_cli(fake_api, src, out), cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert "12 succeeded" in rerun.stdout
    assert len(fake_api.creations) == 12 and set(fake_api.creations.values()) == {1}
    assert len(fake_api.downloads) == 24
    assert all(fake_api.downloads[jf] == downloads_at_kill[jf] for jf in landed)
    # A download cut off by the kill never reached the disk, so it is fetched again: at most
    # one per worker thread that was mid-download.
    assert sum(n - 1 for n in fake_api.downloads.values()) <= 3
    rows = read_manifest(out / "manifest.csv")
    assert len(rows) == 12 and {r["status"] for r in rows} == {"succeeded"}
    for row in rows:
        assert (out / (row["path"] + ".txt")).read_bytes() == b"txt:" + row["sha256"].encode()
    assert not list(out.rglob("*.docpipe-tmp"))
    # With group submits every file went in a group (the server saw no single submit); the keys
    # in flight at the kill were sent again and answered with their jobs (created once, above).
    assert bool(fake_api.groups_received) == groups
    assert groups == (sum(fake_api.groups_received) >= 12 and not _posts(fake_api, "/v1/jobs"))


def test_cli_exit_statuses(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _tree(src)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    bad_format = subprocess.run(
        [*_cli(fake_api, src, out)[:6], "--formats", "txt,docx"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert bad_format.returncode == 2 and "docx" in bad_format.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{s.getsockname()[1]}"
    unreachable = subprocess.run(
        [*_cli(fake_api, src, out)[:6], "--url", dead_url, "--no-progress"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert unreachable.returncode == 3 and "connection" in unreachable.stderr.lower()
    # One failed and one partial file in the tree: the run completes but exits 1.
    failed = subprocess.run(_cli(fake_api, src, out), cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1, failed.stderr
    assert "1 failed" in failed.stdout and "1 partial" in failed.stdout and "1 skipped" in failed.stdout


def _posts(api, path: str) -> list[dict]:
    return [r[3] for r in api.requests if r[:2] == ("POST", path)]


def test_a_settled_run_closes_its_batch_and_a_later_run_starts_a_new_one(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "archive-2024"
    _tree(src)
    fake_api.batches = True
    _run(fake_api, src, out)  # every file settles (succeeded, partial, failed, skipped): the batch is closed
    assert fake_api.batch_ids == ["batch-1"] and fake_api.closed_batches == {"batch-1"}
    job_posts = _posts(fake_api, "/v1/jobs")
    assert len(job_posts) == 4 and all(form.get("batch_id") == "batch-1" for form in job_posts)

    _run(fake_api, src, out)  # nothing to submit: no new batch, no second close
    assert fake_api.batch_ids == ["batch-1"]
    assert len([r for r in fake_api.requests if r[1].endswith("/close")]) == 1

    (src / "late.pdf").write_bytes(b"%PDF-1.7 added later")
    _run(fake_api, src, out)
    assert fake_api.batch_ids == ["batch-1", "batch-2"] and fake_api.closed_batches == {"batch-1", "batch-2"}
    job_posts = _posts(fake_api, "/v1/jobs")
    assert len(job_posts) == 5 and job_posts[-1]["batch_id"] == "batch-2"  # never a 409 on the way
    state = BulkState(out / STATE_FILENAME)
    try:
        assert state.get_meta("batch_id") == "batch-2"
    finally:
        state.close()


def test_a_run_left_incomplete_keeps_its_batch_open_for_the_next_run(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _tree(src)
    fake_api.batches = True
    fake_api.results = False  # single downloads, so that one of them can be refused
    fake_api.fail_next("GET", "/v1/jobs/job-0001/result", 400)  # one download refused: that file is incomplete
    first = _run(fake_api, src, out)
    assert first.by_status.get("incomplete") and fake_api.closed_batches == set()
    second = _run(fake_api, src, out)
    assert not second.by_status.get("incomplete")
    assert fake_api.batch_ids == ["batch-1"] and fake_api.closed_batches == {"batch-1"}


def test_a_batch_closed_by_someone_else_is_replaced_once(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _tree(src)
    fake_api.batches = True
    fake_api.results = False  # single downloads, so that one of them can be refused
    fake_api.fail_next("GET", "/v1/jobs/job-0001/result", 400)  # left incomplete: the batch stays open
    _run(fake_api, src, out)
    assert fake_api.closed_batches == set()
    fake_api.closed_batches.add("batch-1")  # closed by another client
    for i in range(3):
        (src / f"new/{i}.pdf").parent.mkdir(exist_ok=True)
        (src / f"new/{i}.pdf").write_bytes(b"%%PDF-1.7 new %d" % i)
    summary = _run(fake_api, src, out, concurrency=3)
    assert not summary.by_status.get("incomplete") and summary.by_status["failed"] == 1  # c/bad.pdf only
    assert fake_api.batch_ids == ["batch-1", "batch-2"]  # one new batch, however many threads hit the 409
    new_posts = [f for f in _posts(fake_api, "/v1/jobs") if f.get("batch_id") == "batch-2"]
    assert len(new_posts) == 3
    assert all(n == 1 for n in fake_api.creations.values())  # the retried submits created each job once
    assert "batch-2" in fake_api.closed_batches  # and the settled run closed the new batch


def test_no_batch_id_is_sent_to_servers_without_batches(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _tree(src)
    _run(fake_api, src, out)
    job_posts = [r[3] for r in fake_api.requests if r[:2] == ("POST", "/v1/jobs")]
    assert job_posts and all("batch_id" not in form for form in job_posts)


def test_file_edited_after_the_scan_is_not_submitted_under_its_old_key(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.pdf").write_bytes(b"%PDF-1.7 first version")
    options = BulkOptions(src_dir=src, out_dir=out, show_progress=False, poll_s=0.05)
    with Client(fake_api.base_url, retry=FAST) as client:
        runner = BulkRunner(client, options)
        scan = runner._scan

        def scan_then_edit(state, run_id):
            scan(state, run_id)
            (src / "a.pdf").write_bytes(b"%PDF-1.7 second version")

        runner._scan = scan_then_edit
        summary = runner.run()
    assert summary.by_status == {"incomplete": 1} and not fake_api.creations
    assert read_manifest(out / "manifest.csv")[0]["error_code"] == "file_changed"
    assert _run(fake_api, src, out).ok  # the next run hashes the new content and submits it


def test_sigterm_stops_cleanly_with_a_manifest_and_the_rerun_finishes(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(6):
        (src / f"{i}.pdf").write_bytes(f"%PDF-1.7 {i}".encode())
    fake_api.finish_after_s = 1.5
    fake_api.retry_after = "0.1"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(_cli(fake_api, src, out), cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(fake_api.creations) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    stdout, _ = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "[interrupted]" in stdout
    rows = read_manifest(out / "manifest.csv")
    assert len(rows) == 6 and {r["status"] for r in rows} == {"incomplete"}
    assert sum(bool(r["job_id"]) for r in rows) == 3
    rerun = subprocess.run(_cli(fake_api, src, out), cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0 and "6 succeeded" in rerun.stdout
    assert len(fake_api.creations) == 6 and set(fake_api.creations.values()) == {1}


def test_job_deleted_on_the_server_is_failed_and_retried_on_request(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.pdf").write_bytes(b"%PDF-1.7 a")
    assert _run(fake_api, src, out, formats=("txt",)).ok
    with Client(fake_api.base_url) as client:
        client.delete(next(iter(fake_api.jobs)))
    # Asking for a format the run never fetched meets the deleted job.
    lost = _run(fake_api, src, out, formats=("txt", "json"))
    row = read_manifest(out / "manifest.csv")[0]
    assert not lost.ok and (row["status"], row["error_code"]) == ("failed", "job_not_found")
    assert _run(fake_api, src, out, formats=("txt", "json"), retry_failed=True).ok
    assert len(fake_api.creations) == 2 and (out / "a.pdf.json").is_file()


def _distinct_files(root: Path, n: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"doc{i}.pdf").write_bytes(b"%%PDF-1.7 file %d PAGEBREAK" % i)  # 2 pages each


def _direct_job_polls(api) -> list[str]:
    return [r[1] for r in api.requests if r[0] == "GET" and r[1].startswith("/v1/jobs/") and r[1].count("/") == 3]


def test_jobs_in_flight_are_watched_together_not_polled_one_by_one(fake_api, tmp_path):
    fake_api.finish_after_s = 0.6
    _distinct_files(tmp_path / "src", 6)
    summary = _run(fake_api, tmp_path / "src", tmp_path / "out", formats=("txt",), concurrency=6)
    assert summary.ok and summary.by_status == {"succeeded": 6}
    assert _direct_job_polls(fake_api) == []
    rounds = [r for r in fake_api.requests if r[:2] == ("GET", "/v1/jobs")]
    # Six jobs running 0.6 s, read every 0.05 s together: about a dozen requests, not six dozen.
    assert 3 <= len(rounds) <= 30, len(rounds)


@pytest.mark.parametrize("ended_filter", [True, False], ids=["ended-filter", "server-ignores-ended"])
def test_the_watcher_mostly_asks_which_jobs_ended(fake_api, tmp_path, ended_filter):
    # Reads of every view (progress, deletions) at most every full_every s; in between only the jobs that ended.
    fake_api.ended_filter = ended_filter
    fake_api.finish_after_s = 1.5
    _distinct_files(tmp_path / "src", 4)
    summary = _run(fake_api, tmp_path / "src", tmp_path / "out", formats=("txt",), concurrency=4)
    assert summary.ok and summary.by_status == {"succeeded": 4}
    assert _direct_job_polls(fake_api) == []
    full = [n for asked, ended, n in fake_api.listings if not ended]
    ended = [n for asked, ended, n in fake_api.listings if ended]
    assert 1 <= len(full) <= 3 and len(ended) >= 4, fake_api.listings
    if ended_filter:
        # Four jobs, each answered once by an "ended" read (a job may end between two of them).
        assert sum(ended) == 4, fake_api.listings
    else:
        assert sum(ended) > 4  # an older server answers every listed view: still correct, just bigger


def test_a_server_without_the_ids_filter_gets_each_job_polled(fake_api, tmp_path):
    fake_api.ids_filter = False
    fake_api.finish_after_s = 0.3
    with Client(fake_api.base_url, retry=FAST) as client:
        for i in range(3):  # other jobs fill the first page of the unfiltered feed
            client.submit(b"%%PDF-1.7 other %d" % i, filename=f"other{i}.pdf")
    _distinct_files(tmp_path / "src", 3)
    summary = _run(fake_api, tmp_path / "src", tmp_path / "out", formats=("txt",), concurrency=3)
    assert summary.ok and summary.by_status == {"succeeded": 3}
    assert set(_direct_job_polls(fake_api)) == {"/v1/jobs/job-0004", "/v1/jobs/job-0005", "/v1/jobs/job-0006"}


def test_pages_are_listed_only_when_a_page_may_be_under_the_threshold(fake_api, tmp_path):
    _distinct_files(tmp_path / "src", 2)
    fake_api.page_confidence = 0.99  # pages 0.99 and 0.89
    _run(fake_api, tmp_path / "src", tmp_path / "high", formats=("txt",), min_confidence=0.8)
    assert not [r for r in fake_api.requests if r[1].endswith("/pages")]
    assert {r["pages_below_threshold"] for r in read_manifest(tmp_path / "high" / "manifest.csv")} == {"0"}

    _run(fake_api, tmp_path / "src", tmp_path / "low", formats=("txt",), min_confidence=0.95)
    assert len({r[1] for r in fake_api.requests if r[1].endswith("/pages")}) == 2
    assert {r["pages_below_threshold"] for r in read_manifest(tmp_path / "low" / "manifest.csv")} == {"1"}


def test_an_unreadable_watch_answer_sends_the_jobs_back_to_their_own_polls(fake_api, tmp_path):
    fake_api.finish_after_s = 0.3
    fake_api.fail_next("GET", "/v1/jobs", 200, body=b"<html>a proxy error page</html>")
    _distinct_files(tmp_path / "src", 2)
    summary = _run(fake_api, tmp_path / "src", tmp_path / "out", formats=("txt",), concurrency=2)
    assert summary.ok and summary.by_status == {"succeeded": 2}
    assert len(set(_direct_job_polls(fake_api))) == 2


def test_bulk_formats_md_and_pdfa_land_beside_the_source(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    (src / "a/x.pdf").write_bytes(b"%PDF-1.7 x PAGEBREAK")
    summary = _run(fake_api, src, out, formats=("md", "pdfa"))
    assert summary.by_status["succeeded"] == 1
    sha = digest_file(src / "a/x.pdf").sha256.encode()
    assert (out / "a/x.pdf.md").read_bytes() == b"md:" + sha
    assert (out / "a/x.pdf.pdfa.pdf").read_bytes() == b"pdfa:" + sha
    # md is text, fetched in a group; pdfa is binary, one download per job.
    assert [fmt for fmt, _ in fake_api.results_received] == ["md"]
    assert sorted(fmt for (_, fmt) in fake_api.downloads) == ["md", "pdfa"]
