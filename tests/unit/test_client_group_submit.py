"""Group submits from the client: ``GroupSubmitter`` on its own, ``Client.submit_group``, and the bulk
command against the fake API with and without the group route (statuses, refused files, a batch
closed by someone else, fallback to one request per file)."""
from __future__ import annotations

import threading
import time

import pytest

from client import Client, InvalidRequest
from client.errors import BatchClosed, ServerError
from client.group_submit import GroupSubmitter, GroupUnavailable
from client.http_api import slot_error
from client.manifest import read_manifest
from tests.unit.test_client_bulk_run import FAST, _posts, _run, _tree
from tests.fake_api import fake_api  # noqa: F401  (fixture)


def _in_threads(submitter, n: int, start_gap_s: float = 0.0) -> list:
    results = [None] * n

    def one(i):
        try:
            results[i] = submitter.submit(f"f{i}", b"x" * (i + 1), f"k{i}")
        except Exception as exc:  # noqa: BLE001 - the test reads it
            results[i] = exc

    threads = []
    for i in range(n):
        threads.append(threading.Thread(target=one, args=(i,)))
        threads[-1].start()
        time.sleep(start_gap_s)
    for t in threads:
        t.join(10)
    return results


def test_files_arriving_together_go_in_one_request_and_each_gets_its_slot():
    sent = []

    def send(items):
        sent.append([i.idempotency_key for i in items])
        return [({"id": f"job-{i.idempotency_key}"}, None) if i.idempotency_key != "k2" else
                (None, InvalidRequest("no", status=415, code="unsupported_type")) for i in items]

    with GroupSubmitter(send, window_s=0.2, max_files=5) as submitter:
        results = _in_threads(submitter, 5)
    assert len(sent) == 1 and sorted(sent[0]) == ["k0", "k1", "k2", "k3", "k4"]  # full at 5: sent at once
    assert [r["id"] for i, r in enumerate(results) if i != 2] == ["job-k0", "job-k1", "job-k3", "job-k4"]
    assert isinstance(results[2], InvalidRequest) and results[2].code == "unsupported_type"


def test_groups_respect_the_file_and_byte_caps_and_the_window():
    sent, sizes = [], []

    def send(items):
        sent.append(len(items))
        sizes.append(sum(len(i.data) for i in items))
        return [({"id": i.idempotency_key}, None) for i in items]

    with GroupSubmitter(send, window_s=0.3, max_files=3) as submitter:
        assert all(isinstance(r, dict) for r in _in_threads(submitter, 7))
    assert sorted(sent, reverse=True)[:2] == [3, 3] and sum(sent) == 7
    sent.clear()
    sizes.clear()
    with GroupSubmitter(send, window_s=0.3, max_files=10, max_bytes=5) as submitter:
        _in_threads(submitter, 4)  # 1+2+3+4 bytes: never more than 5 in one group, a bigger file alone
    assert sum(sent) == 4 and max(sizes) <= 5 and len(sent) >= 2
    sent.clear()
    with GroupSubmitter(send, window_s=0.02, max_files=10) as submitter:
        _in_threads(submitter, 3, start_gap_s=0.15)  # slower than the window: one request each
    assert sent == [1, 1, 1]


def test_a_group_error_reaches_every_thread_of_the_group():
    def send(items):
        raise ServerError("down", status=500)

    with GroupSubmitter(send, window_s=0.1, max_files=3) as submitter:
        results = _in_threads(submitter, 3)
    assert all(isinstance(r, ServerError) for r in results)
    with pytest.raises(GroupUnavailable):
        submitter.submit("late", b"x", "late")  # closed: the caller submits alone


def test_slot_errors_are_typed_like_a_single_submit():
    assert slot_error({"index": 0, "created": True, "job": {"id": "j"}}) is None
    err = slot_error({"index": 1, "status": 413, "error": {"code": "file_too_large", "message": "big", "details": {"index": 1}}})
    assert isinstance(err, InvalidRequest) and (err.status, err.code, err.details) == (413, "file_too_large", {"index": 1})
    assert isinstance(slot_error({"index": 2, "status": 500, "error": {"code": "inference_failed"}}), ServerError)


