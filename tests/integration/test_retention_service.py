"""Retention through the real service: each tenant's policy applied by the sweeper (beat), and
``DELETE /v1/jobs?before=…``; rows and uploaded files deleted, on both backends and both blob stores,
active jobs never."""
from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from api import keys
from db.blobs import blob_store
from db.clock import isoformat, utcnow
from db.models import Blob, Document, Job, Page, PageResult, new_id
from db.tenants import create_api_key
from tests.factories import make_pdf
from tests.integration.conftest import wait_for_job
from tests.service_stack import ServiceStack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def submit(client, key: str, label: str) -> str:
    data = make_pdf([{"text": [f"Retention sample {label}."]}])
    r = client.post("/v1/jobs", data={"file": (io.BytesIO(data), f"{label}.pdf")},
                    headers={"Authorization": f"Bearer {key}"}, content_type="multipart/form-data")
    assert r.status_code == 202, r.get_data(as_text=True)
    return r.get_json()["id"]


def backdate(stack, job_id: str, days: float) -> None:
    when = utcnow() - timedelta(days=days)
    with stack.database().session() as s:
        s.execute(update(Job).where(Job.id == job_id).values(
            created_at=when, updated_at=when,
            finished_at=when if s.get(Job, job_id).finished_at else None))


def stored(stack, blobs, job_id: str) -> dict:
    """What is left of a job: its rows and its files."""
    with stack.database().session() as s:
        keys_ = list(s.scalars(select(Document.blob_key).where(Document.job_id == job_id)))
        return {
            "job": s.get(Job, job_id) is not None,
            "documents": len(keys_),
            "pages": s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id)),
            "results": s.scalar(select(func.count()).select_from(PageResult).where(PageResult.job_id == job_id)),
        }


GONE = {"job": False, "documents": 0, "pages": 0, "results": 0}
KEPT = {"job": True, "documents": 1, "pages": 1, "results": 1}


@pytest.mark.parametrize("backend,store", [("postgres_redis", "db"), ("sqlite_sqla", "local"),
                                           ("postgres_redis", "local"), ("sqlite_sqla", "db")])
