"""The guarded state changes of db/ (tenants, jobs, pages, finalize, sweep) on SQLite (the same code runs on PostgreSQL in
tests/integration/test_db.py): claims and leases, attempts, idempotent results, one finalizer,
the outbox, cancel, the sweeper's view of lost work, the jobs feed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from db.cursors import InvalidCursor
from db.finalize import cancel_job, confidence_stats, finalize_job, purge_job
from db.jobs import NewDocument, NewJob, create_jobs, list_jobs, mark_enqueued
from db.pages import claim_page, fail_exhausted_page, fail_page, store_page_result
from db.sweep import find_lost_work
from db.telemetry import record_latencies, stage_latencies
from db.tenants import create_api_key, ensure_tenant, revoke_api_key, tenant_for_key
from db.clock import utcnow
from db.models import Job, Page, PageResult, WebhookEvent, new_id
from tests.db_steps import split_document

MAX = 3


def new_job(database, tenant, *, pages=(2,), callback_url=None, key=None, priority="interactive"):
    docs = [
        NewDocument(id=new_id(), filename=f"d{i}.pdf", sha256="0" * 64, size=10, kind="pdf",
                         page_count=n, pages_selected=n, blob_key=new_id())
        for i, n in enumerate(pages)
    ]
    spec = NewJob(mode="auto", pages_spec=None, priority=priority, dpi=150, external_ref="ref-1",
                       callback_url=callback_url, idempotency_key=key, documents=docs)
    with database.session() as s:
        [(job, created)] = create_jobs(s, tenant, [spec])
    page_ids = []
    if created:
        for d in docs:
            with database.session() as s:
                page_ids += split_document(s, d.id, list(range(1, d.pages_selected + 1)))
    return job.id, page_ids, created


def claim(database, page_id, lease=60):
    with database.session() as s:
        return claim_page(s, page_id, worker="w:1", lease_seconds=lease, max_attempts=MAX)


def result(text="hello", confidence=0.9):
    return {"source": "ocr", "text": text, "confidence": confidence, "timings": {"total": 0.3, "detect": 0.1}}


def store(database, c, text="hello"):
    with database.session() as s:
        return store_page_result(s, c, result(text))


def finalize(database, job_id):
    with database.session() as s:
        return finalize_job(s, job_id)


def expire_lease(database, page_id):
    with database.session() as s:
        s.execute(update(Page).where(Page.id == page_id).values(lease_until=utcnow() - timedelta(seconds=1)))


def test_split_is_idempotent(database, tenant):
    job_id, page_ids, _ = new_job(database, tenant, pages=(3,))
    with database.session() as s:
        doc_id = s.scalar(select(Page.document_id).where(Page.job_id == job_id).limit(1))
        again = split_document(s, doc_id, [1, 2, 3])
        n = s.scalar(select(func.count()).select_from(Page).where(Page.job_id == job_id))
    assert n == 3 and sorted(again) == sorted(page_ids)


def test_a_page_is_claimed_once_until_its_lease_expires(database, tenant):
    _, (p1, _), _ = new_job(database, tenant)
    first = claim(database, p1)
    assert first is not None and first.attempt == 1
    assert claim(database, p1) is None  # a duplicate delivery while the lease is alive
    expire_lease(database, p1)
    second = claim(database, p1)
    assert second is not None and second.attempt == 2
    # The superseded first attempt can no longer settle the page.
    assert not store(database, first, "stale")
    assert store(database, second, "fresh")
    with database.session() as s:
        rows = s.execute(select(PageResult.text).where(PageResult.page_id == p1)).all()
    assert rows == [("fresh",)]


def test_result_upsert_keeps_one_row_per_page(database, tenant):
    _, (p1, _), _ = new_job(database, tenant)
    c = claim(database, p1)
    assert store(database, c)
    assert not store(database, c)  # already succeeded: nothing changes
    with database.session() as s:
        # Even a direct second upsert (two racing writers) leaves one row.
        s.execute(update(Page).where(Page.id == p1).values(status="running"))
        assert store_page_result(s, c, result("again"))
        assert s.scalar(select(func.count()).select_from(PageResult).where(PageResult.page_id == p1)) == 1
        assert s.scalar(select(PageResult.text).where(PageResult.page_id == p1)) == "again"


def test_three_lost_attempts_fail_the_page_and_the_job_goes_on(database, tenant):
    job_id, (p1, p2), _ = new_job(database, tenant)
    for _ in range(MAX):
        assert claim(database, p1) is not None
        expire_lease(database, p1)
    assert claim(database, p1) is None
    with database.session() as s:
        assert fail_exhausted_page(s, p1, MAX) == job_id
        page = s.get(Page, p1)
        assert (page.status, page.error_code) == ("failed", "worker_lost")
    assert finalize(database, job_id) is None  # p2 still open
    assert store(database, claim(database, p2))
    assert finalize(database, job_id) == "partial"


@pytest.mark.parametrize("outcomes, final", [(("ok", "ok"), "succeeded"), (("ok", "bad"), "partial"), (("bad", "bad"), "failed")])
def test_finalize_picks_the_terminal_state_once_and_writes_the_outbox(database, tenant, outcomes, final):
    job_id, pages, _ = new_job(database, tenant, callback_url="https://example.com/hook")
    for page_id, outcome in zip(pages, outcomes):
        c = claim(database, page_id)
        if outcome == "ok":
            assert store(database, c)
        else:
            with database.session() as s:
                assert fail_page(s, c, "page_too_large", "too big")
    assert finalize(database, job_id) == final
    assert finalize(database, job_id) is None  # the guarded UPDATE lets one caller win
    with database.session() as s:
        job = s.get(Job, job_id)
        events = s.scalars(select(WebhookEvent).where(WebhookEvent.job_id == job_id)).all()
    assert job.status == final and job.finished_at is not None
    assert [e.type for e in events] == [f"job.{final}"]
    assert events[0].payload["progress"]["pages_total"] == 2
    assert (job.error_code is None) == (final == "succeeded")


def test_no_outbox_row_without_callback(database, tenant):
    job_id, pages, _ = new_job(database, tenant)
    for p in pages:
        store(database, claim(database, p))
    assert finalize(database, job_id) == "succeeded"
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_cancel_stops_pages_and_discards_running_results(database, tenant):
    job_id, (p1, p2), _ = new_job(database, tenant, callback_url="http://example.com/x")
    running = claim(database, p1)
    with database.session() as s:
        assert cancel_job(s, job_id)
        assert not cancel_job(s, job_id)
    assert not store(database, running)
    assert claim(database, p2) is None
    assert finalize(database, job_id) is None
    with database.session() as s:
        assert {p.status for p in s.scalars(select(Page).where(Page.job_id == job_id))} == {"canceled"}
        keys = purge_job(s, job_id)
    assert len(keys) == 1
    with database.session() as s:
        assert s.get(Job, job_id) is None
        assert s.scalar(select(func.count()).select_from(Page)) == 0
        # The outbox outlives the purge.
        assert [e.type for e in s.scalars(select(WebhookEvent))] == ["job.canceled"]


def test_idempotency_key_is_per_tenant(database, tenant):
    a, _, created_a = new_job(database, tenant, key="k-1")
    b, _, created_b = new_job(database, tenant, key="k-1")
    with database.session() as s:
        other = ensure_tenant(s, "other").id
    c, _, created_c = new_job(database, other, key="k-1")
    assert (created_a, created_b, created_c) == (True, False, True)
    assert a == b != c


def test_lost_work_is_found(database, tenant):
    job_id, (p1, p2), _ = new_job(database, tenant)
    claim(database, p1)
    expire_lease(database, p1)
    with database.session() as s:
        lost = find_lost_work(s, requeue_after=60, max_attempts=MAX, priorities_to_requeue={"interactive"})
    # p1's lease expired: back to queued and offered at once (the recovery queue); p2 was enqueued
    # just now: left alone.
    assert lost.recovered == [p1] and lost.pages == []
    with database.session() as s:
        assert s.get(Page, p1).status == "queued"
        mark_enqueued(s, page_ids=[p1])
        again = find_lost_work(s, requeue_after=60, max_attempts=MAX, priorities_to_requeue={"interactive"})
    assert again.pages == []
    with database.session() as s:
        stale = find_lost_work(s, requeue_after=0, max_attempts=MAX, priorities_to_requeue={"interactive"})
        busy = find_lost_work(s, requeue_after=0, max_attempts=MAX, priorities_to_requeue=set())
    assert sorted(p for p, _ in stale.pages) == sorted([p1, p2])  # messages older than requeue_after
    assert busy.pages == []  # but not while their queue still holds messages
    with database.session() as s:
        given_up = find_lost_work(s, requeue_after=0, max_attempts=MAX, priorities_to_requeue=set(), lost_after=0)
    assert sorted(p for p, _ in given_up.pages) == sorted([p1, p2])  # unless older than the visibility timeout


def test_unsplit_documents_are_found(database, tenant):
    docs = [NewDocument(id=new_id(), filename="a.png", sha256="1" * 64, size=1, kind="png", page_count=1,
                             pages_selected=1, blob_key=new_id())]
    with database.session() as s:
        create_jobs(s, tenant, [NewJob("auto", None, "bulk", 150, None, None, None, docs)])
        fresh = find_lost_work(s, requeue_after=60, max_attempts=MAX, priorities_to_requeue={"bulk"})
        busy = find_lost_work(s, requeue_after=0, max_attempts=MAX, priorities_to_requeue={"interactive"})
        lost = find_lost_work(s, requeue_after=0, max_attempts=MAX, priorities_to_requeue={"bulk"})
    assert fresh.documents == []  # the API's own publish is not raced
    assert busy.documents == []  # its message may still wait in the bulk queue
    assert lost.documents == [(docs[0].id, "bulk")]


def test_jobs_feed_is_ordered_and_resumable(database, tenant):
    ids = [new_job(database, tenant)[0] for _ in range(5)]
    seen, cursor = [], None
    with database.session() as s:
        while True:
            jobs, cursor = list_jobs(s, tenant, limit=2, cursor=cursor)
            seen += [j.id for j in jobs]
            if not cursor:
                break
        assert sorted(seen) == sorted(ids) and len(seen) == 5
        stamps = [(j.updated_at, j.id) for j in list_jobs(s, tenant, limit=10)[0]]
        assert stamps == sorted(stamps)
        with pytest.raises(InvalidCursor):
            list_jobs(s, tenant, cursor="not-a-cursor")


def test_api_keys_are_stored_hashed_and_revocable(database):
    with database.session() as s:
        key, secret = create_api_key(s, "acme")
        assert secret not in (key.key_hash, key.prefix) and len(secret) > 40
        assert tenant_for_key(s, secret) == key.tenant_id
        assert revoke_api_key(s, key.id)
        assert tenant_for_key(s, secret) is None
        assert not revoke_api_key(s, key.id)


def test_latency_histogram_accumulates(database, tenant):
    _, pages, _ = new_job(database, tenant)
    for p in pages:
        store(database, claim(database, p))
    with database.session() as s:
        hist = stage_latencies(s)
    assert sum(n for n, _ in hist["total"].values()) == 2
    assert abs(sum(t for _, t in hist["total"].values()) - 0.6) < 1e-9
    # Many pages in one statement (a split's born-digital pages): cells shared by pages add up.
    with database.session() as s:
        record_latencies(s, [{"total": 0.3, "render": 0.004}] * 5 + [{"total": "bad"}, {}])
    with database.session() as s:
        hist = stage_latencies(s)
    assert sum(n for n, _ in hist["total"].values()) == 7
    assert sum(n for n, _ in hist["render"].values()) == 5
    assert abs(sum(t for _, t in hist["total"].values()) - 2.1) < 1e-9


def test_confidence_stats_count_only_each_jobs_succeeded_pages(database, tenant):
    a, (a1, a2), _ = new_job(database, tenant)
    b, (b1, b2), _ = new_job(database, tenant)
    c, _, _ = new_job(database, tenant)
    claims = {p: claim(database, p) for p in (a1, a2, b1, b2)}
    with database.session() as s:
        for page_id, confidence in ((a1, 0.9), (a2, 0.6), (b1, 0.5), (b2, 0.1)):
            assert store_page_result(s, claims[page_id], result(confidence=confidence))
        # A result row whose page is no longer succeeded (canceled, say) does not count.
        s.execute(update(Page).where(Page.id == b2).values(status="canceled"))
    with database.session() as s:
        stats = confidence_stats(s, [a, b, c])
    assert stats[a] == pytest.approx((0.75, 0.6))
    assert stats[b] == pytest.approx((0.5, 0.5))
    assert stats[c] == (None, None)
