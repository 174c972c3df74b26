"""Batch aggregates from jobs and pages (db/batch_repository.py) on SQLite, with set clocks:
states counted (open until closed), pages not split yet counted as queued, speed, ETA, completion, tenant scope,
the jobs cursor — and the reuse key's sensitivity to every input (workers/result_reuse.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from db import batch_repository as batches
from db.cursors import InvalidCursor
from db.finalize import finalize_job
from db.jobs import NewDocument, NewJob, create_jobs
from db.pages import claim_page, fail_page, store_page_result
from db.tenants import ensure_tenant
from db.models import Job, Page, new_id
from tests.db_steps import split_document
from workers.result_reuse import reuse_key

T0 = datetime(2026, 1, 1, 12, 0, 0)


def new_job(database, tenant, batch_id, pages: int, split: bool = True) -> tuple[str, list[str]]:
    doc = NewDocument(id=new_id(), filename="f.pdf", sha256="0" * 64, size=1, kind="pdf",
                           page_count=pages, pages_selected=pages, blob_key=new_id())
    spec = NewJob(mode="auto", pages_spec=None, priority="bulk", dpi=150, external_ref=None,
                       callback_url=None, idempotency_key=None, documents=[doc])
    with database.session() as s:
        [(job, _)] = create_jobs(s, tenant, [spec], batch_id=batch_id)
    page_ids = []
    if split:
        with database.session() as s:
            page_ids = split_document(s, doc.id, list(range(1, pages + 1)))
    return job.id, page_ids


def finish_page(database, page_id, started: datetime, seconds: float, confidence: float, ok: bool = True):
    with database.session() as s:
        claim = claim_page(s, page_id, worker="w:1", lease_seconds=60, max_attempts=3)
        if ok:
            store_page_result(s, claim, {"source": "ocr", "text": "x", "confidence": confidence, "timings": {}})
        else:
            fail_page(s, claim, "page_too_large", "too large")
        s.execute(update(Page).where(Page.id == page_id).values(started_at=started, finished_at=started + timedelta(seconds=seconds)))
        finalize_job(s, claim.job_id)


def test_progress_while_running_and_after(database, tenant):
    with database.session() as s:
        batch = batches.create_batch(s, tenant, "archive", "ext-1")
    with database.session() as s:
        empty = batches.batch_progress(s, batch.id)
    assert (empty.status, empty.jobs, empty.pages_total, empty.pages_per_second) == ("empty", {}, 0, None)

    a, a_pages = new_job(database, tenant, batch.id, 3)
    b, _ = new_job(database, tenant, batch.id, 2, split=False)  # not split yet: its pages have no rows
    finish_page(database, a_pages[0], T0, 2, 0.9)
    finish_page(database, a_pages[1], T0 + timedelta(seconds=1), 2, 0.7)
    with database.session() as s:
        p = batches.batch_progress(s, batch.id, now=T0 + timedelta(seconds=10))
    assert p.status == "running" and p.jobs == {"queued": 1, "running": 1}
    assert p.pages_total == 5 and p.pages == {"succeeded": 2, "queued": 3}
    assert p.started_at == T0 and p.finished_at is None
    assert p.pages_per_second == pytest.approx(2 / 10)
    assert p.eta_seconds == pytest.approx(3 / (2 / 10))
    assert p.confidence == pytest.approx(0.8)

    finish_page(database, a_pages[2], T0 + timedelta(seconds=3), 1, 0.5, ok=False)
    with database.session() as s:
        b_pages = split_document(s, s.get(Job, b).documents[0].id, [1, 2])
    for i, page_id in enumerate(b_pages):
        finish_page(database, page_id, T0 + timedelta(seconds=4 + i), 1, 1.0)
    with database.session() as s:
        s.execute(update(Job).where(Job.batch_id == batch.id).values(finished_at=T0 + timedelta(seconds=20)))
        done = batches.batch_progress(s, batch.id, now=T0 + timedelta(seconds=99))
    assert done.status == "open" and done.jobs == {"partial": 1, "succeeded": 1}  # every job ended, not closed
    assert done.pages == {"succeeded": 4, "failed": 1} and done.pages_processed == 5
    assert done.finished_at == T0 + timedelta(seconds=20)  # the clock stops when the last job ends
    assert done.elapsed_seconds == pytest.approx(20) and done.pages_per_second == pytest.approx(5 / 20)
    assert done.eta_seconds == 0 and done.confidence == pytest.approx((0.9 + 0.7 + 1.0 + 1.0) / 4)
    with database.session() as s:
        batches.close_batch(s, batch.id)
        closed = batches.batch_progress(s, batch.id, now=T0 + timedelta(seconds=99))
    assert closed.status == "completed" and closed.finished_at == done.finished_at and closed.eta_seconds == 0


def test_tenant_scope_and_jobs_cursor(database, tenant):
    with database.session() as s:
        other = ensure_tenant(s, "other").id
        batch = batches.create_batch(s, tenant, "archive")
    with database.session() as s:
        assert batches.get_batch(s, tenant, batch.id).name == "archive"
        assert batches.get_batch(s, other, batch.id) is None
        assert batches.get_batch(s, tenant, "nope") is None
    ids = [new_job(database, tenant, batch.id, 1)[0] for _ in range(5)]
    new_job(database, tenant, new_batch(database, tenant), 1)  # another batch's job stays out
    seen, cursor = [], None
    while True:
        with database.session() as s:
            jobs, cursor = batches.list_batch_jobs(s, batch.id, cursor=cursor, limit=2)
        seen += [j.id for j in jobs]
        if cursor is None:
            break
    with database.session() as s:
        created = {j.id: (j.created_at, j.id) for j in s.query(Job).filter(Job.id.in_(ids))}
    assert seen == sorted(ids, key=created.get)
    with pytest.raises(InvalidCursor), database.session() as s:
        batches.list_batch_jobs(s, batch.id, cursor="not-a-cursor")


def new_batch(database, tenant) -> str:
    with database.session() as s:
        return batches.create_batch(s, tenant, "second").id


BASE = dict(mode="auto", pages=None, dpi=200, max_pixels=50_000_000,
            engine={"models": {"det": "a" * 64, "rec": "b" * 64}, "engine": {"x": 1}, "pipeline": "c" * 64, "libraries": {}})


@pytest.mark.parametrize(
    "change",
    [
        {"mode": "ocr"},
        {"pages": "1"},
        {"dpi": 150},
        {"max_pixels": 10_000_000},
        {"engine": {**BASE["engine"], "models": {"det": "a" * 64, "rec": "d" * 64}}},
        {"engine": {**BASE["engine"], "pipeline": "e" * 64}},
        {"engine": {**BASE["engine"], "engine": {"x": 2}}},
        {"documents": ["2" * 64]},
        {"documents": ["1" * 64, "1" * 64]},
    ],
)
def test_reuse_key_changes_with_every_input(change):
    docs = change.pop("documents", ["1" * 64])
    base = reuse_key(["1" * 64], **BASE)
    assert reuse_key(["1" * 64], **BASE) == base and len(base) == 64
    assert reuse_key(docs, **{**BASE, **change}) != base


def test_reuse_key_ignores_dict_order():
    flipped = {**BASE, "engine": {"libraries": {}, "pipeline": "c" * 64, "engine": {"x": 1}, "models": {"rec": "b" * 64, "det": "a" * 64}}}
    assert reuse_key(["1" * 64], **flipped) == reuse_key(["1" * 64], **BASE)
