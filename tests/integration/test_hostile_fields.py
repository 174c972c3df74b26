"""Hostile values in every field a client sends, on both backends (PostgreSQL refuses NUL in text, so
it used to answer 500): control characters and lone surrogates in path ids, query strings, form
fields, JSON fields and headers; numbers out of range in every numeric parameter; times that overflow
once converted to UTC; JSON nested 100,000 deep or not an object on every JSON route. Each gets a 4xx
JSON envelope (the file routes' old /ocr/predict shape aside), and nothing is stored.
"""
from __future__ import annotations

import base64
import io

import pytest

from tests.factories import EN_TEXT, make_pdf

pytestmark = pytest.mark.integration

CONTROL = ["\x00", "\x01", "\x1b", "\x7f", "a\x00b"]
JSON_ROUTES = ["/v1/jobs", "/v1/ocr", "/ocr/predict", "/v1/batches", "/v1/batches/{batch}/jobs", "/v1/webhook-endpoints"]
PATH_ROUTES = [
    ("GET", "/v1/jobs/{id}"), ("DELETE", "/v1/jobs/{id}"), ("GET", "/v1/jobs/{id}/pages"), ("GET", "/v1/jobs/{id}/result"),
    ("GET", "/v1/jobs/{id}/deliveries"), ("GET", "/v1/jobs/{id}/documents/{id}/pages/1/image"),
    ("GET", "/v1/batches/{id}"), ("GET", "/v1/batches/{id}/jobs"), ("POST", "/v1/batches/{id}/close"),
    ("DELETE", "/v1/webhook-endpoints/{id}"), ("POST", "/v1/webhook-endpoints/{id}/rotate-secret"),
    ("POST", "/v1/deliveries/{id}/redeliver"),
]
QUERIES = [("/v1/jobs", "external_ref"), ("/v1/jobs", "ids"), ("/v1/jobs", "cursor"), ("/v1/jobs", "status"),
           ("/v1/results", "ids"), ("/v1/results", "format"), ("/v1/batches/{batch}/jobs", "cursor")]
FORM_FIELDS = ["mode", "priority", "pages", "callback_url", "external_ref", "batch_id"]
BIG_NUMBERS = ["-1", "-9223372036854775809", "9223372036854775808", "18446744073709551617", "1" + "0" * 40,
               "1e9", "NaN", "0x10", ""]
NUMERIC = [("/v1/jobs/{job}/pages", "offset"), ("/v1/jobs/{job}/pages", "limit"), ("/v1/jobs", "limit"),
           ("/v1/batches/{batch}/jobs", "limit")]
# Beyond what a datetime holds once converted to UTC, or not a time at all: refused.
BAD_TIMES = ["0001-01-01T00:00:01+01:01", "9999-12-31T23:59:59-01:00", "10000-01-01T00:00:00Z",
             "2020-13-45T00:00:00Z", "-0001-01-01"]
# The first and last moments a datetime holds: answered, on both databases.
EDGE_TIMES = ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"]


@pytest.fixture(scope="module")
def pdf():
    return make_pdf([{"text": EN_TEXT[:1]}])


@pytest.fixture(scope="module")
def ids(client, pdf):
    job = client.post("/v1/jobs", data={"file": [(io.BytesIO(pdf), "a.pdf")]}, content_type="multipart/form-data")
    batch = client.post("/v1/batches", json={"name": "fields"})
    assert (job.status_code, batch.status_code) == (202, 201)
    return {"job": job.get_json()["id"], "batch": batch.get_json()["id"]}


def _refused(r, statuses=(400, 404, 405, 409, 413, 415, 422)) -> None:
    assert r.status_code in statuses, (r.status_code, r.get_data(as_text=True)[:300])
    body = r.get_json()
    error = body.get("error")
    if isinstance(error, dict):
        assert error["code"] and error["message"]
    else:  # /ocr/predict keeps the older service's shape
        assert body["success"] is False and body["code"]


def _jobs_count(client) -> int:
    return len(client.get("/v1/jobs?limit=500").get_json()["jobs"])


@pytest.mark.parametrize("value", CONTROL)
@pytest.mark.parametrize("method,route", PATH_ROUTES)
def test_control_characters_in_path_ids(client, method, route, value):
    r = client.open(route.replace("{id}", value), method=method)
    _refused(r, (400, 404))


