"""Group submits (``POST /v1/batches/{id}/jobs``) through the real app on the embedded default
(SQLite, Kombu's SQLAlchemy transport; no worker): one job per file in the batch, keys answered
by their jobs, per-file errors in their slots, whole-request errors with nothing stored, the
grouped work (one key query, one INSERT per table, one broker message), the race fallback.
(The same through PostgreSQL and a real worker: tests/integration/test_group_submit_service.py.)"""
from __future__ import annotations

import base64
import hashlib
import io
import json

import pytest
from sqlalchemy import event, func, select

from api import batch_submit
from db import batch_repository
from db.tenants import create_api_key
from db.models import Document, Job
from tests.factories import EN_TEXT, make_pdf
from tests.unit.test_api import assert_envelope, counts, db, make_app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, DOCPIPE_BLOB_STORE="db", DOCPIPE_MAX_UPLOAD_BYTES="300000", DOCPIPE_MAX_PAGES="3")


@pytest.fixture
def client(app):
    return app.test_client()


def pdfs(n: int, tag: str = "") -> list[bytes]:
    return [make_pdf([{"text": [f"Group file {i} {tag}", EN_TEXT[i]]}]) for i in range(n)]


def new_batch(client) -> str:
    r = client.post("/v1/batches", json={"name": "group"})
    assert r.status_code == 201
    return r.get_json()["id"]


def group(client, batch_id: str, files: list[tuple[str, bytes]], keys=None, **fields):
    data = {"file": [(io.BytesIO(content), name) for name, content in files], **fields}
    if keys is not None:
        data["idempotency_keys"] = keys if isinstance(keys, str) else json.dumps(keys)
    return client.post(f"/v1/batches/{batch_id}/jobs", data=data, content_type="multipart/form-data")


class Enqueued:
    """Records what the API publishes, and still publishes it (to the embedded broker)."""

    def __init__(self, app):
        self.svc = app.extensions["docpipe"]
        self.real = self.svc.enqueuer
        self.calls = []
        self.svc.enqueuer = self

    def split_documents(self, ids, priority):
        self.calls.append(("split_documents", list(ids), priority))
        self.real.split_documents(ids, priority)

    def split_document(self, document_id, priority):
        self.calls.append(("split_document", document_id, priority))
        self.real.split_document(document_id, priority)


