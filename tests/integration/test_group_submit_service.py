"""Group submits through the real stack (PostgreSQL + Redis and the embedded default, a real celery
worker): a group of rendered PDFs ends succeeded with the right text, a repeated group creates
nothing, a closed batch stores nothing, and two requests racing with the same keys make each job once."""
from __future__ import annotations

import hashlib
import io
import json
import threading
import time

import pytest
from sqlalchemy import func, select

from db.models import Document, Job
from tests.factories import EN_TEXT, cer, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job

pytestmark = pytest.mark.integration


def group(client, batch_id: str, files: list[tuple[str, bytes]], keys=None, **fields):
    data = {"file": [(io.BytesIO(content), name) for name, content in files], **fields}
    if keys is not None:
        data["idempotency_keys"] = json.dumps(keys)
    return client.post(f"/v1/batches/{batch_id}/jobs", data=data, content_type="multipart/form-data")


def new_batch(client) -> str:
    r = client.post("/v1/batches", json={"name": "group"})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def job_count(stack, batch_id: str) -> int:
    with stack.database().session() as s:
        return s.scalar(select(func.count()).select_from(Job).where(Job.batch_id == batch_id))


def test_a_group_of_pdfs_is_read_to_the_end(stack, client):
    stamp = time.time_ns()
    texts = [[f"Group scan {i} {stamp}", EN_TEXT[i + 2]] for i in range(3)]
    files = [(f"scan{i}.pdf", make_pdf([{"image": render_text_image(t, size_px=26, width=1000, margin=40), "dpi": 150}]))
             for i, t in enumerate(texts)]
    born = [f"Born digital group {stamp}", EN_TEXT[6]]
    files.append(("born.pdf", make_pdf([{"text": born}])))
    texts.append(born)
    batch_id = new_batch(client)
    keys = [f"e2e-{stamp}-{i}" for i in range(len(files))]
    r = group(client, batch_id, files, keys=keys)
    assert r.status_code == 202, r.get_data(as_text=True)
    slots = r.get_json()["jobs"]
    assert [s["created"] for s in slots] == [True] * 4
    for slot, (name, data), text in zip(slots, files, texts):
        view = wait_for_job(client, slot["job"]["id"])
        assert view["status"] == "succeeded" and view["batch_id"] == batch_id, view
        assert view["documents"][0]["sha256"] == hashlib.sha256(data).hexdigest()
        read = " ".join(p["text"] for p in all_pages(client, view["id"]))
        assert cer("\n".join(text), read) < 0.05, (name, read)
    # The same group again: the same jobs, now finished, and nothing new.
    again = group(client, batch_id, files, keys=keys)
    assert again.status_code == 200
    assert [(s["created"], s["job"]["id"], s["job"]["status"]) for s in again.get_json()["jobs"]] == [
        (False, s["job"]["id"], "succeeded") for s in slots
    ]
    assert job_count(stack, batch_id) == 4


def test_refused_files_and_a_closed_batch(stack, client):
    stamp = time.time_ns()
    good = make_pdf([{"text": [f"Good file {stamp}"]}])
    batch_id = new_batch(client)
    r = group(client, batch_id, [("bad.pdf", b"%PDF-1.7\n1 0 obj <<"), ("good.pdf", good), ("x.pdf", b"plain text")])
    slots = r.get_json()["jobs"]
    assert r.status_code == 202 and slots[1]["created"]
    assert [slots[0]["error"]["code"], slots[2]["error"]["code"]] == ["corrupt_file", "unsupported_type"]
    assert wait_for_job(client, slots[1]["job"]["id"])["status"] == "succeeded"

    assert client.post(f"/v1/batches/{batch_id}/close").status_code == 200
    with stack.database().session() as s:
        documents = s.scalar(select(func.count()).select_from(Document))
    late = group(client, batch_id, [("late.pdf", make_pdf([{"text": [f"Late {stamp}"]}]))], keys=[f"late-{stamp}"])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "batch_closed"
    with stack.database().session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == documents
    assert job_count(stack, batch_id) == 1
    assert group(client, "0" * 32, [("good.pdf", good)]).status_code == 404


def test_two_requests_racing_with_the_same_keys_make_each_job_once(stack):
    stamp = time.time_ns()
    files = [(f"r{i}.pdf", make_pdf([{"text": [f"Race {i} {stamp}"]}])) for i in range(5)]
    keys = [f"race-{stamp}-{i}" for i in range(5)]
    app = stack.app()
    batch_id = new_batch(app.test_client())
    answers, start = [None, None], threading.Barrier(2)

    def send(n: int) -> None:
        start.wait()
        # The second request shifted by one file: both hold keys the other is inserting.
        order = files if n == 0 else files[1:] + files[:1]
        order_keys = keys if n == 0 else keys[1:] + keys[:1]
        answers[n] = group(app.test_client(), batch_id, order, keys=order_keys)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for a in answers:
        assert a.status_code in (200, 202), a.get_data(as_text=True)
    first = {k: s["job"]["id"] for k, s in zip(keys, answers[0].get_json()["jobs"])}
    second = {k: s["job"]["id"] for k, s in zip(keys[1:] + keys[:1], answers[1].get_json()["jobs"])}
    assert first == second
    created = [s["created"] for a in answers for s in a.get_json()["jobs"]]
    assert created.count(True) == 5
    with stack.database().session() as s:
        rows = s.execute(select(Job.idempotency_key, func.count()).where(Job.idempotency_key.in_(keys))
                         .group_by(Job.idempotency_key)).all()
    assert sorted(rows) == sorted((k, 1) for k in keys)
    for job_id in first.values():
        assert wait_for_job(app.test_client(), job_id)["status"] == "succeeded"
