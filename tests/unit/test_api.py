"""The HTTP API without a worker: validation before storage, the error envelope, idempotency,
tenants and keys, pagination, the feed, delete, readiness, OpenAPI.

Runs on the embedded default (SQLite and Kombu's SQLAlchemy transport on
SQLite), so it needs no server; jobs stay queued because no worker runs.
"""
from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import func, select

from api import create_app
from db.finalize import cancel_job
from db.telemetry import stage_latencies
from db.tenants import create_api_key
from db.models import Blob, Document, Job, Page
from settings import Settings
from tests.db_steps import split_document
from tests.factories import EN_TEXT, encode_png, make_pdf, render_text_image


@pytest.fixture(scope="module")
def pdf2():
    return make_pdf([{"text": EN_TEXT[:2]}, {"image": render_text_image(EN_TEXT[:2], size_px=24, width=800), "dpi": 100}])


@pytest.fixture(scope="module")
def png():
    return encode_png(render_text_image(EN_TEXT[:1], size_px=24, width=600))


def make_app(tmp_path, **env):
    settings = Settings.from_env({
        "DOCPIPE_VAR_DIR": str(tmp_path / "var"),
        "DOCPIPE_QUEUE_PREFIX": "unit-",
        "DOCPIPE_LOG_LEVEL": "warning",
        **env,
    })
    return create_app(settings)


@pytest.fixture
def app(tmp_path):
    # A webhook secret, so a job may name any callback_url (without one, only registered endpoints).
    return make_app(tmp_path, DOCPIPE_BLOB_STORE="db", DOCPIPE_MAX_UPLOAD_BYTES="300000", DOCPIPE_MAX_PAGES="3",
                    DOCPIPE_WEBHOOK_SECRET="whsec_" + base64.b64encode(b"unit-test-secret-24bytes").decode())


@pytest.fixture
def client(app):
    return app.test_client()


def db(app):
    return app.extensions["docpipe"].database


def counts(app):
    with db(app).session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Job, Document, Blob))


