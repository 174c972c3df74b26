"""The submit options are checked by the schemas that document them: what ``/openapi.json`` shows for
``POST /v1/jobs`` and ``POST /v1/batches/{id}/jobs`` (allowed values, defaults, lengths) is what the
API enforces, with the JSON error envelope and the ``invalid_option`` code."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from db.models import Job
from tests.unit.test_api import assert_envelope, counts, db, make_app
from tests.unit.test_batch_submit import pdfs

ROUTES = ("/v1/jobs", "/v1/batches/{batch_id}/jobs")


@pytest.fixture(scope="module")
def pdf():
    return pdfs(1, "options")[0]


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, DOCPIPE_BLOB_STORE="db")


def documented(client, route: str) -> dict:
    spec = client.get("/openapi.json").get_json()
    schema = spec["paths"][route]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return {name: p for name, p in schema["properties"].items() if name not in ("file", "idempotency_keys")}


def post(client, route: str, pdf: bytes, **fields):
    url = route.format(batch_id=client.post("/v1/batches", json={"name": "b"}).get_json()["id"])
    data = {"file": [(io.BytesIO(pdf), "a.pdf")], **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("route", ROUTES)
def test_values_outside_the_documented_ones_are_refused(app, pdf, route):
    client = app.test_client()
    options = documented(client, route)
    # null and "" are in each enum too: an empty option counts as not given (its default applies)
    enums = {name: [v for v in p["enum"] if v not in (None, "")] for name, p in options.items() if "enum" in p}
    lengths = {name: p["maxLength"] for name, p in options.items() if "maxLength" in p}
    assert {"mode", "priority"} <= set(enums) and {"pages", "external_ref", "callback_url"} <= set(lengths)
    for name, allowed in enums.items():
        r = post(client, route, pdf, **{name: "not-" + allowed[0]})
        assert_envelope(r, 400, "invalid_option")
        assert r.get_json()["error"]["details"] == {"field": name, "allowed": allowed}
    for name, limit in lengths.items():
        r = post(client, route, pdf, **{name: "1" * (limit + 1)})
        assert_envelope(r, 400, "invalid_option")
        assert r.get_json()["error"]["details"]["field"] == name
    assert counts(app)[:2] == (0, 0)


@pytest.mark.parametrize("route", ROUTES)
def test_the_documented_defaults_apply_to_options_left_out_or_blank(app, pdf, route):
    client = app.test_client()
    defaults = {name: p["default"] for name, p in documented(client, route).items() if "default" in p}
    assert set(defaults) == {"mode", "priority", "tables"}
    for fields in ({}, {name: "  " for name in defaults}):
        r = post(client, route, pdf, **fields)
        assert r.status_code == 202, r.get_data(as_text=True)
    with db(app).session() as s:
        rows = s.execute(select(Job.mode, Job.priority, Job.tables)).all()
    assert rows == [(defaults["mode"], defaults["priority"], defaults["tables"])] * 2


def test_a_json_option_of_the_wrong_type_is_refused(app, pdf):
    import base64

    body = {"files": [{"filename": "a.pdf", "content_base64": base64.b64encode(pdf).decode()}], "external_ref": 7}
    r = app.test_client().post("/v1/jobs", json=body)
    assert_envelope(r, 400, "invalid_option")
    assert r.get_json()["error"]["details"] == {"field": "external_ref"}