def test_submit_group_sends_every_file_and_its_key(fake_api):
    fake_api.batches = fake_api.groups = True
    with Client(fake_api.base_url, retry=FAST) as client:
        batch_id = client.create_batch("g")["id"]
        slots = client.submit_group(batch_id, [("a.pdf", b"%PDF a", "ka"), ("b.pdf", b"%PDF CORRUPT", "kb"), ("c.pdf", b"%PDF c", None)])
        assert [s.get("created") for s in slots] == [True, None, True] and slots[1]["error"]["code"] == "corrupt_file"
        again = client.submit_group(batch_id, [("a.pdf", b"%PDF a", "ka")])
        assert again[0]["created"] is False and again[0]["job"]["id"] == slots[0]["job"]["id"]
        fake_api.closed_batches.add(batch_id)
        with pytest.raises(BatchClosed):
            client.submit_group(batch_id, [("d.pdf", b"%PDF d", "kd")])
    assert fake_api.creations["ka"] == 1


def _group_posts(api) -> list[str]:
    return [r[1] for r in api.requests if r[0] == "POST" and r[1].startswith("/v1/batches/") and r[1].endswith("/jobs")]


def _distinct(root, n: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"doc{i}.pdf").write_bytes(b"%%PDF-1.7 grouped %d" % i)


def test_a_bulk_run_submits_in_groups(fake_api, tmp_path):
    fake_api.batches = fake_api.groups = True
    fake_api.finish_after_s = 0.2
    _distinct(tmp_path / "src", 24)
    summary = _run(fake_api, tmp_path / "src", tmp_path / "out", formats=("txt",), concurrency=8)
    assert summary.ok and summary.by_status == {"succeeded": 24} and summary.submitted_this_run == 24
    assert sum(fake_api.groups_received) == 24 and max(fake_api.groups_received) > 1
    assert len(_group_posts(fake_api)) < 24 and _posts(fake_api, "/v1/jobs") == []
    assert set(fake_api.creations.values()) == {1} and len(fake_api.creations) == 24
    assert all(j.form["batch_id"] == "batch-1" and j.form["priority"] == "bulk" for j in fake_api.jobs.values())


def test_refused_files_in_a_group_are_failed_like_single_submits(fake_api, tmp_path):
    results = {}
    for groups in (False, True):
        fake_api.batches, fake_api.groups = True, groups
        _tree(tmp_path / f"src{groups}")
        summary = _run(fake_api, tmp_path / f"src{groups}", tmp_path / f"out{groups}", formats=("txt",), concurrency=4)
        rows = read_manifest(tmp_path / f"out{groups}" / "manifest.csv")
        results[groups] = (summary.by_status, {r["path"]: (r["status"], r["error_code"]) for r in rows})
    assert results[True] == results[False]
    assert results[True][1]["c/bad.pdf"] == ("failed", "corrupt_file")
    assert fake_api.groups_received  # the second run did use groups


def test_a_batch_closed_by_someone_else_is_replaced_once_for_groups(fake_api, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    _distinct(src, 2)
    fake_api.batches = fake_api.groups = True
    fake_api.results = False  # single downloads, so that one of them can be refused
    fake_api.fail_next("GET", "/v1/jobs/job-0001/result", 400)  # left incomplete: the batch stays open
    _run(fake_api, src, out, formats=("txt",))
    fake_api.closed_batches.add("batch-1")  # closed by another client
    for i in range(6):
        (src / f"new{i}.pdf").write_bytes(b"%%PDF-1.7 new %d" % i)
    summary = _run(fake_api, src, out, formats=("txt",), concurrency=6)
    assert summary.ok, summary.by_status
    assert fake_api.batch_ids == ["batch-1", "batch-2"]
    assert [j.form["batch_id"] for j in fake_api.jobs.values()].count("batch-2") == 6
    assert set(fake_api.creations.values()) == {1}
    assert "batch-2" in fake_api.closed_batches


def test_a_server_without_the_group_route_gets_one_request_per_file(fake_api, tmp_path):
    fake_api.batches = True  # batches, but no group route (a server from before it)
    _distinct(tmp_path / "src", 6)
    summary = _run(fake_api, tmp_path / "src", tmp_path / "out", formats=("txt",), concurrency=3)
    assert summary.ok and summary.by_status == {"succeeded": 6}
    assert len(_group_posts(fake_api)) == 1  # tried once, then every file alone
    assert len(_posts(fake_api, "/v1/jobs")) == 6 and set(fake_api.creations.values()) == {1}
