"""Webhooks through the real stack: PostgreSQL, Redis, a celery worker for OCR, a second one
consuming only the ``webhooks`` queue, beat running the sweeper, and a threaded HTTP receiver
on 127.0.0.1 (allowed by DOCPIPE_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8).

Signatures are checked with the ``standardwebhooks`` package, independently of our code.
The retry schedule is scaled by 0.001 (5 s → 5 ms, 5 min → 0.3 s, 30 min → 1.8 s).
"""
from __future__ import annotations

import base64
import json
import os
import signal
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook, WebhookVerificationError

from db.models import WebhookEvent
from tests.factories import make_pdf
from tests.integration.conftest import wait_for_job
from tests.service_stack import ServiceStack
from webhooks.models import WebhookDelivery
from webhooks.signing import generate_secret

pytestmark = pytest.mark.integration

GLOBAL_SECRET = generate_secret()
PAGE_TEXT = ["Invoice 2026-4411 from Northwind Traders", "Total due: 1,250.00 EUR"]
TIMEOUT = 3  # DOCPIPE_WEBHOOK_TIMEOUT: the lease is 2 * 3 + 5 = 11 s


class Receiver:
    """A real HTTP server; per path a script of status codes (then 200), or a hang for the first request."""

    def __init__(self):
        self.requests: list[dict] = []
        self.scripts: dict[str, list[int]] = {}
        self.hang_paths: set[str] = set()
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                         "at": time.monotonic(), "wall": time.time()}
                    )
                    hang = self.path in receiver.hang_paths
                    receiver.hang_paths.discard(self.path)
                    script = receiver.scripts.get(self.path) or []
                    status = script.pop(0) if script else 200
                if hang:
                    receiver.release.wait(60)
                    return  # no answer: the connection just closes
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def wait_for(self, path: str, n: int = 1, timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.at(path)
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(self.at(path))} requests after {timeout} s, wanted {n}")

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def wh_stack(tmp_path_factory):
    with ServiceStack.start(
        tmp_path_factory.mktemp("webhooks"),
        backend="postgres_redis",
        DOCPIPE_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",
        DOCPIPE_WEBHOOK_SECRET=GLOBAL_SECRET,
        DOCPIPE_WEBHOOK_SCHEDULE_SCALE="0.001",
        DOCPIPE_WEBHOOK_TIMEOUT=str(TIMEOUT),
    ) as st:
        # The OCR worker must not consume the webhooks queue: the kill test needs to know
        # which process is sending (else it may kill an idle one and see a different error).
        ocr_queues = ",".join(st.settings.queue(q) for q in ("interactive", "bulk", "recovery"))
        st.start_worker("worker", concurrency=1, queues=ocr_queues)
        st.start_worker("webhooks", concurrency=1, queues=st.settings.queue("webhooks"), wait=False)
        st.wait_for_workers(2)
        st.start_beat()
        yield st


@pytest.fixture(scope="module")
def client(wh_stack):
    return wh_stack.app().test_client()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def pdf():
    return make_pdf([{"text": PAGE_TEXT}])


def submit(client, pdf, headers=None, **options) -> str:
    body = {"files": [{"filename": "invoice.pdf", "content_base64": base64.b64encode(pdf).decode()}], "mode": "text", **options}
    r = client.post("/v1/jobs", json=body, headers=headers or {})
    assert r.status_code == 202, r.get_data(as_text=True)
    return r.get_json()["id"]


def deliveries(client, job_id: str, headers=None) -> list[dict]:
    r = client.get(f"/v1/jobs/{job_id}/deliveries", headers=headers or {})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["deliveries"]


