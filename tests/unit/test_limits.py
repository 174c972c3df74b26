"""Rate limits, the operator endpoints' auth and the sync route's gate, through the real app
(embedded default: SQLite, in-memory rate-limit counters). The shared Redis budget is in
tests/integration/test_limits_service.py."""
from __future__ import annotations

import threading
import time

import pytest

from api.engine_gate import EngineBusy, EngineGate
from db.telemetry import record_heartbeat
from db.tenants import create_api_key
from tests.unit.test_api import db, make_app

TOKEN = "metrics-token-for-the-test"
OUTSIDE = {"REMOTE_ADDR": "10.1.2.3"}


def key_for(app, tenant: str) -> dict:
    with db(app).session() as s:
        _, key = create_api_key(s, tenant)
    return {"Authorization": f"Bearer {key}"}


def assert_429(r, scope: str):
    assert r.status_code == 429, r.get_data(as_text=True)
    err = r.get_json()["error"]
    assert err["code"] == "rate_limited" and err["details"]["scope"] == scope
    assert int(r.headers["Retry-After"]) >= 1


def test_wrong_keys_are_limited_per_address_and_valid_keys_are_not_slowed_by_them(tmp_path):
    app = make_app(tmp_path, DOCPIPE_AUTH_REQUIRED="true", DOCPIPE_METRICS_TOKEN=TOKEN,
                   DOCPIPE_RATELIMIT_PER_ADDRESS="5/minute")
    client = app.test_client()
    good = key_for(app, "acme")
    codes = [client.get("/v1/jobs", headers={"Authorization": f"Bearer wrong-{i}"}, environ_base=OUTSIDE).status_code
             for i in range(8)]
    assert codes == [401] * 5 + [429] * 3
    assert_429(client.get("/v1/jobs", environ_base=OUTSIDE), "address")  # no key at all: same budget
    # Another address, a valid key and liveness are untouched.
    assert client.get("/v1/jobs", headers={"Authorization": "Bearer x"}, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 401
    assert client.get("/v1/jobs", headers=good, environ_base=OUTSIDE).status_code == 200
    assert client.get("/health", environ_base=OUTSIDE).status_code == 200
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert 'docpipe_requests_refused_total{reason="rate_limit_address",route="/v1/jobs"} 4.0' in text


def test_each_key_has_its_own_budget(tmp_path):
    app = make_app(tmp_path, DOCPIPE_AUTH_REQUIRED="true", DOCPIPE_RATELIMIT_PER_KEY="3/minute")
    client = app.test_client()
    a, b = key_for(app, "a"), key_for(app, "b")
    assert [client.get("/v1/jobs", headers=a).status_code for _ in range(3)] == [200] * 3
    assert_429(client.get("/v1/jobs", headers=a), "key")
    assert_429(client.post("/v1/ocr", headers=a), "key")  # one budget over every route
    assert client.get("/v1/jobs", headers=b).status_code == 200
    assert client.get("/health").status_code == 200


def test_the_defaults_refuse_a_burst_of_300_wrong_keys_and_of_300_requests_with_one_key(tmp_path):
    app = make_app(tmp_path, DOCPIPE_AUTH_REQUIRED="true")
    client = app.test_client()
    wrong = [client.get("/v1/jobs", headers={"Authorization": f"Bearer guess-{i}"}).status_code for i in range(300)]
    assert wrong.count(429) >= 240 and set(wrong) == {401, 429}
    good = key_for(app, "acme")
    started = time.monotonic()
    ok = [client.get("/v1/jobs?limit=1", headers=good).status_code for _ in range(300)]
    if time.monotonic() - started < 3:  # the 300 in 3 s (a slower, loaded machine stays under it)
        assert ok.count(429) > 0
    assert set(ok) <= {200, 429} and ok[:50] == [200] * 50


def test_limits_can_be_turned_off(tmp_path):
    app = make_app(tmp_path, DOCPIPE_RATELIMIT_ENABLED="false", DOCPIPE_RATELIMIT_PER_KEY="2/minute")
    client = app.test_client()
    assert {client.get("/v1/jobs").status_code for _ in range(5)} == {200}


def test_the_openapi_document_lists_429_but_not_for_liveness(tmp_path):
    spec = make_app(tmp_path).test_client().get("/openapi.json").get_json()
    assert "429" in spec["paths"]["/v1/jobs"]["post"]["responses"]
    assert "429" not in spec["paths"]["/health"]["get"]["responses"]
    assert "503" in spec["paths"]["/v1/ocr"]["post"]["responses"]


@pytest.mark.parametrize("path", ["/metrics", "/ready"])
def test_operator_endpoints_need_the_metrics_token_when_keys_are_required(tmp_path, path):
    app = make_app(tmp_path, DOCPIPE_AUTH_REQUIRED="true", DOCPIPE_METRICS_TOKEN=TOKEN)
    client = app.test_client()
    tenant_key = key_for(app, "acme")
    assert client.get(path).status_code == 401
    assert client.get(path, headers=tenant_key).status_code == 401  # a tenant sees only its own jobs
    assert client.get(path, headers={"Authorization": "Bearer not-the-token"}).status_code == 401
    assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code in (200, 503)
    assert client.get("/health").status_code == 200


def test_without_a_token_production_keeps_them_closed_and_the_embedded_default_opens_them_to_loopback(tmp_path):
    closed = make_app(tmp_path / "p", DOCPIPE_AUTH_REQUIRED="true").test_client()
    r = closed.get("/metrics")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    embedded = make_app(tmp_path / "e").test_client()
    assert embedded.get("/metrics").status_code == 200
    assert embedded.get("/ready").status_code == 503  # open, and not ready: no worker
    assert embedded.get("/metrics", environ_base=OUTSIDE).status_code == 401


def test_ready_needs_a_worker_of_the_ocr_queues_not_only_the_webhook_worker(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    with db(app).session() as s:
        record_heartbeat(s, "webhooks@host", 1, "unit-webhooks")
    body = client.get("/ready").get_json()
    assert body["checks"]["workers"]["ok"] is False and body["checks"]["workers"]["detail"]["live"] == 0
    with db(app).session() as s:
        record_heartbeat(s, "ocr@host", 2, "unit-interactive,unit-bulk")
    body = client.get("/ready").get_json()
    assert body["checks"]["workers"]["ok"] is True
    assert body["checks"]["workers"]["detail"]["hostnames"] == ["ocr@host"]


def test_the_gate_lets_a_bounded_number_wait_a_bounded_time():
    gate = EngineGate(concurrency=1, max_wait=0.3, max_waiting=1)
    holding, release, outcomes = threading.Event(), threading.Event(), []

    def hold():
        with gate.slot():
            holding.set()
            release.wait(5)

    def wait_for_slot():
        started = time.monotonic()
        try:
            with gate.slot():
                outcomes.append("ran")
        except EngineBusy as exc:
            outcomes.append(("busy", round(time.monotonic() - started, 1), exc.headers["Retry-After"]))

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    waiter = threading.Thread(target=wait_for_slot)
    waiter.start()
    time.sleep(0.1)
    with pytest.raises(EngineBusy):  # one already waits: refused at once
        with gate.slot():
            pass
    waiter.join(5)
    assert outcomes == [("busy", 0.3, "1")]  # waited max_wait, then refused
    release.set()
    holder.join(5)
    with gate.slot():  # free again
        pass


def test_docs_load_swagger_ui_from_this_server_only(tmp_path):
    from html.parser import HTMLParser

    client = make_app(tmp_path).test_client()
    r = client.get("/docs")
    assert r.status_code == 200

    class Links(HTMLParser):
        urls: list = []

        def handle_starttag(self, tag, attrs):
            self.urls += [v for k, v in attrs if k in ("src", "href") and v]

    parser = Links()
    parser.feed(r.get_data(as_text=True))
    assert len(parser.urls) >= 4, parser.urls  # css, favicon, bundle, preset
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.data) > 1000, url
    assert b"SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").data
    assert client.get("/docs/assets/LICENSE").status_code == 404


