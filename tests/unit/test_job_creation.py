"""The one way jobs are made (``db.jobs.create_jobs``, ``api.job_creation.create_and_enqueue``), on SQLite:
a single ``POST /v1/jobs`` goes in and out exactly like a group of one file per job."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import event, func, select

from api import jobs as job_routes
from db import batch_repository
from db.jobs import NewDocument, NewJob, create_jobs
from db.models import Document, Job, new_id
from db.states import DocumentStatus, JobStatus
from tests.unit.test_api import counts, db, make_app
from tests.unit.test_batch_submit import Enqueued, count_statements, pdfs


def spec(key=None, pages=(2,)) -> NewJob:
    docs = [NewDocument(id=new_id(), filename=f"d{i}.pdf", sha256="0" * 64, size=10, kind="pdf", page_count=n,
                        pages_selected=n, blob_key=new_id()) for i, n in enumerate(pages)]
    return NewJob(mode="auto", pages_spec=None, priority="bulk", dpi=150, external_ref=None, callback_url=None,
                  idempotency_key=key, documents=docs)


def inserts(statements, table: str) -> int:
    return len([st for st in statements if st.lstrip().upper().startswith(f"INSERT INTO {table.upper()}")])


def test_every_job_goes_in_with_one_insert_per_table_and_joins_the_batch(database, tenant):
    with database.session() as s:
        batch_id = batch_repository.create_batch(s, tenant, "b").id
    specs = [spec("a"), spec(None, pages=(1, 3)), spec("c")]
    statements = []
    event.listen(database.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with database.session() as s:
        made = create_jobs(s, tenant, specs, batch_id=batch_id)
    assert [created for _, created in made] == [True, True, True]
    assert inserts(statements, "jobs") == 1 and inserts(statements, "documents") == 1
    with database.session() as s:
        jobs = {j.id: j for j in s.scalars(select(Job))}
        docs = s.scalars(select(Document).where(Document.job_id == made[1][0].id).order_by(Document.position)).all()
    assert [jobs[summary.id].idempotency_key for summary, _ in made] == ["a", None, "c"]
    assert all(j.batch_id == batch_id and j.status == JobStatus.QUEUED for j in jobs.values())
    assert jobs[made[1][0].id].pages_total == 4
    assert [d.id for d in docs] == [d.id for d in specs[1].documents]
    assert all(d.status == DocumentStatus.QUEUED and d.enqueued_at is not None for d in docs)


def test_a_key_taken_meanwhile_answers_the_winner_and_the_others_are_created(database, tenant):
    with database.session() as s:
        [(winner, _)] = create_jobs(s, tenant, [spec("k1")])
    with database.session() as s:
        made = create_jobs(s, tenant, [spec("k0"), spec("k1"), spec("k2")])
    assert [created for _, created in made] == [True, False, True]
    assert made[1][0].id == winner.id
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 3
        assert s.scalar(select(func.count()).select_from(Document)) == 3  # the loser's document is not there


def test_a_closed_batch_takes_no_job(database, tenant):
    with database.session() as s:
        batch_id = batch_repository.create_batch(s, tenant, "closed").id
        batch_repository.close_batch(s, batch_id)
    with pytest.raises(batch_repository.BatchClosed):
        with database.session() as s:
            create_jobs(s, tenant, [spec("x")], batch_id=batch_id)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, DOCPIPE_BLOB_STORE="db", DOCPIPE_MAX_UPLOAD_BYTES="300000", DOCPIPE_MAX_PAGES="3")


def submit(client, files, **headers):
    data = {"file": [(io.BytesIO(content), f"f{i}.pdf") for i, content in enumerate(files)]}
    return client.post("/v1/jobs", data=data, content_type="multipart/form-data", headers=headers)


def test_a_single_submit_goes_out_like_a_group(app):
    published = Enqueued(app)
    statements = count_statements(app)
    r = submit(app.test_client(), pdfs(5, "single"))
    assert r.status_code == 202, r.get_data(as_text=True)
    assert inserts(statements, "jobs") == 1 and inserts(statements, "documents") == 1
    ids = [d["id"] for d in r.get_json()["documents"]]
    # split_documents messages of a few documents each, in order, as for a group; never split_document.
    assert [call[0] for call in published.calls] == ["split_documents", "split_documents"]
    assert [i for _, sent, _ in published.calls for i in sent] == ids
    assert {priority for _, _, priority in published.calls} == {"interactive"}


def test_a_single_submit_that_loses_its_key_to_a_concurrent_one_answers_the_winner(app, monkeypatch):
    client = app.test_client()
    files = pdfs(1, "race")
    first = submit(client, files, **{"Idempotency-Key": "race-1"})
    assert first.status_code == 202
    before = counts(app)
    # The early look-up misses the key as if the other request committed just after it.
    monkeypatch.setattr(job_routes, "jobs_by_idempotency_keys", lambda *a: {})
    published = Enqueued(app)
    again = submit(client, files, **{"Idempotency-Key": "race-1"})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert counts(app) == before and published.calls == []  # the loser's blob is gone, nothing sent
    with db(app).session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 1
