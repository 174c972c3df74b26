"""Batches through the real stack, on PostgreSQL + Redis and on the embedded default: create,
submit jobs into them (multipart and JSON), read the aggregate while the jobs run and after,
page through their jobs, and keep them to their tenant."""
from __future__ import annotations

import base64
import io
import time

import pytest
from sqlalchemy import func, select

from db import repository as repo
from db.models import Job
from tests.factories import EN_TEXT, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job

pytestmark = pytest.mark.integration


def create_batch(client, headers=None, **body):
    return client.post("/v1/batches", json=body, headers=headers or {})


def submit(client, data: bytes, name: str, headers=None, **fields):
    body = {"file": [(io.BytesIO(data), name)], **fields}
    return client.post("/v1/jobs", data=body, content_type="multipart/form-data", headers=headers or {})


def _scanned_pdf(n: int) -> bytes:
    stamp = time.time_ns()
    return make_pdf([
        {"image": render_text_image([f"Batch page {i} {stamp}", EN_TEXT[i]], size_px=26, width=1000, margin=40), "dpi": 150}
        for i in range(n)
    ])


def _check_invariants(view: dict) -> None:
    pages, files = view["pages"], view["files"]
    assert sum(pages["by_status"].values()) == pages["total"], view
    assert sum(files["by_status"].values()) == files["total"], view
    assert pages["done"] == pages["by_status"].get("succeeded", 0)


def test_batch_aggregates_while_running_and_after(client):
    r = create_batch(client, name="archive-2026", external_ref="box-7")
    assert r.status_code == 201, r.get_data(as_text=True)
    batch = r.get_json()
    assert r.headers["Location"] == batch["links"]["self"] == f"/v1/batches/{batch['id']}"
    assert (batch["name"], batch["external_ref"], batch["status"]) == ("archive-2026", "box-7", "empty")
    assert batch["files"] == {"total": 0, "by_status": {}} and batch["pages"]["total"] == 0

    scanned = submit(client, _scanned_pdf(5), "scans.pdf", batch_id=batch["id"], priority="bulk")
    assert scanned.status_code == 202 and scanned.get_json()["batch_id"] == batch["id"]
    born = make_pdf([{"text": [f"Born digital {time.time_ns()}", EN_TEXT[3]]}])
    json_body = {"files": [{"filename": "born.pdf", "content_base64": base64.b64encode(born).decode()}],
                 "batch_id": batch["id"], "priority": "bulk"}
    by_json = client.post("/v1/jobs", json=json_body)
    assert by_json.status_code == 202 and by_json.get_json()["batch_id"] == batch["id"]
    job_ids = [scanned.get_json()["id"], by_json.get_json()["id"]]

    snapshots = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        view = client.get(f"/v1/batches/{batch['id']}").get_json()
        _check_invariants(view)
        snapshots.append(view)
        if view["status"] == "completed":
            break
        time.sleep(0.1)
    running = [v for v in snapshots if v["status"] == "running"]
    assert running and all(v["files"]["total"] == 2 and v["pages"]["total"] == 6 for v in running)
    midway = [v for v in running if 0 < v["pages"]["done"] < 6]
    assert midway, "the batch should be seen with part of its pages done"
    assert all(v["pages_per_second"] > 0 and v["eta_seconds"] > 0 for v in midway)

    final = snapshots[-1]
    assert final["status"] == "completed", final
    assert final["files"] == {"total": 2, "by_status": {"succeeded": 2}}
    assert final["pages"] == {"total": 6, "done": 6, "failed": 0, "by_status": {"succeeded": 6}}
    assert final["eta_seconds"] == 0 and final["started_at"] and final["finished_at"]
    assert final["pages_per_second"] == pytest.approx(6 / final["elapsed_seconds"], rel=0.01)
    jobs = [wait_for_job(client, j) for j in job_ids]
    assert final["finished_at"] == max(j["finished_at"] for j in jobs)
    confidences = [p["confidence"] for j in job_ids for p in all_pages(client, j)]
    assert final["confidence"] == pytest.approx(sum(confidences) / len(confidences), abs=1e-4)

    # The batch's jobs, in submission order, one per request.
    seen, url = [], f"/v1/batches/{batch['id']}/jobs?limit=1"
    while url:
        body = client.get(url).get_json()
        assert len(body["jobs"]) <= 1
        seen += [j["id"] for j in body["jobs"]]
        url = f"/v1/batches/{batch['id']}/jobs?limit=1&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == job_ids
    bad = client.get(f"/v1/batches/{batch['id']}/jobs?cursor=garbage")
    assert bad.status_code == 400 and bad.get_json()["error"]["details"] == {"field": "cursor"}


def test_batches_belong_to_their_tenant(stack, client):
    with stack.database().session() as s:
        _, secret = repo.create_api_key(s, f"batch-other-{time.time_ns()}")
        other_tenant = repo.tenant_for_key(s, secret)
    other = {"Authorization": f"Bearer {secret}"}
    mine = create_batch(client, name="mine").get_json()
    theirs = create_batch(client, headers=other, name="theirs").get_json()

    for batch_id, headers in ((mine["id"], other), (theirs["id"], {}), ("no-such-batch", {})):
        for path in (f"/v1/batches/{batch_id}", f"/v1/batches/{batch_id}/jobs"):
            r = client.get(path, headers=headers)
            assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found", path

    # A job may only join one of its own tenant's batches; refused jobs leave nothing behind.
    with stack.database().session() as s:
        before = s.scalar(select(func.count()).select_from(Job).where(Job.tenant_id == other_tenant))
    data = make_pdf([{"text": [f"Tenant check {time.time_ns()}"]}])
    for batch_id in (mine["id"], "no-such-batch"):
        r = submit(client, data, "x.pdf", headers=other, batch_id=batch_id)
        assert r.status_code == 422, r.get_data(as_text=True)
        error = r.get_json()["error"]
        assert error["code"] == "unknown_batch" and error["details"]["field"] == "batch_id"
    with stack.database().session() as s:
        assert s.scalar(select(func.count()).select_from(Job).where(Job.tenant_id == other_tenant)) == before
    ok = submit(client, data, "x.pdf", headers=other, batch_id=theirs["id"])
    assert ok.status_code == 202 and ok.get_json()["batch_id"] == theirs["id"]
    assert client.get(f"/v1/batches/{theirs['id']}", headers=other).get_json()["files"]["total"] == 1
    assert client.get(f"/v1/batches/{mine['id']}").get_json()["files"]["total"] == 0


def test_bad_batch_requests_get_the_envelope(client):
    for body in ({}, {"name": ""}, {"name": "x" * 201}, {"name": 5}):
        r = client.post("/v1/batches", json=body)
        assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid_option", body
    r = client.post("/v1/batches", json={"name": "   "})
    assert r.status_code == 400 and r.get_json()["error"]["details"]["field"] == "name"


def test_batches_are_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert {"/v1/batches", "/v1/batches/{batch_id}", "/v1/batches/{batch_id}/jobs"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert "batch_id" in schemas["JobSubmitMultipart"]["properties"]
    assert {"batch_id", "reused_from"} <= set(schemas["JobView"]["properties"])
    assert {"BatchView", "BatchCreate"} <= set(schemas)
