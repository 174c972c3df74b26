"""When a batch completes (SQLite): only once it is closed and none of its jobs is active, by the close
itself or by the end of its last job after the close; ``completed_at`` set and ``batch.completed``
written to the outbox exactly once, and only when someone would receive it; an open batch whose
jobs have all ended is ``open``, not completed; a closed batch takes no job; a canceled last job
completes it too."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from db import batch_repository as batches
from db.finalize import cancel_job
from db.batch_models import Batch
from db.models import Job, WebhookEvent
from tests.unit.test_batch_progress import finish_page, new_job, T0
from webhooks.endpoints import create_endpoint
from webhooks.fan_out import fan_out


def _events(database, batch_id=None) -> list[WebhookEvent]:
    with database.session() as s:
        rows = list(s.scalars(select(WebhookEvent).where(WebhookEvent.type == "batch.completed").order_by(WebhookEvent.created_at)))
        s.expunge_all()
    return [e for e in rows if batch_id is None or e.payload["batch_id"] == batch_id]


def _completed_at(database, batch_id):
    with database.session() as s:
        return s.get(Batch, batch_id).completed_at


def _status(database, batch_id) -> str:
    with database.session() as s:
        return batches.batch_progress(s, batch_id).status


def _close(database, batch_id) -> bool:
    with database.session() as s:
        return batches.close_batch(s, batch_id)


def _subscribe(database, tenant) -> None:
    with database.session() as s:
        create_endpoint(s, tenant, url="https://erp.example/b", events=["batch.completed"], secret="whsec_x")


def test_no_receiver_no_event_but_completed(database, tenant):
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "quiet").id
    _, pages = new_job(database, tenant, batch_id, 1)
    finish_page(database, pages[0], T0, 1, 0.9)
    assert _completed_at(database, batch_id) is None  # still open
    assert _close(database, batch_id)
    assert _completed_at(database, batch_id) is not None and _status(database, batch_id) == "completed"
    assert _events(database) == []


def test_an_open_batch_that_empties_is_open_and_writes_no_event(database, tenant):
    _subscribe(database, tenant)
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "box").id
    assert _status(database, batch_id) == "empty"
    _, a = new_job(database, tenant, batch_id, 1)
    assert _status(database, batch_id) == "running"
    finish_page(database, a[0], T0, 1, 0.9)
    assert _status(database, batch_id) == "open"
    assert _completed_at(database, batch_id) is None and _events(database) == []
    # More jobs may still join an open batch, however often its queue empties.
    _, b = new_job(database, tenant, batch_id, 1)
    finish_page(database, b[0], T0, 1, 0.9)
    assert _status(database, batch_id) == "open" and _events(database) == []


def test_close_then_last_job_ends_writes_one_event(database, tenant):
    _subscribe(database, tenant)
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "box", "EXT").id
    a_job, a = new_job(database, tenant, batch_id, 2)
    b_job, b = new_job(database, tenant, batch_id, 1)
    finish_page(database, a[0], T0, 1, 0.9)
    assert _close(database, batch_id)
    assert _status(database, batch_id) == "running" and _completed_at(database, batch_id) is None
    assert _events(database) == []  # jobs still active: the close announces nothing
    finish_page(database, b[0], T0, 1, 0.8)
    assert _completed_at(database, batch_id) is None and _events(database) == []  # a's second page still queued
    finish_page(database, a[1], T0, 1, 0.7, ok=False)
    [event] = _events(database, batch_id)
    assert event.job_id == a_job and event.callback_url is None
    assert event.payload["files"] == {"total": 2, "by_status": {"partial": 1, "succeeded": 1}}
    assert event.payload["pages"]["by_status"] == {"succeeded": 2, "failed": 1}
    assert _completed_at(database, batch_id) is not None and _status(database, batch_id) == "completed"
    with database.session() as s:
        assert batches.complete_if_last(s, b_job) is None  # already completed: nothing twice
    assert not _close(database, batch_id)  # closing again changes nothing
    assert len(_events(database, batch_id)) == 1


def test_last_job_ends_then_close_writes_one_event_at_close(database, tenant):
    _subscribe(database, tenant)
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "box").id
    first, a = new_job(database, tenant, batch_id, 1)
    last, b = new_job(database, tenant, batch_id, 1)
    finish_page(database, a[0], T0, 1, 0.9)
    finish_page(database, b[0], T0, 1, 0.9)
    with database.session() as s:  # the ends' order is told by finished_at
        s.get(Job, first).finished_at, s.get(Job, last).finished_at = T0, T0.replace(minute=5)
    assert _events(database) == []
    assert _close(database, batch_id)
    [event] = _events(database, batch_id)
    assert event.job_id == last  # deliveries are listed under the batch's last job to end
    assert event.payload["files"] == {"total": 2, "by_status": {"succeeded": 2}}
    assert _status(database, batch_id) == "completed"
    assert not _close(database, batch_id)
    assert len(_events(database, batch_id)) == 1


def test_a_canceled_last_job_completes_a_closed_batch(database, tenant):
    _subscribe(database, tenant)
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "box").id
    job_id, _ = new_job(database, tenant, batch_id, 1, split=False)
    assert _close(database, batch_id)
    with database.session() as s:
        assert cancel_job(s, job_id)
    [event] = _events(database, batch_id)
    assert event.job_id == job_id and event.payload["files"]["by_status"] == {"canceled": 1}


def test_closing_an_empty_batch_completes_it(database, tenant):
    _subscribe(database, tenant)
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "nothing").id
    assert _close(database, batch_id)
    [event] = _events(database, batch_id)
    assert event.job_id == batch_id and event.payload["files"] == {"total": 0, "by_status": {}}
    assert _status(database, batch_id) == "completed"


def test_a_closed_batch_takes_no_job(database, tenant):
    with database.session() as s:
        batch_id = batches.create_batch(s, tenant, "box").id
    assert _close(database, batch_id)
    with pytest.raises(batches.BatchClosed):
        new_job(database, tenant, batch_id, 1)
    with database.session() as s:  # the transaction that tried is rolled back: no job at all
        assert s.scalars(select(Job)).all() == []
        assert batches.batch_progress(s, batch_id).jobs == {}


def test_fan_out_survives_a_malformed_row_and_marks_events_that_go_nowhere(database, tenant):
    from webhooks.models import WebhookDelivery
    from webhooks.events import encode, outbox_event

    def render(payload):
        return encode(outbox_event(payload)).decode()

    with database.session() as s:
        ep = create_endpoint(s, tenant, url="https://erp.example/b", events=["batch.completed"], secret="whsec_x")
        bad = WebhookEvent(job_id="j-bad", tenant_id=tenant, type="batch.completed", callback_url=None,
                           payload={"type": "batch.completed"}, created_at=T0)
        nowhere = WebhookEvent(job_id="j-none", tenant_id=tenant, type="job.succeeded", callback_url=None,
                               payload={"id": "j-none", "status": "succeeded"}, created_at=T0)
        good = WebhookEvent(job_id="j-good", tenant_id=tenant, type="batch.completed", callback_url=None,
                            payload={"type": "batch.completed", "batch_id": "b9"}, created_at=T0)
        s.add_all([bad, nowhere, good])
    with database.session() as s:
        created = fan_out(s, render)
    with database.session() as s:
        rows = {d.event_id: d for d in s.scalars(select(WebhookDelivery))}
        assert len(created) == 1 and rows[good.id].id == created[0] and rows[good.id].endpoint_id == ep.id
        assert (rows[bad.id].status, rows[bad.id].last_error) == ("failed", "invalid_event")
        assert (rows[nowhere.id].status, rows[nowhere.id].last_error) == ("failed", "no_destination")
        assert fan_out(s, render) == []  # nothing rescanned
        assert len(list(s.scalars(select(WebhookDelivery)))) == 3
