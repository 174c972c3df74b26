"""Batches through the real stack, on PostgreSQL + Redis and on the embedded default: create,
submit jobs into them (multipart and JSON), close them, read the aggregate while the jobs run and
after, page through their jobs, keep them to their tenant, and refuse jobs for a closed batch."""
from __future__ import annotations

import base64
import io
import time

import pytest
from sqlalchemy import func, select

from db.tenants import create_api_key, tenant_for_key
from db.models import Blob, Document, Job
from tests.factories import EN_TEXT, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job

pytestmark = pytest.mark.integration


def create_batch(client, headers=None, **body):
    return client.post("/v1/batches", json=body, headers=headers or {})


def submit(client, data: bytes, name: str, headers=None, **fields):
    body = {"file": [(io.BytesIO(data), name)], **fields}
    return client.post("/v1/jobs", data=body, content_type="multipart/form-data", headers=headers or {})


def close(client, batch_id: str, headers=None):
    return client.post(f"/v1/batches/{batch_id}/close", headers=headers or {})


def _scanned_pdf(n: int) -> bytes:
    stamp = time.time_ns()
    return make_pdf([
        # 14 lines a page (about 0.2 s on a quiet core of the fastest machine seen here), so the
        # 0.1 s polls below see the batch running with part of its pages done.
        {"image": render_text_image([f"Batch page {i} {stamp}"] + (EN_TEXT * 2)[i:i + 13], size_px=26, width=1000,
                                    margin=40), "dpi": 150}
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
    # Closed at once: only a closed batch becomes completed, here when its last job ends.
    closed = close(client, batch["id"])
    assert closed.status_code == 200 and closed.get_json()["closed_at"], closed.get_data(as_text=True)

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
        _, secret = create_api_key(s, f"batch-other-{time.time_ns()}")
        other_tenant = tenant_for_key(s, secret)
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


def schemas_of(spec: dict) -> dict:
    return spec["components"]["schemas"]


def test_batches_are_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    assert {"/v1/batches", "/v1/batches/{batch_id}", "/v1/batches/{batch_id}/jobs",
            "/v1/batches/{batch_id}/close"} <= set(spec["paths"])
    assert "post" in spec["paths"]["/v1/batches/{batch_id}/close"]
    view = schemas_of(spec)["BatchView"]["properties"]
    assert "closed_at" in view and view["status"]["enum"] == ["empty", "open", "running", "completed"]
    schemas = spec["components"]["schemas"]
    assert "batch_id" in schemas["JobSubmitMultipart"]["properties"]
    assert {"batch_id", "reused_from"} <= set(schemas["JobView"]["properties"])
    assert {"BatchView", "BatchCreate"} <= set(schemas)


def _stored(stack, tenant_id: str | None = None) -> tuple[int, int]:
    """Jobs and documents stored (for one tenant, or all)."""
    with stack.database().session() as s:
        jobs = select(func.count()).select_from(Job)
        docs = select(func.count()).select_from(Document).join(Job, Job.id == Document.job_id)
        if tenant_id:
            jobs, docs = jobs.where(Job.tenant_id == tenant_id), docs.where(Job.tenant_id == tenant_id)
        return s.scalar(jobs), s.scalar(docs)


def _blobs(stack) -> set[str]:
    """The uploaded files' keys, in whichever blob store the stack uses."""
    if stack.settings.blob_store == "local":
        return {p.name for p in stack.settings.blob_dir.rglob("*") if p.is_file()}
    with stack.database().session() as s:
        return set(s.scalars(select(Blob.key)))


def test_close_is_idempotent_and_a_closed_batch_refuses_jobs(stack, client):
    batch = create_batch(client, name="closing").get_json()
    data = make_pdf([{"text": [f"Closing batch {time.time_ns()}"]}])
    first = submit(client, data, "a.pdf", batch_id=batch["id"], mode="text", headers={"Idempotency-Key": f"k-{batch['id']}"})
    assert first.status_code == 202, first.get_data(as_text=True)
    wait_for_job(client, first.get_json()["id"])
    assert client.get(f"/v1/batches/{batch['id']}").get_json()["status"] == "open"  # every job ended, not closed

    r = close(client, batch["id"])
    assert r.status_code == 200, r.get_data(as_text=True)
    view = r.get_json()
    assert view["status"] == "completed" and view["closed_at"] and view["files"]["total"] == 1
    again = close(client, batch["id"])
    assert again.status_code == 200 and again.get_json() == view  # idempotent: the same view
    assert client.get(f"/v1/batches/{batch['id']}").get_json() == view

    # A job for the closed batch: 409 in the envelope, nothing stored, no blob left behind.
    before = _stored(stack), _blobs(stack)
    other = make_pdf([{"text": [f"Too late {time.time_ns()}"]}])
    for body in (
        dict(data=other, name="late.pdf"),
        dict(data=other, name="late.pdf", headers={"Idempotency-Key": f"late-{batch['id']}"}),
    ):
        r = submit(client, body["data"], body["name"], headers=body.get("headers"), batch_id=batch["id"], mode="text")
        assert r.status_code == 409, r.get_data(as_text=True)
        error = r.get_json()["error"]
        assert error["code"] == "batch_closed" and error["details"] == {"field": "batch_id", "batch_id": batch["id"]}
        assert error["message"]
    b64 = base64.b64encode(other).decode()
    r = client.post("/v1/jobs", json={"files": [{"filename": "late.pdf", "content_base64": b64}], "batch_id": batch["id"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "batch_closed"
    assert (_stored(stack), _blobs(stack)) == before

    # The same Idempotency-Key as the job already in the batch: the existing job, not 409.
    resent = submit(client, data, "a.pdf", batch_id=batch["id"], mode="text", headers={"Idempotency-Key": f"k-{batch['id']}"})
    assert resent.status_code == 200 and resent.get_json()["id"] == first.get_json()["id"]
    assert client.get(f"/v1/batches/{batch['id']}").get_json()["files"]["total"] == 1


def test_close_belongs_to_the_tenant(stack, client):
    with stack.database().session() as s:
        _, secret = create_api_key(s, f"batch-close-{time.time_ns()}")
    other = {"Authorization": f"Bearer {secret}"}
    mine = create_batch(client, name="mine").get_json()
    for batch_id, headers in ((mine["id"], other), ("no-such-batch", {})):
        r = close(client, batch_id, headers)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    view = client.get(f"/v1/batches/{mine['id']}").get_json()
    assert view["closed_at"] is None and view["status"] == "empty"  # the other tenant's close did nothing
