"""The worker's group split (``JobRunner.split_many``, one ``split_documents`` message of a group submit),
in-process on a real database of each kind: every document of the group ends up as if split alone —
born-digital files end in the split, scans leave page tasks, a corrupt file fails its own job only, a
file read before is answered by reuse, a duplicate delivery re-offers only what still waits, and a
canceled job is left alone."""
from __future__ import annotations

import hashlib
import time
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from db.finalize import cancel_job
from db.jobs import NewDocument, NewJob, create_jobs
from db.tenants import ensure_tenant
from db.migrate import upgrade
from db.models import Job, Page, PageResult, new_id
from settings import Settings
from tests.factories import EN_TEXT, make_pdf, render_text_image
from tests.service_stack import create_postgres_database, drop_postgres_database
from workers.job_runner import JobRunner

pytestmark = [pytest.mark.integration]


@pytest.fixture(params=["postgres", "sqlite"])
def runner(request, tmp_path):
    if request.param == "postgres":
        name = f"dp_group_{uuid.uuid4().hex[:8]}"
        url = create_postgres_database(name)
    else:
        name, url = None, f"sqlite:///{tmp_path / 'group.db'}"
    r = _make_runner(tmp_path, url)
    upgrade(r.database)
    yield r
    r.database.dispose()
    if name:
        drop_postgres_database(name)


def _make_runner(tmp_path, url: str, **env) -> JobRunner:
    settings = Settings.from_env({"DOCPIPE_DATABASE_URL": url, "DOCPIPE_VAR_DIR": str(tmp_path / "var"),
                                  "DOCPIPE_DPI": "150", "DOCPIPE_OCR_THREADS": "1", **env})
    return JobRunner(settings)


def _job(runner, tenant: str, *files: tuple[str, bytes, int]) -> tuple[str, list[str]]:
    """A queued job with one document per (kind, bytes, pages), stored like the API stores one."""
    documents = []
    for kind, data, pages in files:
        key = new_id()
        runner.blobs.put(key, data)
        documents.append(NewDocument(id=new_id(), filename=f"f.{kind}", sha256=hashlib.sha256(data).hexdigest(),
                                          size=len(data), kind=kind, page_count=pages, pages_selected=pages,
                                          blob_key=key))
    spec = NewJob(mode="auto", pages_spec=None, priority="bulk", dpi=150, external_ref=None, callback_url=None,
                       idempotency_key=None, documents=documents)
    with runner.database.session() as s:
        [(job, _)] = create_jobs(s, tenant, [spec])
        return job.id, [d.id for d in documents]


def _status(runner, job_id: str) -> tuple[str, str | None, str | None]:
    with runner.database.session() as s:
        job = s.get(Job, job_id)
        return job.status, job.error_code, job.reused_from


def _pages(runner, job_id: str) -> list[tuple[int, str, str | None]]:
    with runner.database.session() as s:
        return s.execute(
            select(Page.page_no, Page.status, PageResult.text).outerjoin(PageResult, PageResult.page_id == Page.id)
            .where(Page.job_id == job_id).order_by(Page.position)
        ).all()