def test_retention_policy_and_purge_delete_rows_and_files(tmp_path, backend, store, capsys):
    with ServiceStack.start(tmp_path, backend=backend, DOCPIPE_BLOB_STORE=store, DOCPIPE_RETENTION_DAYS=30) as stack:
        blobs = blob_store(stack.settings, stack.database())
        with stack.database().session() as s:
            key = {name: create_api_key(s, name)[1] for name in ("acme", "forever", "brief")}
        assert keys.main(["retention", "--tenant", "forever", "--days", "0"], settings=stack.settings) == 0
        assert keys.main(["retention", "--tenant", "brief", "--days", "2"], settings=stack.settings) == 0
        capsys.readouterr()

        stack.start_worker(concurrency=1)
        client = stack.app().test_client()
        # (tenant, label) → age in days: acme keeps 30 days (the default), forever 0 = always, brief 2 days.
        ages = {("acme", "old"): 40, ("acme", "new"): 10, ("forever", "old"): 400, ("forever", "new"): 1,
                ("brief", "old"): 3, ("brief", "new"): 1}
        jobs = {tl: submit(client, key[tl[0]], "-".join(tl)) for tl in ages}
        for (tenant, _), job_id in jobs.items():
            view = wait_for_job(client, job_id, headers={"Authorization": f"Bearer {key[tenant]}"})
            assert view["status"] == "succeeded", view
        stack.stop("worker")
        active = submit(client, key["acme"], "active")  # no worker: stays queued, however old
        files = {}
        for tl, job_id in [*jobs.items(), (("acme", "active"), active)]:
            backdate(stack, job_id, ages.get(tl, 90))
            with stack.database().session() as s:
                files[job_id] = s.scalar(select(Document.blob_key).where(Document.job_id == job_id))
            assert blobs.exists(files[job_id])

        stack.start_beat()  # the sweeper applies each tenant's policy
        expired = [jobs["acme", "old"], jobs["brief", "old"]]
        # The sweeper commits the rows' deletion, then deletes the files (db.retention.purge): wait for both.
        wait_until(lambda: all(not stored(stack, blobs, j)["job"] and not blobs.exists(files[j]) for j in expired), 60)
        for job_id in expired:
            assert stored(stack, blobs, job_id) == GONE and not blobs.exists(files[job_id])
        for tl in [("acme", "new"), ("forever", "old"), ("forever", "new"), ("brief", "new")]:
            assert stored(stack, blobs, jobs[tl]) == KEPT and blobs.exists(files[jobs[tl]]), tl
        assert stored(stack, blobs, active)["job"] and blobs.exists(files[active])
        stack.stop("beat")

        def purge(tenant, before):
            return client.delete(f"/v1/jobs?before={before}", headers={"Authorization": f"Bearer {key[tenant]}"})

        # The purge API: only the caller's ended jobs submitted before the date.
        r = purge("forever", isoformat(utcnow() - timedelta(days=30)))
        assert (r.status_code, r.get_json()) == (200, {"deleted": 1}), r.get_data(as_text=True)
        assert stored(stack, blobs, jobs["forever", "old"]) == GONE and not blobs.exists(files[jobs["forever", "old"]])
        assert stored(stack, blobs, jobs["forever", "new"]) == KEPT
        r = purge("acme", (utcnow() + timedelta(days=1)).date().isoformat())
        assert (r.status_code, r.get_json()) == (200, {"deleted": 1})  # acme's new job; its active one stays
        assert stored(stack, blobs, jobs["acme", "new"]) == GONE and not blobs.exists(files[jobs["acme", "new"]])
        assert stored(stack, blobs, active)["job"] and blobs.exists(files[active])
        assert stored(stack, blobs, jobs["brief", "new"]) == KEPT  # another tenant's: untouched
        r = purge("acme", (utcnow() + timedelta(days=1)).date().isoformat())
        assert (r.status_code, r.get_json()) == (200, {"deleted": 0})

        for bad in ("", "yesterday", "2026-13-01", "0001-01-01T00:00:01%2B01:01", "2026-01-01%00"):
            r = purge("acme", bad)
            assert r.status_code == 400, (bad, r.status_code, r.get_data(as_text=True))
            assert r.get_json()["error"]["code"] == "invalid_option"
        r = client.delete("/v1/jobs", headers={"Authorization": f"Bearer {key['acme']}"})
        assert r.status_code == 400 and r.get_json()["error"]["details"] == {"field": "before"}
        assert stored(stack, blobs, active)["job"]


def age_blob(blobs, key: str, seconds: float) -> None:
    if hasattr(blobs, "root"):  # local files: their modification time
        when = time.time() - seconds
        os.utime(blobs._path(key), (when, when))
    else:
        with blobs.database.session() as s:
            s.execute(update(Blob).where(Blob.key == key).values(created_at=utcnow() - timedelta(seconds=seconds)))


@pytest.mark.parametrize("backend,store", [("postgres_redis", "db"), ("sqlite_sqla", "local")])
def test_the_sweeper_deletes_old_uploads_no_job_names_and_keeps_the_rest(tmp_path, backend, store):
    with ServiceStack.start(tmp_path, backend=backend, DOCPIPE_BLOB_STORE=store,
                            DOCPIPE_ORPHAN_GRACE_SECONDS=600) as stack:
        blobs = blob_store(stack.settings, stack.database())
        with stack.database().session() as s:
            key = create_api_key(s, "acme")[1]
        job_id = submit(stack.app().test_client(), key, "named")  # no worker: stays queued, its file named
        with stack.database().session() as s:
            named = s.scalar(select(Document.blob_key).where(Document.job_id == job_id))
        # What an API process killed between writing an upload and committing its job leaves behind.
        orphan, recent = new_id(), new_id()
        for k in (orphan, recent):
            blobs.put(k, make_pdf([{"text": ["An upload whose job never committed."]}]))
        age_blob(blobs, orphan, 3600)
        age_blob(blobs, named, 3600)
        age_blob(blobs, recent, 60)  # within the grace: its row may still be on its way
        if store == "local":  # a writer killed mid-file leaves its temporary
            temp = blobs.root / orphan[:2] / ".tmp-killed"
            temp.write_bytes(b"half")
            os.utime(temp, (time.time() - 3600,) * 2)

        stack.start_beat()
        wait_until(lambda: not blobs.exists(orphan), 60)
        assert blobs.exists(named) and blobs.exists(recent)
        assert store != "local" or not temp.exists()
        stack.stop("beat")
        assert stored(stack, blobs, job_id)["job"]


def wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.2)