@pytest.mark.parametrize("value", CONTROL)
@pytest.mark.parametrize("route,name", QUERIES)
def test_control_characters_in_query_strings(client, ids, route, name, value):
    query = {"ids": "x", name: value} if route == "/v1/results" else {name: value}
    r = client.get(route.format(**ids), query_string=query)
    _refused(r, (400, 422))


@pytest.mark.parametrize("value", CONTROL)
@pytest.mark.parametrize("field", FORM_FIELDS + ["filename", "Idempotency-Key", "idempotency_keys"])
def test_control_characters_in_every_submit_field(client, ids, pdf, field, value):
    before = _jobs_count(client)
    data, headers, filename, route = {}, {}, "a.pdf", "/v1/jobs"
    if field == "Idempotency-Key":
        headers[field] = f"key{value}"
    elif field == "idempotency_keys":
        route, data[field] = f"/v1/batches/{ids['batch']}/jobs", f'["k{value}"]'
    elif field == "filename":
        filename = f"a{value}.pdf"
    else:
        data[field] = f"x{value}"
    r = client.post(route, data={"file": [(io.BytesIO(pdf), filename)], **data}, content_type="multipart/form-data",
                    headers=headers)
    if field == "filename":  # kept for display only, with control characters replaced
        assert r.status_code == 202 and "\x00" not in r.get_json()["documents"][0]["filename"]
        return
    _refused(r, (400, 422))
    assert _jobs_count(client) == before


@pytest.mark.parametrize("value", CONTROL + ["\ud800"])
@pytest.mark.parametrize("route,body", [
    ("/v1/batches", {"name": "n", "external_ref": "r"}), ("/v1/batches", {"name": "n"}),
    ("/v1/webhook-endpoints", {"url": "https://example.com/h", "description": "d"}),
    ("/v1/jobs", {"files": [{"filename": "a.pdf"}], "external_ref": "r"}), ("/v1/ocr", {"mode": "auto"}),
])
def test_control_characters_and_lone_surrogates_in_json_fields(client, pdf, route, body, value):
    body = {k: v for k, v in body.items()}
    if route == "/v1/jobs":
        body["files"] = [{"filename": "a.pdf", "content_base64": base64.b64encode(pdf).decode()}]
    if route == "/v1/ocr":
        body["content_base64"] = base64.b64encode(pdf).decode()
    for key in [k for k in body if k not in ("files", "content_base64")]:
        hostile = {**body, key: f"{body[key]}{value}"}
        _refused(client.post(route, json=hostile), (400, 422))


@pytest.mark.parametrize("route", JSON_ROUTES)
@pytest.mark.parametrize("payload", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000,
                                     "[1]", '"text"', "42", "null", "true", "{", "\xff\xfe"])
def test_deep_or_non_object_json_on_every_json_route(client, ids, route, payload):
    r = client.post(route.format(**ids), data=payload.encode("utf-8", "surrogatepass") if payload != "\xff\xfe"
                    else b"\xff\xfe", content_type="application/json")
    _refused(r, (400, 422))


@pytest.mark.parametrize("value", BIG_NUMBERS)
@pytest.mark.parametrize("route,name", NUMERIC)
def test_numbers_out_of_range_in_every_numeric_parameter(client, ids, route, name, value):
    _refused(client.get(route.format(**ids), query_string={name: value}), (400, 422))


def test_a_page_number_beyond_64_bits_in_the_image_route(client, ids):
    with client.application.app_context():
        doc = client.get(f"/v1/jobs/{ids['job']}").get_json()["documents"][0]["id"]
    for page_no in ("99999999999999999999999", "0", "-1"):
        _refused(client.get(f"/v1/jobs/{ids['job']}/documents/{doc}/pages/{page_no}/image"), (400, 404, 409, 422))


@pytest.mark.parametrize("value", BAD_TIMES)
def test_times_out_of_range(client, value):
    _refused(client.get("/v1/jobs", query_string={"updated_since": value}), (422,))
    _refused(client.post("/v1/webhook-endpoints/none/replay", query_string={"since": value}), (422,))


@pytest.mark.parametrize("value", EDGE_TIMES)
def test_the_edge_times_are_answered(client, value):
    assert client.get("/v1/jobs", query_string={"updated_since": value}).status_code == 200
    _refused(client.post("/v1/webhook-endpoints/none/replay", query_string={"since": value}), (404,))