def test_a_group_split_ends_each_document_as_if_it_were_split_alone(runner):
    with runner.database.session() as s:
        tenant = ensure_tenant(s, "acme").id
    digital = make_pdf([{"text": EN_TEXT[:2]}, {"text": EN_TEXT[2:4]}])
    scan = make_pdf([{"image": render_text_image(EN_TEXT[4:5], size_px=24, width=700), "dpi": 100}])
    a, (a_doc,) = _job(runner, tenant, ("pdf", digital, 2))
    b, (b_doc,) = _job(runner, tenant, ("pdf", scan, 1))
    c, (c_doc,) = _job(runner, tenant, ("pdf", b"%PDF-1.7 not really a pdf", 1))
    d, (d_doc1, d_doc2) = _job(runner, tenant, ("pdf", make_pdf([{"text": EN_TEXT[5:6]}]), 1),
                               ("pdf", make_pdf([{"text": EN_TEXT[6:7]}]), 1))
    e, (e_doc,) = _job(runner, tenant, ("pdf", make_pdf([{"text": EN_TEXT[7:8]}]), 1))
    with runner.database.session() as s:
        assert cancel_job(s, e)

    group = runner.split_many([a_doc, b_doc, c_doc, d_doc1, d_doc2, e_doc], worker="w@host:1")

    # Only the scan needs OCR: one page task, at the job's priority; all read within the budget.
    assert group.rest == []
    (outcome,) = group.pages
    assert outcome.priority == "bulk" and len(outcome.page_ids) == 1
    assert _status(runner, b)[0] == "queued"  # nothing of it read yet
    assert [(no, st) for no, st, _ in _pages(runner, b)] == [(1, "queued")]
    # The born-digital file ended in the split, its text read from the text layer.
    assert _status(runner, a) == ("succeeded", None, None)
    assert [(no, st, [ln for ln in text.splitlines() if ln.strip()]) for no, st, text in _pages(runner, a)] == [
        (1, "succeeded", EN_TEXT[:2]), (2, "succeeded", EN_TEXT[2:4])]
    # The corrupt file fails its own job, with its code; nothing else.
    status, code, _ = _status(runner, c)
    assert status == "failed" and code == "corrupt_file"
    # A job of two documents split in the same group ends too (after the group's commit).
    assert _status(runner, d)[0] == "succeeded"
    assert [no for no, _, _ in _pages(runner, d)] == [1, 1]
    # The canceled job got no pages.
    assert _status(runner, e)[0] == "canceled" and _pages(runner, e) == []

    # A duplicate delivery of the same message re-offers the scan's waiting page and adds nothing.
    again = runner.split_many([a_doc, b_doc, c_doc], worker="w@host:2")
    assert [o.page_ids for o in again.pages] == [outcome.page_ids]
    with runner.database.session() as s:
        assert s.scalar(select(func.count()).select_from(Page).where(Page.job_id.in_([a, b, c, d, e]))) == 2 + 1 + 0 + 2

    # The same born-digital file in a later job is answered from job a, without reading it.
    f, (f_doc,) = _job(runner, tenant, ("pdf", digital, 2))
    assert runner.split_many([f_doc]).pages == []
    assert _status(runner, f) == ("succeeded", None, a)
    assert [t for _, _, t in _pages(runner, f)] == [t for _, _, t in _pages(runner, a)]


def test_documents_of_a_group_not_reached_within_the_read_budget_come_back_for_another_message(runner, tmp_path):
    hurried = _make_runner(tmp_path, runner.settings.database_url, DOCPIPE_SPLIT_READ_BUDGET="0.000001")
    with runner.database.session() as s:
        tenant = ensure_tenant(s, "acme").id
    jobs = [_job(runner, tenant, ("pdf", make_pdf([{"text": EN_TEXT[i:i + 1]}]), 1)) for i in range(3)]
    docs = [doc for _, (doc,) in jobs]
    group = hurried.split_many(docs)
    # The first file is always split (a group makes progress), its page left to a page task as
    # the budget ran out; the others are not touched.
    assert group.rest == docs[1:] and group.priority == "bulk"
    assert [len(o.page_ids) for o in group.pages] == [1]
    assert [len(_pages(runner, job)) for job, _ in jobs] == [1, 0, 0]
    # The rest, taken by the next message, is read as usual.
    assert runner.split_many(group.rest).rest == []
    assert [_status(runner, job)[0] for job, _ in jobs] == ["queued", "succeeded", "succeeded"]
    hurried.database.dispose()


@pytest.mark.slow
def test_a_split_documents_message_through_a_real_worker_ends_every_job_even_when_its_rest_goes_back(tmp_path):
    from db.blobs import blob_store
    from tests.service_stack import ServiceStack
    from workers.celery_app import create_celery
    from workers.queues import Enqueuer

    with ServiceStack.start(tmp_path / "stack", backend="sqlite_sqla", DOCPIPE_SPLIT_READ_BUDGET="0.000001") as stack:
        stack.start_worker(concurrency=1)
        settings, database = stack.settings, stack.database()
        # What _job and _status need of a runner, on the stack's own database and blobs.
        _Store = SimpleNamespace(database=database, blobs=blob_store(settings, database))
        with database.session() as s:
            tenant = ensure_tenant(s, "acme").id
        jobs = [_job(_Store, tenant, ("pdf", make_pdf([{"text": EN_TEXT[i:i + 2]}]), 1)) for i in range(4)]
        Enqueuer(create_celery(settings), settings).split_documents([doc for _, (doc,) in jobs], "bulk")
        deadline = time.monotonic() + 60
        while [_status(_Store, job)[0] for job, _ in jobs] != ["succeeded"] * 4:
            assert time.monotonic() < deadline, [_status(_Store, job) for job, _ in jobs]
            time.sleep(0.2)
        # One message became four: each took one file and handed the rest back.
        assert stack.log("worker").count("Task docpipe.split_documents[") >= 4
        for i, (job, _) in enumerate(jobs):
            assert [[ln for ln in t.splitlines() if ln.strip()] for _, _, t in _pages(_Store, job)] == [EN_TEXT[i:i + 2]]
        database.dispose()
