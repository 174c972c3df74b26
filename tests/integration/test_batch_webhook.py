"""batch.completed through the real stack (PostgreSQL, Redis, an OCR worker, a webhooks worker, beat)
and a threaded receiver on 127.0.0.1; signatures checked with the ``standardwebhooks`` package.

The stack runs WITHOUT ``DOCPIPE_WEBHOOK_SECRET``: a callback_url must then be one of the
tenant's registered endpoints (signed with its secret), else it is refused at submit (422).
The last tests race, on PostgreSQL, two finalizes of a closed batch's last jobs, a close against
the last job's end (both orders), and a submit against a close: exactly one event each time, and
no job joins a closed batch.
"""
from __future__ import annotations

import base64
import threading
import time

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from db import batch_repository
from db.finalize import finalize_job
from db.batch_models import Batch
from db.models import Document, Job, Page, PageResult, WebhookEvent, new_id
from db.states import DocumentStatus, JobStatus, PageStatus
from webhooks.models import WebhookDelivery
from tests.factories import make_pdf
from tests.integration.conftest import wait_for_job
from tests.integration.test_webhook_delivery import Receiver
from tests.service_stack import ServiceStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bstack(tmp_path_factory):
    with ServiceStack.start(
        tmp_path_factory.mktemp("batch-webhook"),
        backend="postgres_redis",
        DOCPIPE_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",
        DOCPIPE_WEBHOOK_SECRET="",
        DOCPIPE_WEBHOOK_SCHEDULE_SCALE="0.001",
        DOCPIPE_WEBHOOK_TIMEOUT="3",
    ) as st:
        st.start_worker("worker", concurrency=1)
        st.start_worker("webhooks", concurrency=1, queues=st.settings.queue("webhooks"), wait=False)
        st.wait_for_workers(2)
        st.start_beat()
        yield st


@pytest.fixture(scope="module")
def client(bstack):
    return bstack.app().test_client()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def _files(*names_and_texts) -> list[dict]:
    return [
        {"filename": name, "content_base64": base64.b64encode(make_pdf([{"text": [text]}])).decode()}
        for name, text in names_and_texts
    ]


def _endpoint(client, url: str, events: list[str]) -> dict:
    r = client.post("/v1/webhook-endpoints", json={"url": url, "events": events})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def _count(bstack, model, *where) -> int:
    with bstack.database().session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_callback_url_without_secret_is_refused_at_submit(bstack, client, receiver):
    jobs_before = _count(bstack, Job)
    batches_before = _count(bstack, Batch)
    unregistered = receiver.url("/nobody-registered-this")
    r = client.post("/v1/jobs", json={"files": _files(("a.pdf", "Refused callback 1")), "mode": "text",
                                      "callback_url": unregistered})
    assert r.status_code == 422, r.get_data(as_text=True)
    error = r.get_json()["error"]
    assert error["code"] == "webhook_secret_missing" and error["details"] == {"field": "callback_url"}
    r = client.post("/v1/batches", json={"name": "refused", "callback_url": unregistered})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "webhook_secret_missing"
    assert _count(bstack, Job) == jobs_before and _count(bstack, Batch) == batches_before  # nothing stored

    # A registered endpoint's URL can be signed with the endpoint's own secret: accepted.
    ep = _endpoint(client, receiver.url("/registered-job-callback"), ["job.succeeded"])
    r = client.post("/v1/jobs", json={"files": _files(("b.pdf", "Accepted callback 2")), "mode": "text",
                                      "callback_url": ep["url"]})
    assert r.status_code == 202, r.get_data(as_text=True)
    assert wait_for_job(client, r.get_json()["id"])["status"] == "succeeded"
    [req] = receiver.wait_for("/registered-job-callback")
    assert Webhook(ep["secret"]).verify(req["body"], req["headers"])["type"] == "job.succeeded"


