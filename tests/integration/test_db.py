"""The database layer on a real PostgreSQL (a fresh database per session): migrations, the
database blob store, and the guarded UPDATEs under real concurrency."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import func, inspect, select, text, update

from db import batch_repository
from db.finalize import cancel_job, finalize_job, purge_job
from db.jobs import NewDocument, NewJob, create_jobs
from db.pages import claim_page, store_page_result
from db.telemetry import stage_latencies
from db.tenants import ensure_tenant
from db.blobs import DatabaseBlobStore
from db.migrate import upgrade
from db.models import Job, Page, WebhookEvent, new_id
from db.session import Database
from tests.db_steps import split_document
from tests.service_stack import create_postgres_database, drop_postgres_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg():
    name = f"docpipe_dbtest_{uuid.uuid4().hex[:10]}"
    database = Database(create_postgres_database(name))
    upgrade(database)
    upgrade(database)  # applying twice is a no-op
    yield database
    database.dispose()
    drop_postgres_database(name)


def test_migrations_create_every_table(pg):
    tables = set(inspect(pg.engine).get_table_names())
    assert {"tenants", "api_keys", "jobs", "documents", "pages", "page_results", "webhook_events", "blobs",
            "worker_heartbeats", "stage_latencies", "alembic_version"} <= tables


def test_database_blob_store_round_trips_large_files(pg):
    store = DatabaseBlobStore(pg)
    key, data = new_id(), bytes(range(256)) * 40_000  # 10 MB
    store.put(key, data)
    assert store.get(key) == data
    store.delete(key)
    assert not store.exists(key)


def _job_with_pages(pg, n, callback_url=None):
    with pg.session() as s:
        tenant = ensure_tenant(s, "pg-tenant").id
    doc = NewDocument(id=new_id(), filename="a.pdf", sha256="0" * 64, size=1, kind="pdf", page_count=n,
                           pages_selected=n, blob_key=new_id())
    with pg.session() as s:
        [(job, _)] = create_jobs(s, tenant, [NewJob("auto", None, "interactive", 150, None, callback_url, None, [doc])])
        page_ids = split_document(s, doc.id, list(range(1, n + 1)))
    return job.id, page_ids


def _race(n_threads, fn):
    barrier = threading.Barrier(n_threads)
    results = []

    def run():
        barrier.wait()
        results.append(fn())

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_claims_of_one_page_have_one_winner(pg):
    _, (page_id,) = _job_with_pages(pg, 1)

    def claim():
        with pg.session() as s:
            return claim_page(s, page_id, worker="t", lease_seconds=60, max_attempts=3)

    winners = [c for c in _race(8, claim) if c is not None]
    assert len(winners) == 1 and winners[0].attempt == 1


def test_concurrent_finalizers_have_one_winner_and_one_outbox_row(pg):
    job_id, pages = _job_with_pages(pg, 4, callback_url="https://example.com/hook")
    for page_id in pages:
        with pg.session() as s:
            c = claim_page(s, page_id, worker="t", lease_seconds=60, max_attempts=3)
            store_page_result(s, c, {"source": "ocr", "text": "x", "confidence": 0.9, "timings": {}})

    def finalize():
        with pg.session() as s:
            return finalize_job(s, job_id)

    outcomes = _race(6, finalize)
    assert sorted(o for o in outcomes if o) == ["succeeded"]
    with pg.session() as s:
        assert s.scalar(select(func.count()).select_from(WebhookEvent).where(WebhookEvent.job_id == job_id)) == 1
        assert s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id)) == 4


def _second_waits_on_first(pg, first, held, second, second_done, go):
    """Run ``first`` until it holds its lock (``held``), then ``second``; once ``second`` has finished or is
    waiting on a lock, let ``first`` go on (``go``), and wait for both."""
    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert held.wait(20)
    threads.append(threading.Thread(target=second))
    threads[1].start()
    with pg.engine.connect() as watch:
        for _ in range(200):
            if second_done.is_set() or watch.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                break
            time.sleep(0.05)
    go.set()
    for t in threads:
        t.join(30)


def test_a_group_submit_into_a_batch_never_deadlocks_with_a_finalizer_of_a_job_holding_its_key(pg):
    """A finalizer updates its job's row, then locks the job's batch; a group submit locks the batch, then
    inserts its keys. When one of those keys is the finalizing job's, the submit must not wait on the
    finalizer's row while holding the batch the finalizer waits for (PostgreSQL would fail one of them)."""
    with pg.session() as s:
        tenant = ensure_tenant(s, "pg-deadlock").id
        batch_id = batch_repository.create_batch(s, tenant, "deadlock").id

    def spec(key):
        doc = NewDocument(id=new_id(), filename="a.pdf", sha256="0" * 64, size=1, kind="pdf", page_count=1,
                          pages_selected=1, blob_key=new_id())
        return NewJob("auto", None, "bulk", 150, None, None, key, [doc])

    with pg.session() as s:
        [(first, _)] = create_jobs(s, tenant, [spec("dl-a")], batch_id=batch_id)
    held, go, submitted, errors, results = threading.Event(), threading.Event(), threading.Event(), [], {}

    def finalizer():
        try:
            with pg.session() as s:
                s.execute(update(Job).where(Job.id == first.id).values(updated_at=func.now()))
                held.set()
                go.wait(20)
                batch_repository.complete_batch_if_done(s, batch_id, first.id)
        except Exception as exc:  # noqa: BLE001 -- the assertion below names it
            errors.append(exc)

    def submit():
        try:
            with pg.session() as s:
                results["jobs"] = create_jobs(s, tenant, [spec("dl-a"), spec("dl-b")], batch_id=batch_id)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            submitted.set()

    # Let the finalizer go for the batch once the submit has finished or is waiting on a lock.
    _second_waits_on_first(pg, finalizer, held, submit, submitted, go)
    assert errors == []
    (a, a_created), (b, b_created) = results["jobs"]
    assert (a.id, a_created) == (first.id, False) and b_created


