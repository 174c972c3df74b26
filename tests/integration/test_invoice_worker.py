"""The worker's side of extract=invoice, in-process on a real database of each kind: a job that asked
for fields ends only once they are stored; a failed reading (the file gone) is recorded on the document
and the job still ends; a job whose finisher died after its last page is ended by the sweeper, fields
read. Invoices are generated with known fields."""
from __future__ import annotations

import uuid

import pytest

from db.fields import job_entries
from db.finalize import finalize_jobs
from db.jobs import NewDocument, NewJob, create_jobs
from db.migrate import upgrade
from db.models import Job, new_id
from db.sweep import unfinished_jobs_with_all_pages_ended
from db.states import JobStatus
from db.tenants import ensure_tenant
from pipeline import Limits, Options, open_document, read_text_layer
from settings import Settings
from tests.db_steps import split_document
from tests.invoice_factories import make_western, western_spec
from tests.service_stack import create_postgres_database, drop_postgres_database
from workers import sweeper
from workers.job_runner import JobRunner

pytestmark = [pytest.mark.integration]


@pytest.fixture(params=["postgres", "sqlite"])
def runner(request, tmp_path):
    if request.param == "postgres":
        name = f"dp_invoice_{uuid.uuid4().hex[:8]}"
        url = create_postgres_database(name)
    else:
        name, url = None, f"sqlite:///{tmp_path / 'invoice.db'}"
    settings = Settings.from_env({"DOCPIPE_DATABASE_URL": url, "DOCPIPE_VAR_DIR": str(tmp_path / "var"),
                                  "DOCPIPE_OCR_THREADS": "1"})
    r = JobRunner(settings)
    upgrade(r.database)
    yield r
    r.database.dispose()
    if name:
        drop_postgres_database(name)


def _stored_job(runner, pdf: bytes) -> tuple[str, str, str]:
    """An extract=invoice job whose one PDF has every page stored, as a worker that died right after would leave it."""
    key = new_id()
    runner.blobs.put(key, pdf)
    with open_document(pdf, Limits()) as doc:
        read = {n: read_text_layer(doc, n, Options()).to_dict() for n in doc.select(None)}
    document = NewDocument(id=new_id(), filename="inv.pdf", sha256="0" * 64, size=len(pdf), kind="pdf",
                           page_count=len(read), pages_selected=len(read), blob_key=key)
    spec = NewJob(mode="auto", pages_spec=None, priority="bulk", dpi=200, external_ref=None, callback_url=None,
                  idempotency_key=None, documents=[document], extract="invoice")
    with runner.database.session() as s:
        tenant = ensure_tenant(s, "acme").id
        [(job, _)] = create_jobs(s, tenant, [spec])
        assert split_document(s, document.id, sorted(read), read) == []  # every page stored, none queued
    return job.id, document.id, key


def _status(runner, job_id: str) -> str:
    with runner.database.session() as s:
        return s.get(Job, job_id).status


def test_a_job_ends_only_with_its_fields_and_a_failed_reading_is_recorded(runner):
    pdf, truth = make_western(western_spec(31, "en"), "en")
    job_id, _, _ = _stored_job(runner, pdf)
    with runner.database.session() as s:
        assert finalize_jobs(s, [job_id]) == {}  # a finalizer that reads no fields cannot end it
    assert _status(runner, job_id) in JobStatus.ACTIVE
    assert runner.finish_jobs([job_id]) == {job_id: "succeeded"}
    with runner.database.session() as s:
        [entry] = job_entries(s, job_id)
    assert entry["fields"]["invoice_number"]["value"] == truth["invoice_number"] and entry["error"] is None

    # The file is gone before the fields are read (deleted, a lost volume): the job still ends.
    lost_job, _, key = _stored_job(runner, make_western(western_spec(32, "en"), "en")[0])
    runner.blobs.delete(key)
    assert runner.finish_jobs([lost_job]) == {lost_job: "succeeded"}
    with runner.database.session() as s:
        [entry] = job_entries(s, lost_job)
    assert entry["error"]["code"] == "extraction_failed" and entry["needs_review"] is True
    assert entry["document_type"] is None and all(v in (None, []) for v in entry["fields"].values())
    assert [(c["name"], c["status"]) for c in entry["checks"]] == [("extraction", "failed")]


def test_the_sweeper_reads_the_fields_a_dead_worker_left_and_ends_the_job(runner):
    from workers.celery_app import create_celery
    from workers.queues import Enqueuer

    pdf, truth = make_western(western_spec(33, "fr"), "fr")
    job_id, _, _ = _stored_job(runner, pdf)
    with runner.database.session() as s:
        assert job_id in unfinished_jobs_with_all_pages_ended(s)
    report = sweeper.sweep(runner.settings, runner.database, Enqueuer(create_celery(runner.settings), runner.settings))
    assert report.jobs_finalized >= 1 and _status(runner, job_id) == "succeeded"
    with runner.database.session() as s:
        [entry] = job_entries(s, job_id)
    assert entry["fields"]["total_amount"]["value"] == truth["total_amount"]