def wait_deliveries(client, job_id: str, predicate, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = deliveries(client, job_id)
        if predicate(got):
            return got
        time.sleep(0.1)
    raise AssertionError(f"deliveries of {job_id} never matched: {json.dumps(got, indent=1)[:3000]}")


def verified(secret: str, request: dict) -> dict:
    return Webhook(secret).verify(request["body"], request["headers"])


def test_callback_is_signed_thin_and_logged(client, receiver, pdf):
    job_id = submit(client, pdf, callback_url=receiver.url("/ok"), external_ref="PO-77")
    view = wait_for_job(client, job_id)
    assert view["status"] == "succeeded"
    [req] = receiver.wait_for("/ok")
    finished = datetime.fromisoformat(view["finished_at"].replace("Z", "+00:00")).timestamp()
    latency = req["wall"] - finished
    print(f"callback received {latency:.2f} s after the job finished")
    assert latency < 10  # beat's dispatch runs every min(sweep interval, 5 s)

    event = verified(GLOBAL_SECRET, req)
    assert event["type"] == "job.succeeded"
    assert event["data"]["job_id"] == job_id and event["data"]["external_ref"] == "PO-77"
    assert event["data"]["progress"] == {"pages_total": 1, "pages_done": 1, "pages_failed": 0}
    assert event["data"]["links"]["job"].endswith(f"/v1/jobs/{job_id}")
    for line in PAGE_TEXT:  # thin: never the page text
        assert line.encode() not in req["body"]
    with pytest.raises(WebhookVerificationError):
        Webhook(GLOBAL_SECRET).verify(req["body"].replace(b"succeeded", b"failed"), req["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(req["body"], req["headers"])

    [d] = wait_deliveries(client, job_id, lambda ds: ds and ds[0]["status"] == "delivered")
    print("finished", view["finished_at"], "fanned out", d["created_at"], "recorded", d["attempts"][0]["attempted_at"])
    assert d["webhook_id"] == req["headers"]["webhook-id"]
    assert d["destination"] == "callback" and d["url"] == receiver.url("/ok") and d["type"] == "job.succeeded"
    [a] = d["attempts"]
    assert a["status_code"] == 200 and a["error"] is None and 0 <= a["latency_ms"] < TIMEOUT * 1000


def test_three_500s_then_200_is_four_attempts_with_one_webhook_id(client, receiver, pdf):
    receiver.scripts["/flaky"] = [500, 500, 500]
    job_id = submit(client, pdf, callback_url=receiver.url("/flaky"))
    wait_for_job(client, job_id)
    reqs = receiver.wait_for("/flaky", 4, timeout=30)
    [d] = wait_deliveries(client, job_id, lambda ds: ds and ds[0]["status"] == "delivered")
    time.sleep(1.5)  # a fifth request would come within the (scaled) schedule
    reqs = receiver.at("/flaky")
    assert len(reqs) == 4
    assert {r["headers"]["webhook-id"] for r in reqs} == {d["webhook_id"]}
    for r in reqs:
        verified(GLOBAL_SECRET, r)  # each attempt signed afresh
    assert [a["status_code"] for a in d["attempts"]] == [500, 500, 500, 200]
    assert [a["error"] for a in d["attempts"]] == ["http_error"] * 3 + [None]
    gaps = [b["at"] - a["at"] for a, b in zip(reqs, reqs[1:])]
    print("gaps between the 4 attempts (s):", [round(g, 3) for g in gaps])
    assert gaps[2] > gaps[0]  # backoff grows (1.8 s vs 5 ms scaled)


def test_worker_killed_mid_send_still_delivers_with_same_webhook_id(client, receiver, pdf, wh_stack):
    receiver.release.clear()
    receiver.hang_paths.add("/hang")
    job_id = submit(client, pdf, callback_url=receiver.url("/hang"))
    [first] = receiver.wait_for("/hang", 1, timeout=60)
    children = wh_stack.worker_children("webhooks")
    assert children, "the webhook worker has no pool process"
    for pid in children:
        os.kill(pid, signal.SIGKILL)  # mid-send: the receiver has the request and has not answered
    receiver.release.set()

    # The lease (11 s) expires, the sweeper publishes the delivery again, a new pool process sends it.
    killed_at = time.monotonic()
    reqs = receiver.wait_for("/hang", 2, timeout=60)
    print(f"resent {reqs[1]['at'] - killed_at:.1f} s after the kill (lease {2 * TIMEOUT + 5} s)")
    assert {r["headers"]["webhook-id"] for r in reqs} == {first["headers"]["webhook-id"]}
    assert first["body"] == reqs[1]["body"]
    verified(GLOBAL_SECRET, reqs[1])
    [d] = wait_deliveries(client, job_id, lambda ds: ds and ds[0]["status"] == "delivered")
    errors = [a["error"] for a in d["attempts"]]
    assert errors[0] == "worker_lost" and errors[-1] is None and d["attempts"][-1]["status_code"] == 200


def test_endpoints_rotation_redelivery_and_tenants(client, receiver, pdf, wh_stack):
    r = client.post("/v1/webhook-endpoints", json={"url": receiver.url("/ep"), "description": "ERP"})
    assert r.status_code == 201, r.get_data(as_text=True)
    ep = r.get_json()
    old_secret = ep.pop("secret")
    assert old_secret.startswith("whsec_") and ep["events"] == sorted(["job.succeeded", "job.partial", "job.failed", "job.canceled"])
    listed = client.get("/v1/webhook-endpoints").get_json()["endpoints"]
    assert [e["id"] for e in listed] == [ep["id"]] and "secret" not in listed[0]

    # A job without callback_url reaches the tenant's endpoint, signed with the endpoint's secret.
    job1 = submit(client, pdf)
    wait_for_job(client, job1)
    [req1] = receiver.wait_for("/ep", 1)
    assert verified(old_secret, req1)["data"]["job_id"] == job1
    with pytest.raises(WebhookVerificationError):
        verified(GLOBAL_SECRET, req1)

    # Rotation: both secrets sign for 24 h; a receiver still on the old one keeps verifying.
    r = client.post(f"/v1/webhook-endpoints/{ep['id']}/rotate-secret")
    assert r.status_code == 200
    rotated = r.get_json()
    new_secret = rotated["secret"]
    assert new_secret != old_secret
    expires = datetime.fromisoformat(rotated["previous_secret_expires_at"].replace("Z", "+00:00"))
    assert timedelta(hours=23) < expires - datetime.now(timezone.utc) <= timedelta(hours=24)
    job2 = submit(client, pdf)
    wait_for_job(client, job2)
    req2 = receiver.wait_for("/ep", 2)[1]
    assert len(req2["headers"]["webhook-signature"].split(" ")) == 2
    assert verified(old_secret, req2)["data"]["job_id"] == job2
    assert verified(new_secret, req2)["data"]["job_id"] == job2

    # Redelivery: same webhook-id, now signed with both secrets.
    [d1] = wait_deliveries(client, job1, lambda ds: ds and ds[0]["status"] == "delivered")
    r = client.post(f"/v1/deliveries/{d1['id']}/redeliver")
    assert r.status_code == 202, r.get_data(as_text=True)
    req3 = receiver.wait_for("/ep", 3)[2]
    assert req3["headers"]["webhook-id"] == d1["webhook_id"] == req1["headers"]["webhook-id"]
    assert verified(new_secret, req3)["data"]["job_id"] == job1
    [d1] = wait_deliveries(client, job1, lambda ds: ds and len(ds[0]["attempts"]) == 2 and ds[0]["status"] == "delivered")

    # Another tenant sees none of it.
    from db.tenants import create_api_key

    with wh_stack.database().session() as s:
        _, key = create_api_key(s, "other-erp")
    other = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/webhook-endpoints", headers=other).get_json()["endpoints"] == []
    for method, path in [
        ("delete", f"/v1/webhook-endpoints/{ep['id']}"),
        ("post", f"/v1/webhook-endpoints/{ep['id']}/rotate-secret"),
        ("post", f"/v1/webhook-endpoints/{ep['id']}/replay?since=2000-01-01T00:00:00Z"),
        ("get", f"/v1/jobs/{job1}/deliveries"),
        ("post", f"/v1/deliveries/{d1['id']}/redeliver"),
    ]:
        r = getattr(client, method)(path, headers=other)
        assert r.status_code == 404, (path, r.get_data(as_text=True))
        assert r.get_json()["error"]["code"] == "not_found"
    assert len(receiver.at("/ep")) == 3  # the other tenant's redeliver sent nothing

    r = client.delete(f"/v1/webhook-endpoints/{ep['id']}")
    assert r.status_code == 204
    assert client.get("/v1/webhook-endpoints").get_json()["endpoints"] == []
    assert client.delete(f"/v1/webhook-endpoints/{ep['id']}").status_code == 404


def test_410_disables_the_endpoint_and_replay_resends(client, receiver, pdf):
    since = datetime.now(timezone.utc) - timedelta(seconds=1)
    receiver.scripts["/gone"] = [410]
    ep = client.post("/v1/webhook-endpoints", json={"url": receiver.url("/gone"), "events": ["job.succeeded"]}).get_json()
    job_id = submit(client, pdf)
    wait_for_job(client, job_id)
    [first] = receiver.wait_for("/gone", 1)
    [d] = wait_deliveries(client, job_id, lambda ds: ds and ds[0]["status"] == "disabled")
    assert d["attempts"][0]["status_code"] == 410 and d["endpoint_id"] == ep["id"]
    [listed] = [e for e in client.get("/v1/webhook-endpoints").get_json()["endpoints"] if e["id"] == ep["id"]]
    assert listed["disabled_at"] and listed["disabled_reason"] == "gone_410"
    r = client.post(f"/v1/deliveries/{d['id']}/redeliver")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "endpoint_disabled"
    time.sleep(1.0)
    assert len(receiver.at("/gone")) == 1  # nothing more is sent to a disabled endpoint

    r = client.post(f"/v1/webhook-endpoints/{ep['id']}/replay", query_string={"since": since.isoformat()})
    assert r.status_code == 202, r.get_data(as_text=True)
    body = r.get_json()
    assert body["redelivered"] == 1 and body["delivery_ids"] == [d["id"]] and body["endpoint"]["disabled_at"] is None
    second = receiver.wait_for("/gone", 2)[1]
    assert second["headers"]["webhook-id"] == first["headers"]["webhook-id"]
    verified(ep["secret"], second)
    wait_deliveries(client, job_id, lambda ds: ds and ds[0]["status"] == "delivered")

    r = client.post(f"/v1/webhook-endpoints/{ep['id']}/replay")
    assert r.status_code == 422  # since is required
    assert client.delete(f"/v1/webhook-endpoints/{ep['id']}").status_code == 204


def test_page_completed_for_an_endpoint_that_subscribes(client, receiver):
    ep = client.post("/v1/webhook-endpoints", json={"url": receiver.url("/pages"), "events": ["page.completed"]}).get_json()
    assert ep["events"] == ["page.completed"]
    job_id = submit(client, make_pdf([{"text": PAGE_TEXT}, {"text": ["Second page", "Net 30"]}]))
    wait_for_job(client, job_id)
    reqs = receiver.wait_for("/pages", 2)
    events = sorted((verified(ep["secret"], r) for r in reqs), key=lambda e: e["data"]["page_no"])
    assert [(e["type"], e["data"]["job_id"], e["data"]["page_no"], e["data"]["status"]) for e in events] == [
        ("page.completed", job_id, 1, "succeeded"), ("page.completed", job_id, 2, "succeeded")
    ]
    assert all(e["data"]["source"] == "text_layer" for e in events)
    assert not any(b"Net 30" in r["body"] or PAGE_TEXT[0].encode() in r["body"] for r in reqs)
    time.sleep(1.5)
    assert len(receiver.at("/pages")) == 2  # no job.* events: not subscribed
    assert client.delete(f"/v1/webhook-endpoints/{ep['id']}").status_code == 204


def test_one_event_fans_out_to_the_callback_and_every_subscribed_endpoint(client, receiver, pdf, wh_stack):
    """One event path: a job with a callback_url and two subscribed endpoints ends, its transaction writes ONE
    outbox event, and the fan-out makes three deliveries of the same body (rendered once), each signed for
    its destination."""
    eps = [client.post("/v1/webhook-endpoints", json={"url": receiver.url(path), "events": ["job.succeeded"]}).get_json()
           for path in ("/fan/a", "/fan/b")]
    job_id = submit(client, pdf, callback_url=receiver.url("/fan/cb"), external_ref="PO-3")
    assert wait_for_job(client, job_id)["status"] == "succeeded"
    [cb] = receiver.wait_for("/fan/cb")
    [a] = receiver.wait_for("/fan/a")
    [b] = receiver.wait_for("/fan/b")
    assert verified(GLOBAL_SECRET, cb)["data"]["job_id"] == job_id
    assert verified(eps[0]["secret"], a)["data"]["external_ref"] == "PO-3"
    assert verified(eps[1]["secret"], b)["type"] == "job.succeeded"
    assert cb["body"] == a["body"] == b["body"]
    assert len({r["headers"]["webhook-id"] for r in (cb, a, b)}) == 3  # one webhook-id per delivery

    with wh_stack.database().session() as s:
        events = s.scalars(select(WebhookEvent).where(WebhookEvent.job_id == job_id)).all()
        rows = s.scalars(select(WebhookDelivery).where(WebhookDelivery.job_id == job_id)).all()
        assert [e.type for e in events] == ["job.succeeded"]
        assert {d.event_id for d in rows} == {events[0].id} and len(rows) == 3
        assert sorted((d.destination == "callback", d.url) for d in rows) == sorted(
            [(True, receiver.url("/fan/cb")), (False, receiver.url("/fan/a")), (False, receiver.url("/fan/b"))]
        )
    listed = wait_deliveries(client, job_id, lambda ds: len(ds) == 3 and all(d["status"] == "delivered" for d in ds))
    assert sorted(d["destination"] for d in listed) == ["callback", "endpoint", "endpoint"]
    for ep in eps:
        assert client.delete(f"/v1/webhook-endpoints/{ep['id']}").status_code == 204


def test_changes_feed_pages_every_finished_job_once(client, pdf):
    since = datetime.now(timezone.utc) - timedelta(seconds=1)
    ids = [submit(client, pdf) for _ in range(3)]
    for job_id in ids:
        wait_for_job(client, job_id)
    seen, cursor = [], None
    while True:
        q = {"updated_since": since.isoformat(), "limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get("/v1/jobs", query_string=q).get_json()
        seen += [j["id"] for j in body["jobs"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert set(ids) <= set(seen)


def test_embedded_default_delivers_too(tmp_path_factory, receiver, pdf):
    """SQLite + Kombu's SQLAlchemy transport, one worker consuming all three queues."""
    with ServiceStack.start(
        tmp_path_factory.mktemp("webhooks-sqlite"),
        backend="sqlite_sqla",
        DOCPIPE_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",
        DOCPIPE_WEBHOOK_SECRET=GLOBAL_SECRET,
        DOCPIPE_WEBHOOK_TIMEOUT=str(TIMEOUT),
    ) as st:
        st.start_worker(concurrency=1, queues=",".join(st.settings.queue(q) for q in ("interactive", "bulk", "recovery", "webhooks")))
        st.start_beat()
        client = st.app().test_client()
        job_id = submit(client, pdf, callback_url=receiver.url("/sqlite"))
        wait_for_job(client, job_id)
        [req] = receiver.wait_for("/sqlite", 1, timeout=60)
        assert verified(GLOBAL_SECRET, req)["data"]["job_id"] == job_id
        [d] = wait_deliveries(client, job_id, lambda ds: ds and ds[0]["status"] == "delivered")
        assert d["webhook_id"] == req["headers"]["webhook-id"]