def test_deleting_a_job_waits_for_a_worker_settling_its_page_instead_of_deadlocking(pg):
    """A worker settling a page holds the page's row, then updates its job's; deleting the job meanwhile
    must wait for that worker, not take the job's row and then wait for the page (PostgreSQL would fail one)."""
    job_id, pages = _job_with_pages(pg, 3)
    with pg.session() as s:
        claim = claim_page(s, pages[1], worker="w", lease_seconds=60, max_attempts=3)
    held, go, deleted, errors = threading.Event(), threading.Event(), threading.Event(), []

    def worker():
        try:
            with pg.session() as s:
                s.execute(select(Page.id).where(Page.id == claim.page_id).with_for_update()).all()
                held.set()
                go.wait(20)
                assert store_page_result(s, claim, {"source": "ocr", "text": "x", "confidence": 0.9})
        except Exception as exc:  # noqa: BLE001 -- the assertion below names it
            errors.append(exc)

    def delete_it():
        try:
            with pg.session() as s:
                cancel_job(s, job_id)
                purge_job(s, job_id)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            deleted.set()

    _second_waits_on_first(pg, worker, held, delete_it, deleted, go)
    assert errors == []
    with pg.session() as s:
        assert s.get(Job, job_id) is None
        assert s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id)) == 0


def test_latency_histogram_upserts_on_postgresql(pg):
    _, pages = _job_with_pages(pg, 3)
    with pg.session() as s:
        before = stage_latencies(s).get("detect", {})
    for page_id in pages:
        with pg.session() as s:
            c = claim_page(s, page_id, worker="t", lease_seconds=60, max_attempts=3)
            store_page_result(s, c, {"source": "ocr", "text": "x", "confidence": 0.9,
                                          "timings": {"detect": 0.07, "recognize": 0.4, "total": 0.5}})
    with pg.session() as s:
        hist = stage_latencies(s)
    added = sum(n for n, _ in hist["detect"].values()) - sum(n for n, _ in before.values())
    assert added == 3
    assert hist["detect"][1][0] >= 3  # 0.07 s falls in the 0.1 s bucket