def test_batch_completed_reaches_endpoints_and_batch_callback_once(bstack, client, receiver):
    subscriber = _endpoint(client, receiver.url("/batch-events"), ["batch.completed"])
    callback = _endpoint(client, receiver.url("/batch-callback"), ["job.failed"])  # the batch's callback_url
    jobs_only = _endpoint(client, receiver.url("/jobs-only"), ["job.succeeded"])  # not subscribed: gets no batch event
    with bstack.database().session() as s:
        # A malformed outbox row must not hold back the sweep for everyone else.
        bad = WebhookEvent(id=new_id(), job_id=new_id(), tenant_id=_tenant_of(bstack, subscriber["id"]),
                           type="batch.completed", callback_url=None, payload={"type": "batch.completed"})
        s.add(bad)
        bad_id = bad.id

    r = client.post("/v1/batches", json={"name": "Box 17", "external_ref": "ARCH-17", "callback_url": callback["url"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    batch = r.get_json()
    assert batch["callback_url"] == callback["url"]
    job_ids = []
    for i, files in enumerate((
        _files(("letter-1.pdf", "Dear committee, the minutes follow.")),
        _files(("letter-2.pdf", "Minutes of the meeting of 3 May 1961"), ("annex.pdf", "Annex A: budget")),
        _files(("letter-3.pdf", "Signed, the secretary")),
    )):
        r = client.post("/v1/jobs", json={"files": files, "mode": "text", "batch_id": batch["id"],
                                          "external_ref": f"file-{i}"})
        assert r.status_code == 202, r.get_data(as_text=True)
        job_ids.append(r.get_json()["id"])
    for job_id in job_ids:
        assert wait_for_job(client, job_id)["status"] == "succeeded"
    # Every job has ended but the batch is open (more may come): nothing is announced.
    assert client.get(f"/v1/batches/{batch['id']}").get_json()["status"] == "open"
    assert _count(bstack, WebhookEvent, WebhookEvent.type == "batch.completed", WebhookEvent.job_id.in_(job_ids)) == 0
    closed = client.post(f"/v1/batches/{batch['id']}/close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "completed"  # the close completes it

    [got] = receiver.wait_for("/batch-events")
    [cb] = receiver.wait_for("/batch-callback")
    event = Webhook(subscriber["secret"]).verify(got["body"], got["headers"])
    assert Webhook(callback["secret"]).verify(cb["body"], cb["headers"]) == event
    assert got["headers"]["webhook-id"] != cb["headers"]["webhook-id"]  # one delivery per destination
    assert event["type"] == "batch.completed"
    data = event["data"]
    assert data["batch_id"] == batch["id"] and data["name"] == "Box 17" and data["external_ref"] == "ARCH-17"
    assert data["files"] == {"total": 3, "by_status": {"succeeded": 3}}
    assert data["pages"] == {"total": 4, "by_status": {"succeeded": 4}}
    assert 0.9 <= data["confidence"] <= 1.0  # text-layer pages
    assert data["links"]["batch"].endswith(f"/v1/batches/{batch['id']}")
    assert data["links"]["jobs"].endswith(f"/v1/batches/{batch['id']}/jobs")
    assert b"minutes" not in got["body"].lower()  # thin: no page text, no file names
    assert b"letter-1" not in got["body"]
    assert client.get(f"/v1/batches/{batch['id']}").get_json()["status"] == "completed"
    with bstack.database().session() as s:  # the malformed row is marked, not retried by every sweep
        marker = s.scalar(select(WebhookDelivery).where(WebhookDelivery.event_id == bad_id))
        assert (marker.status, marker.last_error) == ("failed", "invalid_event")

    # Sweeps keep running (beat every 2 s, dispatch every few): still exactly one of each.
    time.sleep(6)
    assert len(receiver.at("/batch-events")) == 1 and len(receiver.at("/batch-callback")) == 1
    assert not [r for r in receiver.at("/jobs-only") if b"batch.completed" in r["body"]]
    assert _count(bstack, WebhookEvent, WebhookEvent.type == "batch.completed",
                  WebhookEvent.job_id.in_(job_ids)) == 1
    assert jobs_only["id"]

    # The batch is closed: a late job is refused and the batch is never announced again.
    r = client.post("/v1/jobs", json={"files": _files(("late.pdf", "A late addition")), "mode": "text",
                                      "batch_id": batch["id"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "batch_closed"
    assert client.post(f"/v1/batches/{batch['id']}/close").status_code == 200
    time.sleep(4)
    assert len(receiver.at("/batch-events")) == 1
    assert len(_batch_events(bstack.database(), batch["id"])) == 1


def _tenant_of(bstack, endpoint_id: str) -> str:
    from webhooks.models import WebhookEndpoint

    with bstack.database().session() as s:
        return s.get(WebhookEndpoint, endpoint_id).tenant_id


def _running_job(session, tenant_id: str, batch_id: str) -> tuple[str, str]:
    """A job whose only page is still running (so the next finalize after it ends is the last)."""
    job = Job(id=new_id(), tenant_id=tenant_id, status=JobStatus.RUNNING, pages_total=1, batch_id=batch_id)
    session.add(job)
    session.flush()
    doc = Document(id=new_id(), job_id=job.id, position=0, filename="x.pdf", sha256="0" * 64, size=1, kind="pdf",
                   page_count=1, pages_selected=1, blob_key=new_id(), status=DocumentStatus.SPLIT)
    session.add(doc)
    session.flush()
    page = Page(id=new_id(), job_id=job.id, document_id=doc.id, position=0, page_no=1, status=PageStatus.RUNNING)
    session.add(page)
    session.flush()
    return job.id, page.id


def _end_page(session, job_id: str, page_id: str) -> None:
    session.get(Page, page_id).status = PageStatus.SUCCEEDED
    session.add(PageResult(page_id=page_id, job_id=job_id, source="text_layer", text="x", confidence=1.0, result={}))
    session.flush()


def test_two_last_jobs_ending_at_once_write_exactly_one_event(bstack, client, receiver):
    """The batch is closed; T1 ends job A and, before it commits, T2 ends job B. Without the batch-row lock
    each would see the other still running and neither would announce the batch; with it T2 waits, then
    sees A's end."""
    ep = _endpoint(client, receiver.url("/race"), ["batch.completed"])
    tenant_id = _tenant_of(bstack, ep["id"])
    db = bstack.database()
    with db.session() as s:
        batch_id = batch_repository.create_batch(s, tenant_id, "race").id
        a = _running_job(s, tenant_id, batch_id)
        b = _running_job(s, tenant_id, batch_id)
        assert batch_repository.close_batch(s, batch_id)  # closed while both run: their ends decide

    results: dict[str, object] = {}
    t1_done = threading.Event()

    def second():
        with db.session() as s2:
            _end_page(s2, *b)
            results["b"] = finalize_job(s2, b[0])  # blocks on the batch row until T1 commits
            results["b_after_t1"] = t1_done.is_set()

    with db.session() as s1:
        _end_page(s1, *a)
        assert finalize_job(s1, a[0]) == "succeeded"
        t2 = threading.Thread(target=second)
        t2.start()
        time.sleep(1.0)  # T2 has ended B's page and reached the batch lock
        assert t2.is_alive(), "T2 did not wait for T1's lock on the batch row"
        t1_done.set()
    t2.join(20)
    assert results == {"b": "succeeded", "b_after_t1": True}
    with db.session() as s:
        events = list(s.scalars(select(WebhookEvent).where(WebhookEvent.type == "batch.completed",
                                                           WebhookEvent.job_id.in_([a[0], b[0]]))))
        assert len(events) == 1 and events[0].job_id == b[0]
        assert events[0].payload["files"] == {"total": 2, "by_status": {"succeeded": 2}}
        assert s.get(Batch, batch_id).completed_at is not None
    [req] = receiver.wait_for("/race")
    assert Webhook(ep["secret"]).verify(req["body"], req["headers"])["data"]["batch_id"] == batch_id


def _batch_events(db, batch_id: str) -> list[WebhookEvent]:
    with db.session() as s:
        rows = list(s.scalars(select(WebhookEvent).where(WebhookEvent.type == "batch.completed")))
        s.expunge_all()
    return [e for e in rows if e.payload.get("batch_id") == batch_id]


@pytest.mark.parametrize("first", ["job_end", "close"])
def test_close_racing_the_last_job_end_writes_exactly_one_event(bstack, client, receiver, first):
    """T1 (the job's end, or the close) holds the batch row; T2 (the other) waits for it. Whichever
    order, the second sees the first's commit: the batch is announced once, by the second."""
    ep = _endpoint(client, receiver.url(f"/close-race-{first}"), ["batch.completed"])
    tenant_id = _tenant_of(bstack, ep["id"])
    db = bstack.database()
    with db.session() as s:
        batch_id = batch_repository.create_batch(s, tenant_id, f"close-race-{first}").id
        job = _running_job(s, tenant_id, batch_id)

    def end_job(s):
        _end_page(s, *job)
        assert finalize_job(s, job[0]) == "succeeded"

    def close(s):
        assert batch_repository.close_batch(s, batch_id)

    steps = (end_job, close) if first == "job_end" else (close, end_job)
    t1_done = threading.Event()
    results: dict[str, object] = {}

    def second():
        with db.session() as s2:
            steps[1](s2)  # blocks on the batch row until T1 commits
            results["after_t1"] = t1_done.is_set()

    with db.session() as s1:
        steps[0](s1)
        t2 = threading.Thread(target=second)
        t2.start()
        time.sleep(1.0)
        assert t2.is_alive(), "T2 did not wait for T1's lock on the batch row"
        t1_done.set()
    t2.join(20)
    assert results == {"after_t1": True}
    [event] = _batch_events(db, batch_id)
    assert event.job_id == job[0] and event.payload["files"] == {"total": 1, "by_status": {"succeeded": 1}}
    view = client.get(f"/v1/batches/{batch_id}").get_json()
    assert view["status"] == "completed" and view["closed_at"]
    [req] = receiver.wait_for(f"/close-race-{first}")
    assert Webhook(ep["secret"]).verify(req["body"], req["headers"])["data"]["batch_id"] == batch_id


def test_a_submit_racing_a_close_is_refused_and_leaves_nothing(bstack, client, receiver):
    """A close holds the batch row, not yet committed, when a submit for the batch arrives: the submit
    passes the first check (the close is not visible yet), stores its file, then waits on the row in
    db.jobs.create_jobs; once the close commits it is refused with 409 and its job and file are gone."""
    from db.models import Blob

    ep = _endpoint(client, receiver.url("/submit-race"), ["batch.completed"])
    tenant_id = _tenant_of(bstack, ep["id"])
    db = bstack.database()
    with db.session() as s:
        batch_id = batch_repository.create_batch(s, tenant_id, "submit-race").id
    app = bstack.app()

    def stored() -> tuple[int, int]:
        with db.session() as s:
            jobs = s.scalar(select(func.count()).select_from(Job))
        if bstack.settings.blob_store == "local":
            return jobs, sum(1 for p in bstack.settings.blob_dir.rglob("*") if p.is_file())
        with db.session() as s:
            return jobs, s.scalar(select(func.count()).select_from(Blob))

    before = stored()
    answer: dict = {}

    def submit():
        with app.test_client() as c:
            answer["r"] = c.post("/v1/jobs", json={"files": _files(("late.pdf", f"Racing {time.time_ns()}")),
                                                   "mode": "text", "batch_id": batch_id})

    with db.session() as s1:
        assert batch_repository.close_batch(s1, batch_id)
        t = threading.Thread(target=submit)
        t.start()
        time.sleep(1.5)
        assert t.is_alive(), "the submit did not wait for the close's lock on the batch row"
    t.join(30)
    r = answer["r"]
    assert r.status_code == 409, r.get_data(as_text=True)
    assert r.get_json()["error"]["code"] == "batch_closed"
    assert stored() == before
    [event] = _batch_events(db, batch_id)  # the close completed the empty batch, once
    assert event.payload["files"]["total"] == 0
