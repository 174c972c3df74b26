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


def test_storing_a_result_asks_for_webhook_subscriptions_only_when_the_tenant_has_an_endpoint(database, tenant):
    from db.models import WebhookEvent
    from tests.unit.test_repository import store
    from webhooks import endpoints
    from webhooks.signing import generate_secret

    job_id, (first, second), _ = new_job(database, tenant, pages=(2,))
    c1, c2 = claim(database, first), claim(database, second)
    with Statements(database.engine) as seen:
        assert store(database, c1, "one")
    # Settle (with the endpoint test folded in), the result's upsert, the job's updated_at, the latencies.
    assert len(seen) == 4 and not any("webhook_endpoints.events" in q for q in seen), seen
    with database.session() as s:
        endpoints.create_endpoint(s, tenant, url="https://erp.example/pages", events=["page.completed"],
                                  secret=generate_secret())
    with Statements(database.engine) as seen:
        assert store(database, c2, "two")
    assert any("webhook_endpoints.events" in q for q in seen)
    with database.session() as s:  # the subscribed endpoint still gets its event for the second page
        events = s.execute(select(WebhookEvent.type, WebhookEvent.payload).where(WebhookEvent.job_id == job_id)).all()
    assert [(t, p["page_id"]) for t, p in events] == [("page.completed", second)]