def test_behind_one_proxy_the_address_limit_keys_on_the_forwarded_client_and_without_one_ignores_the_header(tmp_path):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy

    def wrong_key(client, forwarded_for: str) -> int:
        return client.get("/v1/jobs", headers={"Authorization": "Bearer wrong", "X-Forwarded-For": forwarded_for},
                          environ_base=proxy).status_code

    behind = make_app(tmp_path / "one", DOCPIPE_AUTH_REQUIRED="true", DOCPIPE_RATELIMIT_PER_ADDRESS="3/minute",
                      DOCPIPE_TRUSTED_PROXIES="1").test_client()
    assert [wrong_key(behind, "203.0.113.7") for _ in range(4)] == [401, 401, 401, 429]
    # Another client through the same proxy has its own budget.
    assert wrong_key(behind, "203.0.113.8") == 401
    # A client that sends its own header: the proxy appends the address it saw, and only that one counts.
    assert [wrong_key(behind, f"198.51.100.{i}, 203.0.113.7") for i in range(2)] == [429, 429]

    direct = make_app(tmp_path / "none", DOCPIPE_AUTH_REQUIRED="true",
                      DOCPIPE_RATELIMIT_PER_ADDRESS="3/minute").test_client()
    # No proxy configured: a new made-up address per request still spends the one real address's budget.
    assert [wrong_key(direct, f"198.51.100.{i}") for i in range(4)] == [401, 401, 401, 429]


def test_behind_a_proxy_on_the_same_machine_a_remote_client_is_not_taken_for_a_loopback_caller(tmp_path):
    # The embedded default lets loopback callers in without a key; the proxy connects from 127.0.0.1.
    via_proxy = {"headers": {"X-Forwarded-For": "203.0.113.7"}, "environ_base": {"REMOTE_ADDR": "127.0.0.1"}}
    behind = make_app(tmp_path / "one", DOCPIPE_TRUSTED_PROXIES="1").test_client()
    assert behind.get("/v1/jobs", **via_proxy).status_code == 401
    assert behind.get("/metrics", **via_proxy).status_code == 401
    assert behind.get("/v1/jobs", headers={"X-Forwarded-For": "127.0.0.1"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