def count_statements(app):
    statements = []
    event.listen(db(app).engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    return statements


def test_a_group_makes_one_job_per_file_in_the_batch(client, app):
    batch_id = new_batch(client)
    files = pdfs(3, "a")
    published = Enqueued(app)
    statements = count_statements(app)
    r = group(client, batch_id, [(f"f{i}.pdf", d) for i, d in enumerate(files)], keys=["k0", "k1", "k2"])
    assert r.status_code == 202, r.get_data(as_text=True)
    slots = r.get_json()["jobs"]
    assert [s["index"] for s in slots] == [0, 1, 2] and all(s["created"] for s in slots)
    jobs = [s["job"] for s in slots]
    assert len({j["id"] for j in jobs}) == 3
    assert all(j["status"] == "queued" and j["batch_id"] == batch_id and j["reused_from"] is None for j in jobs)
    assert jobs[0]["links"]["self"] == f"/v1/jobs/{jobs[0]['id']}" and jobs[0]["created_at"].endswith("Z")
    with db(app).session() as s:
        rows = {j.id: j for j in s.scalars(select(Job).where(Job.batch_id == batch_id))}
        docs = {d.job_id: d for d in s.scalars(select(Document).where(Document.job_id.in_(list(rows))))}
    assert set(rows) == {j["id"] for j in jobs}
    for i, j in enumerate(jobs):
        assert rows[j["id"]].idempotency_key == f"k{i}" and rows[j["id"]].priority == "bulk"
        assert docs[j["id"]].sha256 == hashlib.sha256(files[i]).hexdigest() and docs[j["id"]].filename == f"f{i}.pdf"
        assert docs[j["id"]].enqueued_at is not None and docs[j["id"]].status == "queued"
    # One message for the group, naming every new document.
    assert published.calls == [("split_documents", [docs[j["id"]].id for j in jobs], "bulk")]
    inserts = [st for st in statements if st.lstrip().upper().startswith("INSERT")]
    assert len([st for st in inserts if "INTO jobs" in st]) == 1 and len([st for st in inserts if "INTO documents" in st]) == 1
    # The full views agree (read separately: the group answer is built without them).
    view = client.get(jobs[1]["links"]["self"]).get_json()
    assert view["batch_id"] == batch_id and view["documents"][0]["sha256"] == hashlib.sha256(files[1]).hexdigest()
    assert client.get(f"/v1/batches/{batch_id}").get_json()["files"]["total"] == 3


def test_a_big_group_goes_out_in_a_few_documents_per_message_so_every_worker_gets_some(client, app):
    from api.job_creation import SPLIT_MESSAGE_DOCUMENTS

    batch_id = new_batch(client)
    n = SPLIT_MESSAGE_DOCUMENTS * 2 + 1
    published = Enqueued(app)
    r = group(client, batch_id, [(f"g{i}.pdf", d) for i, d in enumerate(pdfs(n, "chunks"))])
    assert r.status_code == 202
    with db(app).session() as s:
        by_job = dict(s.execute(select(Document.job_id, Document.id)).all())
    ids = [by_job[slot["job"]["id"]] for slot in r.get_json()["jobs"]]
    assert [len(ids_) for _, ids_, _ in published.calls] == [SPLIT_MESSAGE_DOCUMENTS, SPLIT_MESSAGE_DOCUMENTS, 1]
    assert [i for _, ids_, _ in published.calls for i in ids_] == ids  # each once, in file order


def test_the_same_keys_again_answer_the_same_jobs_and_store_nothing(client, app):
    batch_id = new_batch(client)
    files = [(f"f{i}.pdf", d) for i, d in enumerate(pdfs(2, "b"))]
    first = group(client, batch_id, files, keys=["x0", "x1"]).get_json()["jobs"]
    before = counts(app)
    published = Enqueued(app)
    again = group(client, batch_id, files, keys=["x0", "x1"])
    assert again.status_code == 200
    slots = again.get_json()["jobs"]
    assert [s["created"] for s in slots] == [False, False]
    assert [s["job"]["id"] for s in slots] == [s["job"]["id"] for s in first]
    assert counts(app) == before and published.calls == []
    # A new key beside an old one: only the new file is created.
    more = group(client, batch_id, files + [("new.pdf", pdfs(1, "b-new")[0])], keys=["x0", "x1", "x2"])
    assert more.status_code == 202
    assert [s["created"] for s in more.get_json()["jobs"]] == [False, False, True]
    assert counts(app) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_a_file_without_a_key_is_always_new(client, app):
    batch_id = new_batch(client)
    files = [("a.pdf", pdfs(1, "c")[0])]
    group(client, batch_id, files)
    group(client, batch_id, files, keys=[None])
    assert counts(app)[0] == 2


def test_refused_files_get_their_error_and_the_others_are_created(client, app):
    batch_id = new_batch(client)
    good = pdfs(2, "d")
    files = [("good0.pdf", good[0]), ("broken.pdf", b"%PDF-1.7\n1 0 obj <<"), ("notes.pdf", b"just text, not a PDF"),
             ("good1.pdf", good[1])]
    r = group(client, batch_id, files, keys=["g0", "g1", "g2", "g3"])
    assert r.status_code == 202
    slots = r.get_json()["jobs"]
    assert slots[0]["created"] and slots[3]["created"]
    assert (slots[1]["status"], slots[1]["error"]["code"]) == (422, "corrupt_file")
    assert (slots[2]["status"], slots[2]["error"]["code"]) == (415, "unsupported_type")
    assert slots[2]["error"]["details"]["index"] == 2 and "job" not in slots[2]
    assert counts(app) == (2, 2, 2)  # nothing of the refused files stored
    # A refused key stays free: the corrected file gets its job under it.
    fixed = group(client, batch_id, [("broken.pdf", pdfs(1, "d-fixed")[0])], keys=["g1"])
    assert fixed.get_json()["jobs"][0]["created"] is True


def test_only_refused_files_answer_200(client, app):
    batch_id = new_batch(client)
    r = group(client, batch_id, [("empty.pdf", b"")])
    assert r.status_code == 200 and r.get_json()["jobs"][0]["error"]["code"] == "empty_file"
    assert counts(app) == (0, 0, 0)


def test_a_closed_batch_is_a_409_and_nothing_is_stored(client, app):
    batch_id = new_batch(client)
    files = [(f"f{i}.pdf", d) for i, d in enumerate(pdfs(2, "e"))]
    group(client, batch_id, files[:1], keys=["c0"])
    before = counts(app)
    assert client.post(f"/v1/batches/{batch_id}/close").status_code == 200
    r = group(client, batch_id, files, keys=["c0", "c1"])
    assert_envelope(r, 409, "batch_closed")
    assert counts(app) == before  # no job, no document, no blob left behind
    # Like POST /v1/jobs: a key already used still answers its job.
    again = group(client, batch_id, files[:1], keys=["c0"])
    assert again.status_code == 200 and again.get_json()["jobs"][0]["created"] is False


def test_a_batch_closed_under_the_lock_leaves_no_blob(client, app, monkeypatch):
    batch_id = new_batch(client)
    lock = batch_repository.lock_open_batch

    def closed_meanwhile(session, bid):
        batch_repository.close_batch(session, bid)
        lock(session, bid)

    monkeypatch.setattr(batch_repository, "lock_open_batch", closed_meanwhile)
    r = group(client, batch_id, [("a.pdf", pdfs(1, "f")[0])], keys=["l0"])
    assert_envelope(r, 409, "batch_closed")
    assert counts(app) == (0, 0, 0)


def test_another_tenants_or_no_batch_is_404(tmp_path):
    app = make_app(tmp_path, DOCPIPE_BLOB_STORE="db", DOCPIPE_AUTH_REQUIRED="true")
    with db(app).session() as s:
        _, acme = create_api_key(s, "acme")
        _, other = create_api_key(s, "other")
    c = app.test_client()
    batch_id = c.post("/v1/batches", json={"name": "acme's"}, headers={"Authorization": f"Bearer {acme}"}).get_json()["id"]
    data = {"file": [(io.BytesIO(pdfs(1, "g")[0]), "a.pdf")]}
    r = c.post(f"/v1/batches/{batch_id}/jobs", data=data, content_type="multipart/form-data",
               headers={"Authorization": f"Bearer {other}"})
    assert_envelope(r, 404, "not_found")
    data = {"file": [(io.BytesIO(pdfs(1, "g")[0]), "a.pdf")]}
    r = c.post("/v1/batches/nope/jobs", data=data, content_type="multipart/form-data",
               headers={"Authorization": f"Bearer {acme}"})
    assert_envelope(r, 404, "not_found")
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize(
    "keys, status, code",
    [
        ("not json", 400, "invalid_option"),
        ('{"a": 1}', 400, "invalid_option"),
        (["only-one"], 400, "invalid_option"),
        (["k", "k"], 400, "invalid_option"),
        (["k", 7], 400, "invalid_option"),
        (["k", ""], 400, "invalid_option"),
        (["k", "x" * 201], 400, "invalid_option"),
    ],
)
def test_bad_idempotency_keys_refuse_the_request(client, app, keys, status, code):
    batch_id = new_batch(client)
    r = group(client, batch_id, [(f"f{i}.pdf", d) for i, d in enumerate(pdfs(2, "h"))], keys=keys)
    assert_envelope(r, status, code)
    assert counts(app) == (0, 0, 0)


def test_malformed_requests_are_refused_whole(client, app):
    batch_id = new_batch(client)
    url = f"/v1/batches/{batch_id}/jobs"
    assert_envelope(client.post(url, data={"mode": "auto"}, content_type="multipart/form-data"), 400, "missing_file")
    many = {"file": [(io.BytesIO(b"%PDF-1.7"), f"{i}.pdf") for i in range(101)]}
    assert_envelope(client.post(url, data=many, content_type="multipart/form-data"), 400, "invalid_option")
    big = {"file": [(io.BytesIO(b"0" * 200_000), f"{i}.png") for i in range(2)]}
    assert_envelope(client.post(url, data=big, content_type="multipart/form-data"), 413, "file_too_large")
    assert_envelope(group(client, batch_id, [("a.pdf", pdfs(1, "i")[0])], mode="fast"), 400, "invalid_option")
    assert counts(app) == (0, 0, 0)


def test_json_body_with_keys_per_file(client, app):
    batch_id = new_batch(client)
    files = pdfs(2, "j")
    body = {"files": [{"filename": f"j{i}.pdf", "content_base64": base64.b64encode(d).decode(), "idempotency_key": f"j{i}"}
                      for i, d in enumerate(files)], "mode": "text"}
    r = client.post(f"/v1/batches/{batch_id}/jobs", json=body)
    assert r.status_code == 202 and [s["created"] for s in r.get_json()["jobs"]] == [True, True]
    assert client.post(f"/v1/batches/{batch_id}/jobs", json=body).status_code == 200
    with db(app).session() as s:
        assert sorted(s.scalars(select(Job.idempotency_key).where(Job.batch_id == batch_id))) == ["j0", "j1"]
        assert set(s.scalars(select(Job.mode).where(Job.batch_id == batch_id))) == {"text"}


def test_a_key_taken_after_the_lookup_falls_back_to_one_by_one(client, app, monkeypatch):
    batch_id = new_batch(client)
    files = [(f"f{i}.pdf", d) for i, d in enumerate(pdfs(3, "k"))]
    first = group(client, batch_id, files[1:2], keys=["r1"]).get_json()["jobs"][0]["job"]["id"]
    # The lookup misses r1 as if the other request committed just after it: the grouped INSERT meets
    # the unique key, and the one-by-one path answers the winner's job for it and creates the rest.
    monkeypatch.setattr(batch_submit, "jobs_by_idempotency_keys", lambda *a: {})
    published = Enqueued(app)
    r = group(client, batch_id, files, keys=["r0", "r1", "r2"])
    assert r.status_code == 202, r.get_data(as_text=True)
    slots = r.get_json()["jobs"]
    assert [s["created"] for s in slots] == [True, False, True] and slots[1]["job"]["id"] == first
    assert all(s["job"]["batch_id"] == batch_id for s in slots)
    assert counts(app) == (3, 3, 3)  # the loser's blob was deleted
    with db(app).session() as s:
        assert s.scalar(select(func.count()).select_from(Job).where(Job.batch_id == batch_id)) == 3
    assert len(published.calls) == 1 and len(published.calls[0][1]) == 2
