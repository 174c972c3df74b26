"""``ResultFetcher`` and ``Client.results``: the bulk command's text downloads go out in groups
(``GET /v1/results``), against the fake API of tests/fake_api.py."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from client import Client, RetryPolicy
from client.bulk import BulkOptions, BulkRunner
from client.errors import Conflict, NotFound, ServiceUnavailable
from client.manifest import read_manifest
from client.result_fetch import ResultFetcher, ResultsUnavailable
from tests.fake_api import fake_api  # noqa: F401  (fixture)

FAST = RetryPolicy(max_attempts=2, base_delay_s=0.01, max_delay_s=0.05)


def _jobs(api, client: Client, n: int) -> list[str]:
    return [client.submit(b"%%PDF-1.7 job %d" % i, filename=f"{i}.pdf")["id"] for i in range(n)]


def _fetch_all(fetcher: ResultFetcher, asks: list[tuple[str, str]], stagger_s: float = 0.0) -> list:
    """Each ask from a thread of its own, ask i ``i * stagger_s`` after the first; returns bytes or the
    raised error per ask."""
    answers: list = [None] * len(asks)
    start = threading.Barrier(len(asks))

    def ask(i: int) -> None:
        start.wait()
        time.sleep(i * stagger_s)
        try:
            answers[i] = fetcher.fetch(*asks[i])
        except Exception as exc:  # noqa: BLE001 - the test reads it
            answers[i] = exc

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(asks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return answers


def test_asks_within_the_window_go_in_one_request_per_format(fake_api):
    with Client(fake_api.base_url, retry=FAST) as client:
        ids = _jobs(fake_api, client, 6)
        sha = {j.id: j.sha256 for j in fake_api.jobs.values()}
        with ResultFetcher(client.results, window_s=0.5) as fetcher:
            asks = [(i, "txt") for i in ids] + [(i, "json") for i in ids[:3]]
            answers = _fetch_all(fetcher, asks, stagger_s=0.02)  # all within the window, none together
    assert answers == [f"{fmt}:{sha[i]}".encode() for i, fmt in asks]
    assert sorted(fetcher.groups_sent) == [("json", 3), ("txt", 6)]
    assert sorted((fmt, sorted(got)) for fmt, got in fake_api.results_received) == [("json", sorted(ids[:3])), ("txt", sorted(ids))]
    assert not [r for r in fake_api.requests if r[1].endswith("/result")]


def test_a_full_group_goes_without_waiting_for_the_window(fake_api):
    with Client(fake_api.base_url, retry=FAST) as client:
        ids = _jobs(fake_api, client, 5)
        with ResultFetcher(client.results, window_s=30, max_jobs=2) as fetcher:
            started = time.monotonic()
            answers = _fetch_all(fetcher, [(i, "txt") for i in ids[:4]])  # 30 s window: only fullness sends
            took = time.monotonic() - started
    assert all(isinstance(a, bytes) for a in answers) and took < 5
    assert fetcher.groups_sent == [("txt", 2), ("txt", 2)]


def test_each_ask_gets_its_own_slot_error(fake_api):
    with Client(fake_api.base_url, retry=FAST) as client:
        ok, running = _jobs(fake_api, client, 2)
        fake_api.jobs[running].created_at += 3600  # still running for an hour
        fake_api.finish_after_s = 60
        fake_api.jobs[ok].created_at -= 3600
        with ResultFetcher(client.results, window_s=0.2) as fetcher:
            answers = _fetch_all(fetcher, [(ok, "txt"), ("job-gone", "txt"), (running, "txt")])
    assert isinstance(answers[0], bytes)
    assert isinstance(answers[1], NotFound) and answers[1].code == "not_found"
    assert isinstance(answers[2], Conflict) and answers[2].code == "job_not_finished"
    assert answers[2].details["status"] == "running"
    assert fetcher.groups_sent == [("txt", 3)]


def test_a_whole_request_error_reaches_every_ask(fake_api):
    fake_api.fail_next("GET", "/v1/results", 503, times=2)
    with Client(fake_api.base_url, retry=FAST) as client:
        ids = _jobs(fake_api, client, 3)
        with ResultFetcher(client.results, window_s=0.2) as fetcher:
            answers = _fetch_all(fetcher, [(i, "txt") for i in ids])
    assert all(isinstance(a, ServiceUnavailable) for a in answers)
    with pytest.raises(ResultsUnavailable):
        fetcher.fetch(ids[0], "txt")  # closed


def test_client_results_decodes_slots_and_raises_for_the_route(fake_api):
    with Client(fake_api.base_url, retry=FAST) as client:
        (job,) = _jobs(fake_api, client, 1)
        got = client.results([job, "nope", job])
        assert got[job] == client.result(job, "txt") and isinstance(got["nope"], NotFound)
        fake_api.results = False
        with pytest.raises(NotFound):
            client.results([job])


def _distinct(root: Path, n: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"d/doc{i}.pdf").parent.mkdir(exist_ok=True)
        (root / f"d/doc{i}.pdf").write_bytes(b"%%PDF-1.7 file %d PAGEBREAK" % i)


def _run(api, src: Path, out: Path, **kwargs):
    options = BulkOptions(src_dir=src, out_dir=out, show_progress=False, poll_s=0.05, **kwargs)
    with Client(api.base_url, retry=FAST) as client:
        runner = BulkRunner(client, options)
        return runner, runner.run()


def test_bulk_fetches_text_results_in_groups_and_pdf_alone(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _distinct(src, 8)
    runner, summary = _run(fake_api, src, out, formats=("txt", "json", "pdf"), concurrency=8)
    assert summary.ok and summary.by_status == {"succeeded": 8}
    assert set(fake_api.downloads.values()) == {1} and len(fake_api.downloads) == 24
    singles = [r[1] for r in fake_api.requests if r[1].endswith("/result")]
    assert len(singles) == 8  # pdf only
    assert sum(n for _, n in runner.writer.fetcher.groups_sent) == 16 and len(runner.writer.fetcher.groups_sent) < 16
    for job in fake_api.jobs.values():
        name = job.filename
        assert (out / "d" / f"{name}.txt").read_bytes() == f"txt:{job.sha256}".encode()


def test_bulk_falls_back_to_single_downloads_for_the_rest_of_the_run(fake_api, tmp_path):
    fake_api.results = False  # an older server
    src, out = tmp_path / "src", tmp_path / "out"
    _distinct(src, 6)
    _, summary = _run(fake_api, src, out, formats=("txt", "json"), concurrency=3)
    assert summary.ok and summary.by_status == {"succeeded": 6}
    assert set(fake_api.downloads.values()) == {1} and len(fake_api.downloads) == 12
    tried = [r for r in fake_api.requests if r[1] == "/v1/results"]
    assert len(tried) == 1  # one 404 turned grouping off


def test_a_slot_error_other_than_not_found_falls_back_to_the_single_download(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _distinct(src, 1)
    fake_api.fail_next("GET", "/v1/results", 200, body={"results": [{"id": "job-0001", "error": {"code": "internal_error", "message": "x"}}]})
    _, summary = _run(fake_api, src, out, formats=("txt",))
    assert summary.ok
    assert [r[1] for r in fake_api.requests if r[1].endswith("/result")] == ["/v1/jobs/job-0001/result"]


def test_a_not_found_slot_marks_the_job_lost(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _distinct(src, 1)
    fake_api.fail_next("GET", "/v1/results", 200, body={"results": [{"id": "job-0001", "error": {"code": "not_found", "message": "gone"}}]})
    _, summary = _run(fake_api, src, out, formats=("txt",))
    row = read_manifest(out / "manifest.csv")[0]
    assert not summary.ok and (row["status"], row["error_code"]) == ("failed", "job_not_found")
    assert not [r for r in fake_api.requests if r[1].endswith("/result")]  # no single download after a definitive 404
