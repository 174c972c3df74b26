"""``GET /v1/results``: many finished jobs' results in one request, each slot byte-identical to
``GET /v1/jobs/{id}/result`` (api/exports.py ``get_results``, db/jobs.py ``succeeded_texts_by_job``)."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import event

from db.finalize import finalize_job
from db.pages import claim_page, fail_page, store_page_result
from db.tenants import create_api_key
from pipeline.result import Line, PageResult, Word
from tests.db_steps import split_document
from tests.unit.test_api import assert_envelope, db, make_app, upload
from tests.unit.test_api import pdf2 as _pdf2

TEXT_FORMATS = ("txt", "json", "hocr", "alto")
pdf2 = _pdf2  # the fixture: two pages, one with a text layer


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, DOCPIPE_BLOB_STORE="db", DOCPIPE_MAX_PAGES="3")


@pytest.fixture
def client(app):
    return app.test_client()


def page_result(page_no: int, text: str) -> dict:
    words = [Word(w, 0.9, [10.0 + 40 * i, 10.0, 45.0 + 40 * i, 30.0]) for i, w in enumerate(text.split())]
    line = Line(text, 0.9, [10.0, 10.0, 400.0, 30.0], words)
    return PageResult(page_no, 800, 600, 150, "ocr", text, 0.9, [line], {"total": 0.1}, {"rotation": 0}, {"m": "abc"}).to_dict()


def run_job(app, job: dict, *, fail: set[tuple[int, int]] = frozenset()) -> str:
    """Split, store every page (fail the (document index, page no) in ``fail``) and finalize; returns the status."""
    database = db(app)
    for d_index, doc in enumerate(job["documents"]):
        with database.session() as s:
            page_ids = split_document(s, doc["id"], [1, 2])
        for page_no, page_id in enumerate(page_ids, start=1):
            with database.session() as s:
                claim = claim_page(s, page_id, worker="w:1", lease_seconds=60, max_attempts=3)
                if (d_index, page_no) in fail:
                    fail_page(s, claim, "inference_failed", "boom")
                else:
                    store_page_result(s, claim, page_result(page_no, f"doc {d_index} Grüße 中文 <&> page {page_no}"))
    with database.session() as s:
        return finalize_job(s, job["id"])


@pytest.fixture
def finished(app, client, pdf2):
    """A job with one document, one with two documents, and a partial job with two documents."""
    one = upload(client, ("a.pdf", pdf2)).get_json()
    two = upload(client, ("a.pdf", pdf2), ("b.pdf", pdf2)).get_json()
    part = upload(client, ("c.pdf", pdf2), ("d.pdf", pdf2)).get_json()
    assert run_job(app, one) == "succeeded"
    assert run_job(app, two) == "succeeded"
    assert run_job(app, part, fail={(1, 2)}) == "partial"
    return [one["id"], two["id"], part["id"]]


def results(client, ids, fmt="txt", headers=None):
    r = client.get("/v1/results", query_string={"ids": ",".join(ids), "format": fmt}, headers=headers or {})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["results"]


def slot_bytes(slot: dict) -> bytes:
    if "content_base64" in slot:
        return base64.b64decode(slot["content_base64"])
    return slot["content"].encode("utf-8")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_each_slot_is_the_single_download(client, finished, fmt):
    slots = results(client, finished, fmt)
    assert [s["id"] for s in slots] == finished
    assert [s["status"] for s in slots] == ["succeeded", "succeeded", "partial"]
    for job_id, slot in zip(finished, slots):
        single = client.get(f"/v1/jobs/{job_id}/result", query_string={"format": fmt})
        assert single.status_code == 200
        assert slot["format"] == fmt and slot["media_type"] == single.headers["Content-Type"]
        assert slot_bytes(slot) == single.data and single.data
    texts = results(client, finished[2:], "txt")[0]["content"]
    assert "doc 0 Grüße 中文 <&> page 2" in texts and "doc 1" in texts and "doc 1 Grüße 中文 <&> page 2" not in texts


def test_missing_unfinished_and_duplicate_ids_get_their_own_slots(client, finished, pdf2):
    queued = upload(client, ("q.pdf", pdf2)).get_json()["id"]
    slots = results(client, ["nosuchjob", finished[0], queued, finished[0]], "json")
    assert [s["id"] for s in slots] == ["nosuchjob", finished[0], queued, finished[0]]
    assert slots[0]["error"]["code"] == "not_found" and "content" not in slots[0]
    assert slots[2]["error"]["code"] == "job_not_finished" and slots[2]["error"]["details"]["status"] == "queued"
    assert slots[1] == slots[3] and slots[1]["status"] == "succeeded"


def test_another_tenants_job_is_not_found(tmp_path, pdf2):
    app = make_app(tmp_path, DOCPIPE_AUTH_REQUIRED="true", DOCPIPE_BLOB_STORE="db")
    client = app.test_client()
    with db(app).session() as s:
        _, key_a = create_api_key(s, "tenant-a")
        _, key_b = create_api_key(s, "tenant-b")
    a, b = {"Authorization": f"Bearer {key_a}"}, {"Authorization": f"Bearer {key_b}"}
    job = upload(client, ("a.pdf", pdf2), headers=a).get_json()
    run_job(app, job)
    assert "content" in results(client, [job["id"]], headers=a)[0]
    slot = results(client, [job["id"]], headers=b)[0]
    assert slot["error"]["code"] == "not_found" and "content" not in slot
    assert_envelope(client.get("/v1/results", query_string={"ids": job["id"]}), 401, "unauthorized")


def test_bad_ids_and_formats_are_refused(client, finished):
    too_many = ",".join(f"job{i}" for i in range(101))
    assert_envelope(client.get("/v1/results", query_string={"ids": too_many}), 400, "invalid_option")
    assert_envelope(client.get("/v1/results", query_string={"ids": " , "}), 400, "invalid_option")
    for fmt in ("pdf", "docx"):
        r = client.get("/v1/results", query_string={"ids": finished[0], "format": fmt})
        assert_envelope(r, 400, "invalid_option")
        assert "/result" in r.get_json()["error"]["message"]
    assert len(results(client, [finished[0]] * 100)) == 100


def test_txt_statements_do_not_grow_with_the_jobs(app, client, pdf2):
    ids = []
    for i in range(6):
        job = upload(client, (f"{i}.pdf", pdf2)).get_json()
        run_job(app, job)
        ids.append(job["id"])
    statements: list[str] = []
    event.listen(db(app).engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    results(client, ids[:1])
    few = len(statements)
    statements.clear()
    slots = results(client, ids)
    assert all("content" in s for s in slots)
    assert len(statements) == few, statements


def test_the_openapi_document_describes_the_route(client):
    spec = client.get("/openapi.json").get_json()
    op = spec["paths"]["/v1/results"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"ids", "format"}
    assert "ResultSlot" in spec["components"]["schemas"]
