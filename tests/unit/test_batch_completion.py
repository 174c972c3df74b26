"""When a batch's last job ends (SQLite): ``completed_at`` set by that transaction; ``batch.completed``
written to the outbox only when someone would receive it; a job added later reopens the batch;
a canceled last job completes it too."""
from __future__ import annotations

from sqlalchemy import select

from db import batch_repository as batches
from db import repository as repo
from db import webhook_repository as hooks
from db.batch_models import Batch
from db.models import WebhookEvent
from tests.unit.test_batch_progress import database, finish_page, new_job, tenant, T0  # noqa: F401 - fixtures


def _events(database, batch_id=None) -> list[WebhookEvent]:
    with database.session() as s:
        rows = list(s.scalars(select(WebhookEvent).where(WebhookEvent.type == "batch.completed").order_by(WebhookEvent.created_at)))
        s.expunge_all()
    return [e for e in rows if batch_id is None or e.payload["batch_id"] == batch_id]


def _completed_at(database, batch_id):
    with database.session() as s:
        return s.get(Batch, batch_id).completed_at


def test_no_receiver_no_event_but_completed(database, tenant):  # noqa: F811
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "quiet").id
    _, pages = new_job(database, tenant, batch_id, 1)
    finish_page(database, pages[0], T0, 1, 0.9)
    assert _completed_at(database, batch_id) is not None
    assert _events(database) == []


def test_last_job_writes_one_event_and_a_new_job_reopens(database, tenant):  # noqa: F811
    with database.session() as s:
        hooks.create_endpoint(s, tenant, url="https://erp.example/b", events=["batch.completed"], secret="whsec_x")
        batch_id = batches.create_batch(s, tenant, "box", "EXT").id
    _, a = new_job(database, tenant, batch_id, 2)
    b_job, b = new_job(database, tenant, batch_id, 1)
    finish_page(database, a[0], T0, 1, 0.9)
    finish_page(database, b[0], T0, 1, 0.8)
    assert _completed_at(database, batch_id) is None and _events(database) == []  # a's second page still queued
    finish_page(database, a[1], T0, 1, 0.7, ok=False)
    [event] = _events(database, batch_id)
    assert event.callback_url is None and event.payload["files"] == {"total": 2, "by_status": {"partial": 1, "succeeded": 1}}
    assert event.payload["pages"]["by_status"] == {"succeeded": 2, "failed": 1}
    assert _completed_at(database, batch_id) is not None

    c_job, _ = new_job(database, tenant, batch_id, 1, split=False)  # reopens the batch
    assert _completed_at(database, batch_id) is None
    with database.session() as s:
        assert repo.cancel_job(s, c_job)  # a canceled last job ends the batch too
    second = _events(database, batch_id)
    assert len(second) == 2 and second[1].job_id == c_job
    assert second[1].payload["files"]["by_status"] == {"partial": 1, "succeeded": 1, "canceled": 1}
    with database.session() as s:
        assert batches.complete_if_last(s, b_job) is None  # already completed: nothing twice
    assert len(_events(database, batch_id)) == 2


def test_fan_out_survives_a_malformed_row_and_marks_events_that_go_nowhere(database, tenant):  # noqa: F811
    from db.webhook_models import WebhookDelivery
    from workers.webhook_events import encode, outbox_event

    def render(payload):
        return encode(outbox_event(payload)).decode()

    with database.session() as s:
        ep = hooks.create_endpoint(s, tenant, url="https://erp.example/b", events=["batch.completed"], secret="whsec_x")
        bad = WebhookEvent(job_id="j-bad", tenant_id=tenant, type="batch.completed", callback_url=None,
                           payload={"type": "batch.completed"}, created_at=T0)
        nowhere = WebhookEvent(job_id="j-none", tenant_id=tenant, type="job.succeeded", callback_url=None,
                               payload={"id": "j-none", "status": "succeeded"}, created_at=T0)
        good = WebhookEvent(job_id="j-good", tenant_id=tenant, type="batch.completed", callback_url=None,
                            payload={"type": "batch.completed", "batch_id": "b9"}, created_at=T0)
        s.add_all([bad, nowhere, good])
    with database.session() as s:
        created = hooks.fan_out_outbox(s, render)
    with database.session() as s:
        rows = {d.event_id: d for d in s.scalars(select(WebhookDelivery))}
        assert len(created) == 1 and rows[good.id].id == created[0] and rows[good.id].endpoint_id == ep.id
        assert (rows[bad.id].status, rows[bad.id].last_error) == ("failed", "invalid_event")
        assert (rows[nowhere.id].status, rows[nowhere.id].last_error) == ("failed", "no_destination")
        assert hooks.fan_out_outbox(s, render) == []  # nothing rescanned
        assert len(list(s.scalars(select(WebhookDelivery)))) == 3
