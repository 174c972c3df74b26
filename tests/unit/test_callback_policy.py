"""Without DOCPIPE_WEBHOOK_SECRET a callback_url must be a registered endpoint, else 422 at submit
(embedded default, no worker: the refusal happens before anything is stored)."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from db.batch_models import Batch
from db.models import Blob, Job
from tests.factories import make_pdf
from tests.unit.test_api import make_app


def _count(app, model) -> int:
    with app.extensions["docpipe"].database.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_unsigned_callback_refused_registered_one_accepted(tmp_path):
    app = make_app(tmp_path, DOCPIPE_BLOB_STORE="db")
    client = app.test_client()
    pdf = make_pdf([{"text": ["Callback policy"]}])

    def upload(url):
        return client.post("/v1/jobs", data={"file": [(io.BytesIO(pdf), "a.pdf")], "callback_url": url},
                           content_type="multipart/form-data")

    r = upload("https://erp.example.com/hook")
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["error"]["code"] == "webhook_secret_missing"
    assert r.get_json()["error"]["details"] == {"field": "callback_url"}
    r = client.post("/v1/batches", json={"name": "box", "callback_url": "https://erp.example.com/hook"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "webhook_secret_missing"
    assert (_count(app, Job), _count(app, Blob), _count(app, Batch)) == (0, 0, 0)

    ep = client.post("/v1/webhook-endpoints", json={"url": "https://erp.example.com/hook"})
    assert ep.status_code == 201, ep.get_data(as_text=True)
    assert upload("https://erp.example.com/hook").status_code == 202
    r = client.post("/v1/batches", json={"name": "box", "callback_url": "https://erp.example.com/hook"})
    assert r.status_code == 201 and r.get_json()["callback_url"] == "https://erp.example.com/hook"
    assert upload("https://erp.example.com/other").status_code == 422
    assert _count(app, Job) == 1


def test_submit_and_registration_apply_one_callback_url_rule(tmp_path):
    """The same URLs are refused by POST /v1/jobs, POST /v1/batches and POST /v1/webhook-endpoints:
    credentials in the URL, and internal hosts written out (an address, or localhost)."""
    app = make_app(tmp_path, DOCPIPE_BLOB_STORE="db", DOCPIPE_WEBHOOK_SECRET="whsec_" + "A" * 32)
    client = app.test_client()
    pdf = make_pdf([{"text": ["Callback rule"]}])

    def submit(url):
        return client.post("/v1/jobs", data={"file": [(io.BytesIO(pdf), "a.pdf")], "callback_url": url},
                           content_type="multipart/form-data")

    routes = {
        "job": (submit, "callback_url", 400, "invalid_option"),
        "batch": (lambda url: client.post("/v1/batches", json={"name": "box", "callback_url": url}),
                  "callback_url", 400, "invalid_option"),
        "endpoint": (lambda url: client.post("/v1/webhook-endpoints", json={"url": url}), "url", 422, "invalid_url"),
    }
    for name, (post, field, invalid_status, invalid_code) in routes.items():
        r = post("https://user:secret@erp.example.com/hook")
        assert (r.status_code, r.get_json()["error"]["code"]) == (invalid_status, invalid_code), name
        assert r.get_json()["error"]["details"]["field"] == field
        for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::ffff:169.254.169.254]/"):
            r = post(url)
            assert (r.status_code, r.get_json()["error"]["code"]) == (422, "blocked_destination"), (name, url)
            assert r.get_json()["error"]["details"]["field"] == field
    assert (_count(app, Job), _count(app, Blob), _count(app, Batch)) == (0, 0, 0)
    assert submit("https://erp.example.com/hook").status_code == 202