def upload(client, *files, headers=None, **fields):
    data = {"file": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post("/v1/jobs", data=data, content_type="multipart/form-data", headers=headers or {})


def assert_envelope(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"] and isinstance(body["error"]["details"], dict)


def test_submit_multipart_many_files(client, app, pdf2, png):
    r = upload(client, ("a.pdf", pdf2), ("b.png", png), external_ref="inv-7", priority="bulk", pages="1")
    assert r.status_code == 202
    view = r.get_json()
    assert r.headers["Location"] == f"/v1/jobs/{view['id']}" == view["links"]["self"]
    assert r.headers["Retry-After"] in ("1", "2")
    assert view["status"] == "queued" and view["external_ref"] == "inv-7"
    assert view["options"] == {"mode": "auto", "pages": "1", "priority": "bulk", "tables": False}
    assert view["progress"] == {"pages_total": 2, "pages_done": 0, "pages_failed": 0}
    assert [(d["filename"], d["kind"], d["page_count"]) for d in view["documents"]] == [("a.pdf", "pdf", 2), ("b.png", "png", 1)]
    assert view["confidence"] is None and view["error"] is None and view["finished_at"] is None
    assert counts(app) == (1, 2, 2)


def test_submit_json_base64(client, png):
    body = {"files": [{"filename": "x.png", "content_base64": base64.b64encode(png).decode()}], "mode": "ocr"}
    r = client.post("/v1/jobs", json=body)
    assert r.status_code == 202 and r.get_json()["options"]["mode"] == "ocr"


@pytest.mark.parametrize(
    "files, fields, status, code",
    [
        ([("empty.pdf", b"")], {}, 400, "empty_file"),
        ([("notes.pdf", b"just some text, not a PDF")], {}, 415, "unsupported_type"),
        ([("broken.pdf", b"%PDF-1.7\n1 0 obj <<")], {}, 422, "corrupt_file"),
        ([("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 300_001)], {}, 413, "file_too_large"),
        ([("a.pdf", "PDF2")], {"mode": "fast"}, 400, "invalid_option"),
        ([("a.pdf", "PDF2")], {"priority": "urgent"}, 400, "invalid_option"),
        ([("a.pdf", "PDF2")], {"pages": "3-1"}, 400, "invalid_option"),
        ([("a.pdf", "PDF2")], {"pages": "5"}, 422, "invalid_option"),
        ([("a.pdf", "PDF2")], {"callback_url": "ftp://example.com/x"}, 400, "invalid_option"),
        ([("long.pdf", "PDF4")], {}, 422, "too_many_pages"),
        ([("enc.pdf", "ENCRYPTED")], {}, 422, "encrypted_pdf"),
        # One bad file refuses the whole job, and the good one is not stored either.
        ([("a.pdf", "PDF2"), ("empty.png", b"")], {}, 400, "empty_file"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(client, app, pdf2, files, fields, status, code):
    import pymupdf

    def materialize(content):
        if content == "PDF2":
            return pdf2
        if content == "PDF4":
            return make_pdf([{"text": [f"page {i}"]} for i in range(4)])
        if content == "ENCRYPTED":
            doc = pymupdf.open(stream=pdf2, filetype="pdf")
            return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
        return content

    r = upload(client, *[(n, materialize(c)) for n, c in files], **fields)
    assert_envelope(r, status, code)
    assert counts(app) == (0, 0, 0)


def test_missing_file_and_bad_json(client, app):
    assert_envelope(client.post("/v1/jobs", data={"mode": "auto"}, content_type="multipart/form-data"), 400, "missing_file")
    assert_envelope(client.post("/v1/jobs", json={"files": [{"content_base64": "***"}]}), 400, "invalid_content")
    assert_envelope(client.post("/v1/jobs", data="x", content_type="text/plain"), 400, "invalid_content")
    assert counts(app) == (0, 0, 0)


def test_a_multipart_part_without_a_name_is_no_option(client, app, png):
    def body(*fields):
        parts = [b'Content-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n' + png,
                 b"Content-Disposition: form-data\r\n\r\nnameless", b"Content-Disposition: form-data\r\n\r\nagain"]
        parts += [f'Content-Disposition: form-data; name="{k}"\r\n\r\n{v}'.encode() for k, v in fields]
        return b"".join(b"--B0undary\r\n" + part + b"\r\n" for part in parts) + b"--B0undary--\r\n"

    def post(data):
        return client.post("/v1/jobs", data=data, content_type="multipart/form-data; boundary=B0undary")

    assert post(body(("mode", "auto"))).status_code == 202
    # Beside a repeated option (Werkzeug keys nameless parts None: sorting the repeated names was a 500).
    assert_envelope(post(body(("mode", "auto"), ("mode", "ocr"))), 400, "invalid_option")


def test_framework_errors_use_the_envelope(client, app, tmp_path):
    assert_envelope(client.get("/v1/nothing-here"), 404, "not_found")
    assert_envelope(client.put("/v1/jobs"), 405, "method_not_allowed")
    assert_envelope(client.get("/v1/jobs/unknown"), 404, "not_found")
    assert_envelope(client.get("/v1/jobs?limit=0"), 422, "invalid_option")
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    assert_envelope(upload(client, ("huge.pdf", big)), 413, "file_too_large")


def test_idempotency_key_returns_the_same_job(client, app, pdf2):
    first = upload(client, ("a.pdf", pdf2), headers={"Idempotency-Key": "order-42"})
    again = upload(client, ("a.pdf", pdf2), headers={"Idempotency-Key": "order-42"})
    other = upload(client, ("a.pdf", pdf2), headers={"Idempotency-Key": "order-43"})
    assert (first.status_code, again.status_code, other.status_code) == (202, 200, 202)
    assert first.get_json()["id"] == again.get_json()["id"] != other.get_json()["id"]
    assert counts(app) == (2, 2, 2)


def test_tenants_see_only_their_jobs(tmp_path, pdf2):
    app = make_app(tmp_path, DOCPIPE_AUTH_REQUIRED="true")
    client = app.test_client()
    with db(app).session() as s:
        _, key_a = create_api_key(s, "tenant-a")
        _, key_b = create_api_key(s, "tenant-b")
    a = {"Authorization": f"Bearer {key_a}"}
    b = {"Authorization": f"Bearer {key_b}"}
    assert_envelope(upload(client, ("a.pdf", pdf2)), 401, "unauthorized")
    assert_envelope(client.get("/v1/jobs", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    job = upload(client, ("a.pdf", pdf2), headers={**a, "Idempotency-Key": "same"}).get_json()
    for path in ("", "/pages", "/result?format=txt", f"/documents/{job['documents'][0]['id']}/pages/1/image"):
        assert_envelope(client.get(f"/v1/jobs/{job['id']}{path}", headers=b), 404, "not_found")
    assert_envelope(client.delete(f"/v1/jobs/{job['id']}", headers=b), 404, "not_found")
    assert client.get("/v1/jobs", headers=b).get_json()["jobs"] == []
    # The same idempotency key from another tenant is another job.
    other = upload(client, ("a.pdf", pdf2), headers={**b, "Idempotency-Key": "same"}).get_json()
    assert other["id"] != job["id"]
    assert client.get(f"/v1/jobs/{job['id']}", headers=a).status_code == 200


def test_without_auth_only_loopback_callers_are_served(client, pdf2):
    assert upload(client, ("a.pdf", pdf2)).status_code == 202
    r = client.get("/v1/jobs", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert_envelope(r, 401, "unauthorized")


def test_pages_paginate_in_order(client, app, pdf2):
    job = upload(client, ("a.pdf", pdf2), ("b.pdf", pdf2)).get_json()
    with db(app).session() as s:
        for d in job["documents"]:
            split_document(s, d["id"], [1, 2])
    r = client.get(f"/v1/jobs/{job['id']}/pages?limit=3")
    body = r.get_json()
    assert [(p["document"], p["page_no"]) for p in body["pages"]] == [
        (job["documents"][0]["id"], 1), (job["documents"][0]["id"], 2), (job["documents"][1]["id"], 1)
    ]
    assert all(p["status"] == "queued" and p["text"] is None and p["lines"] == [] for p in body["pages"])
    rest = client.get(body["next"]).get_json()
    assert [p["page_no"] for p in rest["pages"]] == [2] and rest["next"] is None
    image = client.get(body["pages"][1]["image_url"])
    assert image.status_code == 200 and image.mimetype == "image/png"
    from PIL import Image

    assert Image.open(io.BytesIO(image.data)).width <= 1400


def test_feed_filters_and_cursor(client, pdf2):
    ids = [upload(client, ("a.pdf", pdf2), external_ref=f"ref-{i % 2}").get_json()["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        body = client.get("/v1/jobs", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}).get_json()
        seen += [j["id"] for j in body["jobs"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)
    ref0 = client.get("/v1/jobs?external_ref=ref-0").get_json()["jobs"]
    assert {j["id"] for j in ref0} == {ids[0], ids[2], ids[4]}
    assert client.get("/v1/jobs?status=succeeded").get_json()["jobs"] == []
    assert len(client.get("/v1/jobs?updated_since=2000-01-01T00:00:00Z").get_json()["jobs"]) == 5
    assert client.get("/v1/jobs?updated_since=2999-01-01T00:00:00%2B02:00").get_json()["jobs"] == []
    assert_envelope(client.get("/v1/jobs?cursor=garbage"), 400, "invalid_option")


def test_feed_by_ids_reads_many_jobs_in_one_request(client, pdf2):
    ids = [upload(client, ("a.pdf", pdf2)).get_json()["id"] for _ in range(3)]
    body = client.get("/v1/jobs", query_string={"ids": f"{ids[0]}, {ids[2]},nosuchjob", "limit": 10}).get_json()
    assert sorted(j["id"] for j in body["jobs"]) == sorted([ids[0], ids[2]])
    too_many = ",".join(f"job{i}" for i in range(101))
    assert_envelope(client.get("/v1/jobs", query_string={"ids": too_many}), 400, "invalid_option")


def test_feed_by_ids_can_ask_for_the_jobs_that_ended_only(client, app, pdf2):
    # The bulk client's watcher: which of its jobs in flight ended, without the views of the others.
    ids = [upload(client, ("a.pdf", pdf2)).get_json()["id"] for _ in range(3)]
    ended = client.get("/v1/jobs", query_string={"ids": ",".join(ids), "ended": "true"}).get_json()["jobs"]
    assert ended == []
    with db(app).session() as s:
        assert cancel_job(s, ids[1])
    body = client.get("/v1/jobs", query_string={"ids": ",".join(ids), "ended": "true"}).get_json()
    assert [(j["id"], j["status"]) for j in body["jobs"]] == [(ids[1], "canceled")]
    every = client.get("/v1/jobs", query_string={"ids": ",".join(ids), "ended": "false"}).get_json()["jobs"]
    assert sorted(j["id"] for j in every) == sorted(ids)
    assert_envelope(client.get("/v1/jobs", query_string={"ended": "perhaps"}), 422, "invalid_option")


def test_split_stores_pages_read_from_the_text_layer_and_queues_the_rest(client, app, pdf2):
    job = upload(client, ("a.pdf", pdf2)).get_json()
    doc = job["documents"][0]["id"]
    read = {1: {"source": "text_layer", "text": "hello", "confidence": 0.7, "lines": [],
                "timings": {"text_layer": 0.004, "total": 0.004}}}
    with db(app).session() as s:
        queued = split_document(s, doc, [1, 2], read, worker="w1:1")
    with db(app).session() as s:
        again = split_document(s, doc, [1, 2], read, worker="w2:2")  # a duplicate delivery adds nothing
    assert again == queued and len(queued) == 1
    view = client.get(f"/v1/jobs/{job['id']}").get_json()
    assert view["status"] == "running" and view["progress"]["pages_done"] == 1
    assert view["confidence"] == 0.7 and view["confidence_min"] == 0.7
    pages = client.get(f"/v1/jobs/{job['id']}/pages").get_json()["pages"]
    assert [(p["page_no"], p["status"], p["attempts"], p["text"]) for p in pages] == [
        (1, "succeeded", 1, "hello"), (2, "queued", 0, None)
    ]
    assert pages[1]["id"] == queued[0]
    with db(app).session() as s:
        histogram = stage_latencies(s)
    assert sum(n for n, _ in histogram["text_layer"].values()) == 1


def test_delete_cancels_and_purges(client, app, pdf2):
    job = upload(client, ("a.pdf", pdf2), callback_url="https://example.com/hook").get_json()
    assert client.delete(f"/v1/jobs/{job['id']}").status_code == 204
    assert_envelope(client.get(f"/v1/jobs/{job['id']}"), 404, "not_found")
    assert counts(app) == (0, 0, 0)
    with db(app).session() as s:
        assert s.scalar(select(func.count()).select_from(Page)) == 0


def test_result_needs_a_finished_job_and_a_known_format(client, pdf2):
    job = upload(client, ("a.pdf", pdf2)).get_json()
    r = client.get(f"/v1/jobs/{job['id']}/result?format=docx")
    assert_envelope(r, 400, "invalid_option")
    assert "txt" in r.get_json()["error"]["details"]["allowed"]
    assert_envelope(client.get(f"/v1/jobs/{job['id']}/result?format=txt"), 409, "wrong_state")


def test_ready_reports_each_dependency(client):
    r = client.get("/ready")
    body = r.get_json()
    assert r.status_code == 503 and body["ready"] is False
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["workers"]["ok"] is False  # no worker runs in this test
    assert client.get("/health").get_json() == {"status": "ok"}


def test_metrics_count_jobs_and_queue_depth(client, pdf2):
    upload(client, ("a.pdf", pdf2), priority="bulk")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'docpipe_jobs{state="queued"} 1.0' in text
    assert 'docpipe_queue_depth{queue="bulk"} 1.0' in text  # the split message waits: no worker
    assert "docpipe_page_stage_seconds" in text


def test_openapi_is_generated_from_the_schemas(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/pages", "/v1/jobs/{job_id}/result", "/v1/ocr", "/ocr/predict", "/ready"):
        assert path in spec["paths"], path
    job_view = spec["components"]["schemas"]["JobView"]["properties"]
    assert {"id", "status", "progress", "documents", "confidence", "links", "finished_at"} <= set(job_view)
    post = spec["paths"]["/v1/jobs"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "202" in post["responses"]


def test_old_webui_path_redirects_to_the_page(client):
    r = client.get("/ocr/webui")
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    assert client.get("/ocr/health").get_json()["status"] == "ok"


def test_database_down_is_a_503_not_a_traceback(app, pdf2):
    from db.session import Database
    from tests.service_stack import free_port

    # Point the running app at a port where no database listens.
    app.extensions["docpipe"].database = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    client = app.test_client()
    assert_envelope(client.get("/v1/jobs"), 503, "service_unavailable")
    r = upload(client, ("a.pdf", pdf2))
    assert_envelope(r, 503, "service_unavailable")
    assert r.headers["Retry-After"]


def test_idempotency_key_reused_for_another_request_is_refused(client, app, pdf2, png):
    first = upload(client, ("a.pdf", pdf2), headers={"Idempotency-Key": "order-44"}, mode="auto")
    renamed = upload(client, ("copy-of-a.pdf", pdf2), headers={"Idempotency-Key": "order-44"}, mode="auto",
                     external_ref="another", priority="bulk")
    assert (first.status_code, renamed.status_code) == (202, 200)  # the same files and options: a retry
    assert renamed.get_json()["id"] == first.get_json()["id"]
    other_file = upload(client, ("a.png", png), headers={"Idempotency-Key": "order-44"})
    other_option = upload(client, ("a.pdf", pdf2), headers={"Idempotency-Key": "order-44"}, mode="ocr")
    as_json = client.post("/v1/jobs", json={"files": [{"content_base64": base64.b64encode(pdf2).decode()}], "pages": "1"},
                          headers={"Idempotency-Key": "order-44"})
    for r in (other_file, other_option, as_json):
        assert_envelope(r, 422, "idempotency_key_reused")
        assert r.get_json()["error"]["details"]["job_id"] == first.get_json()["id"]
    assert counts(app) == (1, 1, 1)


def test_group_submit_key_reused_for_another_file_is_that_files_error(client, app, pdf2, png):
    batch = client.post("/v1/batches", json={"name": "reuse"}).get_json()["id"]
    keys = '["k-1", "k-2"]'
    files = {"file": [(io.BytesIO(pdf2), "a.pdf"), (io.BytesIO(png), "b.png")], "idempotency_keys": keys}
    first = client.post(f"/v1/batches/{batch}/jobs", data=files, content_type="multipart/form-data")
    assert first.status_code == 202
    swapped = {"file": [(io.BytesIO(pdf2), "a.pdf"), (io.BytesIO(pdf2), "b.pdf")], "idempotency_keys": keys}
    again = client.post(f"/v1/batches/{batch}/jobs", data=swapped, content_type="multipart/form-data").get_json()["jobs"]
    assert again[0]["created"] is False and again[0]["job"]["id"] == first.get_json()["jobs"][0]["job"]["id"]
    assert again[1]["status"] == 422 and again[1]["error"]["code"] == "idempotency_key_reused"
    assert counts(app) == (2, 2, 2)


@pytest.mark.parametrize("size", [0, 3, 1000, 4 * 1024 * 1024 * 3 // 4 + 5, 9 * 1024 * 1024 + 2])
def test_base64_is_decoded_in_chunks_exactly_as_whole(size):
    from api.guards import decode_base64

    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    text = base64.b64encode(data).decode()
    assert bytes(decode_base64(text)) == data
    big = base64.b64encode(bytes(9 * 1024 * 1024)).decode()
    for bad in (big[:-1], big[:100] + "=" + big[101:], big[:-8] + "!!!!" + big[-4:]):
        with pytest.raises(ValueError):  # binascii.Error is a ValueError, as b64decode raises
            decode_base64(bad)


def test_an_option_given_twice_is_refused(client, app, pdf2):
    r = client.post("/v1/jobs", data={"file": [(io.BytesIO(pdf2), "a.pdf")], "batch_id": ["x", "y"]},
                    content_type="multipart/form-data")
    assert_envelope(r, 400, "invalid_option")
    assert r.get_json()["error"]["details"] == {"field": "batch_id"} and counts(app) == (0, 0, 0)
