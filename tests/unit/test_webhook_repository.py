"""The guarded webhook delivery state changes, on a real SQLite database (no other services).

Covers: events written by the transitions that cause them (job ends, pages end), their
fan-out to the callback_url and subscribed endpoints (idempotent, tenant- and subscription-aware), the claim's compare-and-set and lease, a lost attempt
after a lease expiry, recording only by the claim holder, 410 disabling,
redelivery, replay since a time, and the worker's refusal to send unsigned.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from db import outbox
from db.clock import utcnow
from db.finalize import write_job_event
from db.migrate import upgrade
from db.models import Document, Job, Page
from db.tenants import ensure_tenant
from db.session import Database
from webhooks.models import WebhookAttempt, WebhookDelivery
from settings import Settings
from webhooks import deliveries, endpoints, tasks as webhook_tasks
from webhooks.errors import DeliveryBusy, EndpointDisabled
from webhooks.fan_out import fan_out as fan_out_events
from webhooks.signing import generate_secret


def render(summary: dict) -> str:
    return json.dumps({"type": f"job.{summary['status']}", "data": {"job_id": summary["id"]}})


@pytest.fixture()
def db(tmp_path):
    database = Database.for_url(f"sqlite:///{tmp_path / 'wh.db'}")
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture()
def tenants(db):
    with db.session() as s:
        return ensure_tenant(s, "acme").id, ensure_tenant(s, "globex").id


def ended_job(db, tenant_id: str, status: str = "succeeded", callback_url: str | None = None) -> str:
    """A job that has just ended, its event written as finalize writes it (when anyone would receive it)."""
    with db.session() as s:
        job = Job(tenant_id=tenant_id, status=status, callback_url=callback_url, finished_at=utcnow(),
                  updated_at=utcnow(), pages_total=1)
        s.add(job)
        s.flush()
        write_job_event(s, job.id, status, tenant_id, callback_url)
        return job.id


def endpoint(db, tenant_id: str, url: str = "https://erp.example/hook", events=("job.succeeded", "job.failed")):
    with db.session() as s:
        return endpoints.create_endpoint(s, tenant_id, url=url, events=list(events), secret=generate_secret()).id


def fan_out(db) -> list[str]:
    with db.session() as s:
        return fan_out_events(s, render)


def claim(db, delivery_id: str, lease: float = 30, max_attempts: int = 8, now=None):
    with db.session() as s:
        return deliveries.claim_delivery(s, delivery_id, lease_seconds=lease, max_attempts=max_attempts, now=now)


def row(db, delivery_id: str) -> WebhookDelivery:
    with db.session() as s:
        return s.get(WebhookDelivery, delivery_id)


def attempts(db, delivery_id: str) -> list[WebhookAttempt]:
    with db.session() as s:
        return list(s.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)
                              .order_by(WebhookAttempt.attempt_no, WebhookAttempt.attempted_at)))


def test_fan_out_is_idempotent_and_follows_tenants_and_subscriptions(db, tenants):
    acme, globex = tenants
    ep = endpoint(db, acme)  # job.succeeded + job.failed
    endpoint(db, globex)
    with_callback = ended_job(db, acme, callback_url="https://other.example/cb")
    no_callback = ended_job(db, acme)
    canceled = ended_job(db, acme, status="canceled")  # not subscribed
    created = fan_out(db)
    assert len(created) == 3  # callback + endpoint for the first job, endpoint for the second
    assert fan_out(db) == []  # running again creates nothing
    with db.session() as s:
        rows = s.execute(select(WebhookDelivery.job_id, WebhookDelivery.destination, WebhookDelivery.tenant_id)).all()
    assert sorted(rows) == sorted([
        (with_callback, "callback", acme), (with_callback, ep, acme), (no_callback, ep, acme),
    ])
    assert canceled not in {r[0] for r in rows}


def test_page_completed_goes_only_to_endpoints_that_asked_once_per_page(db, tenants):
    acme, _ = tenants
    pages_ep = endpoint(db, acme, url="https://erp.example/pages", events=["page.completed"])
    endpoint(db, acme, url="https://erp.example/jobs")  # job events only
    with db.session() as s:
        job = Job(tenant_id=acme, status="running", updated_at=utcnow(), pages_total=3)
        s.add(job)
        s.flush()
        doc = Document(job_id=job.id, position=0, filename="a.pdf", sha256="0" * 64, size=1, kind="pdf",
                       page_count=3, pages_selected=3, blob_key="k")
        s.add(doc)
        s.flush()
        pages = [Page(job_id=job.id, document_id=doc.id, position=no, page_no=no, status=status,
                      error_code="corrupt_file" if status == "failed" else None,
                      finished_at=utcnow() if status != "running" else None)
                 for no, status in ((1, "succeeded"), (2, "failed"), (3, "running"))]
        s.add_all(pages)
        s.flush()
        assert outbox.append_page_events(s, [p.id for p in pages]) == 2  # the running page has not ended
    with db.session() as s:
        created = fan_out_events(s, lambda summary: json.dumps(summary))
        assert fan_out_events(s, lambda summary: json.dumps(summary)) == []
    with db.session() as s:
        rows = s.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(created))).all()
        bodies = sorted((json.loads(r.body) for r in rows), key=lambda b: b["page_no"])
        assert {r.destination for r in rows} == {pages_ep} and {r.type for r in rows} == {"page.completed"}
    assert [(b["page_no"], b["status"]) for b in bodies] == [(1, "succeeded"), (2, "failed")]
    assert bodies[1]["error"]["code"] == "corrupt_file" and bodies[0]["document"] == doc.id


def test_an_event_is_fanned_out_once_even_after_its_endpoint_is_deleted(db, tenants):
    acme, _ = tenants
    first = endpoint(db, acme)
    ended_job(db, acme)
    assert len(fan_out(db)) == 1
    with db.session() as s:
        assert endpoints.delete_endpoint(s, acme, first)  # its deliveries go with it
    endpoint(db, acme, url="https://erp.example/registered-later")
    assert fan_out(db) == []  # the event is not new to the endpoint registered since


def test_a_callback_url_that_is_an_endpoint_is_signed_by_it_and_sent_once(db, tenants):
    acme, _ = tenants
    ep = endpoint(db, acme, url="https://erp.example/hook")
    ended_job(db, acme, callback_url="https://erp.example/hook")
    [only] = fan_out(db)
    c = claim(db, only)
    assert c.endpoint_id == ep and len(c.secrets) == 1 and c.webhook_id == f"msg_{only}"


def test_deleting_that_endpoint_keeps_the_jobs_callback_delivery(db, tenants):
    acme, _ = tenants
    ep = endpoint(db, acme, url="https://erp.example/hook")
    ended_job(db, acme, callback_url="https://erp.example/hook")
    [only] = fan_out(db)
    with db.session() as s:
        assert endpoints.delete_endpoint(s, acme, ep)
    assert fan_out(db) == []  # not fanned out (and sent) a second time
    assert row(db, only).endpoint_id is None and claim(db, only).secrets == ()


def test_claim_is_one_winner_and_a_lease(db, tenants):
    acme, _ = tenants
    ended_job(db, acme, callback_url="https://erp.example/cb")
    [d] = fan_out(db)
    first = claim(db, d)
    assert first.attempt_no == 1 and first.secrets == ()  # no endpoint: the global secret signs
    assert claim(db, d) is None  # held by the first claimer's lease
    r = row(db, d)
    assert r.status == "delivering" and r.attempts == 1 and r.lease_until > utcnow()


def test_an_expired_lease_logs_the_lost_attempt_and_resends_same_id(db, tenants):
    acme, _ = tenants
    ended_job(db, acme, callback_url="https://erp.example/cb")
    [d] = fan_out(db)
    first = claim(db, d, lease=30)
    later = utcnow() + timedelta(seconds=31)
    with db.session() as s:
        assert deliveries.due_deliveries(s, grace_seconds=0) == []  # lease still valid now
    second = claim(db, d, now=later)
    assert second.attempt_no == 2 and second.webhook_id == first.webhook_id and second.body == first.body
    [lost] = attempts(db, d)
    assert lost.error == "worker_lost" and lost.attempt_no == 1
    # The first holder comes back late: its result is not recorded over the new claim.
    with db.session() as s:
        assert deliveries.record_attempt(s, first, outcome="delivered", status_code=200, latency_ms=5, error=None) is None
    with db.session() as s:
        assert deliveries.record_attempt(s, second, outcome="delivered", status_code=200, latency_ms=7, error=None) == "delivered"
    assert row(db, d).status == "delivered"
    assert [a.status_code for a in attempts(db, d)] == [None, 200]


def test_a_lost_last_attempt_fails_the_delivery(db, tenants):
    acme, _ = tenants
    ended_job(db, acme, callback_url="https://erp.example/cb")
    [d] = fan_out(db)
    claim(db, d, max_attempts=1)
    assert claim(db, d, max_attempts=1, now=utcnow() + timedelta(minutes=5)) is None
    r = row(db, d)
    assert r.status == "failed" and r.last_error == "worker_lost"


def test_retry_schedules_and_due_deliveries(db, tenants):
    acme, _ = tenants
    ended_job(db, acme, callback_url="https://erp.example/cb")
    [d] = fan_out(db)
    c = claim(db, d)
    with db.session() as s:
        assert deliveries.record_attempt(s, c, outcome="retry", status_code=503, latency_ms=3, error="http_error", delay=60) == "pending"
    r = row(db, d)
    assert r.next_attempt_at > utcnow() + timedelta(seconds=55)
    assert claim(db, d) is None  # not due yet
    with db.session() as s:
        assert deliveries.due_deliveries(s, grace_seconds=0) == []
    with db.session() as s:
        s.execute(update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=10)))
    with db.session() as s:
        assert deliveries.due_deliveries(s, grace_seconds=5) == [d]
        assert deliveries.due_deliveries(s, grace_seconds=60) == []  # its own message may still be coming
    assert claim(db, d).attempt_no == 2


def test_410_disables_endpoint_and_its_waiting_deliveries(db, tenants):
    acme, _ = tenants
    ep = endpoint(db, acme)
    ended_job(db, acme)
    ended_job(db, acme)
    d1, d2 = fan_out(db)
    c = claim(db, d1)
    with db.session() as s:
        assert deliveries.record_attempt(s, c, outcome="disable_endpoint", status_code=410, latency_ms=2, error="http_error") == "disabled"
    assert row(db, d2).status == "disabled"
    with db.session() as s:
        e = endpoints.get_endpoint(s, acme, ep)
        assert e.disabled_at is not None and e.disabled_reason == "gone_410"
        with pytest.raises(EndpointDisabled):
            deliveries.redeliver(s, acme, d1)
    ended_job(db, acme)
    assert fan_out(db) == []  # a disabled endpoint gets no new deliveries


def test_replay_resends_failed_since_a_time_and_enables(db, tenants):
    acme, globex = tenants
    ep = endpoint(db, acme)
    ended_job(db, acme)
    ended_job(db, acme)
    old, new = fan_out(db)
    with db.session() as s:
        s.execute(update(WebhookDelivery).values(status="failed"))
        s.execute(update(WebhookDelivery).where(WebhookDelivery.id == old).values(created_at=utcnow() - timedelta(days=2)))
    with db.session() as s:
        assert deliveries.replay_failed(s, globex, ep, utcnow() - timedelta(days=1)) is None  # not globex's
        assert deliveries.replay_failed(s, acme, ep, utcnow() - timedelta(days=1)) == [new]
    assert row(db, new).status == "pending" and row(db, new).attempts == 0
    assert row(db, old).status == "failed"


def test_redeliver_refuses_a_delivery_being_sent_and_other_tenants(db, tenants):
    acme, globex = tenants
    ended_job(db, acme, callback_url="https://erp.example/cb")
    [d] = fan_out(db)
    c = claim(db, d)
    with db.session() as s:
        with pytest.raises(DeliveryBusy):
            deliveries.redeliver(s, acme, d)
    with db.session() as s:
        deliveries.record_attempt(s, c, outcome="give_up", status_code=None, latency_ms=1, error="blocked_destination")
    with db.session() as s:
        assert deliveries.redeliver(s, globex, d) is None
        again = deliveries.redeliver(s, acme, d)
        assert again.status == "pending" and again.attempts == 0 and again.webhook_id == c.webhook_id


def test_rotation_signs_with_both_secrets_until_the_overlap_ends(db, tenants):
    acme, _ = tenants
    ep_id = endpoint(db, acme)
    with db.session() as s:
        old = endpoints.get_endpoint(s, acme, ep_id).secret
        ep = endpoints.rotate_secret(s, acme, ep_id, generate_secret())
        assert endpoints.signing_secrets(ep) == [ep.secret, old]
        assert endpoints.signing_secrets(ep, utcnow() + timedelta(hours=24, seconds=1)) == [ep.secret]


def test_delete_endpoint_removes_its_log_and_is_tenant_scoped(db, tenants):
    acme, globex = tenants
    ep = endpoint(db, acme)
    ended_job(db, acme)
    [d] = fan_out(db)
    c = claim(db, d)
    with db.session() as s:
        deliveries.record_attempt(s, c, outcome="delivered", status_code=200, latency_ms=1, error=None)
    with db.session() as s:
        assert endpoints.delete_endpoint(s, globex, ep) is False
        assert endpoints.delete_endpoint(s, acme, ep) is True
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert s.scalar(select(func.count()).select_from(WebhookAttempt)) == 0


def test_worker_never_sends_unsigned_and_gives_up_on_blocked_destinations(db, tenants, tmp_path):
    acme, _ = tenants
    settings = Settings.from_env({"DOCPIPE_VAR_DIR": str(tmp_path), "DOCPIPE_DATABASE_URL": db.url})
    ended_job(db, acme, callback_url="http://127.0.0.1:9/cb")
    [d] = fan_out(db)
    result = webhook_tasks.deliver(settings, db, d)
    assert result.status == "failed" and result.error == "webhook_secret_missing"
    [a] = attempts(db, d)
    assert a.error == "webhook_secret_missing" and "DOCPIPE_WEBHOOK_SECRET" in a.message

    signed = Settings.from_env({"DOCPIPE_VAR_DIR": str(tmp_path), "DOCPIPE_DATABASE_URL": db.url,
                                "DOCPIPE_WEBHOOK_SECRET": generate_secret()})
    with db.session() as s:
        deliveries.redeliver(s, acme, d)
    result = webhook_tasks.deliver(signed, db, d)  # loopback is not in the (empty) allow-list
    assert result.status == "failed" and result.error == "blocked_destination"
    assert webhook_tasks.deliver(signed, db, d).status == "skipped"  # nothing left to send
