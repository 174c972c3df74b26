"""A page task's database round trips (issue 17: the service's CPU per page is mostly SQL statements): the claim
is one statement once its job runs, two for the job's first page, and returns what the task needs of the job."""
from __future__ import annotations

from sqlalchemy import event, select

from db.models import Job
from tests.unit.test_repository import claim, new_job


class Statements:
    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self.seen

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE (db/session.py), not a query
            self.seen.append(statement)


def test_a_claim_is_one_statement_once_the_job_runs(database, tenant):
    job_id, (first, second), _ = new_job(database, tenant, pages=(2,), priority="bulk")
    with Statements(database.engine) as seen:
        c1 = claim(database, first)
    assert len(seen) == 2  # the claim, and the job's move to running
    with database.session() as s:
        assert s.scalar(select(Job.status).where(Job.id == job_id)) == "running"
    with Statements(database.engine) as seen:
        c2 = claim(database, second)
    assert len(seen) == 1, seen
    for c in (c1, c2):
        assert (c.job_id, c.attempt, c.priority, c.dpi, c.mode, c.extract, c.tables) == (job_id, 1, "bulk", 150, "auto", None, False)
    assert c1.document_id == c2.document_id and c1.blob_key == c2.blob_key and c1.document_sha256 == "0" * 64
    assert {c1.page_no, c2.page_no} == {1, 2}
    # Claimed: neither page can be taken again while its lease holds.
    assert claim(database, first) is None and claim(database, second) is None
