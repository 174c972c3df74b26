"""Migration 0007 (SQLite here; PostgreSQL in tests/integration/test_webhook_migration_postgres.py):
events that already have deliveries count as dispatched, the others are still to be fanned out, and
going down and up keeps every event."""
from __future__ import annotations

from sqlalchemy import inspect, text

from db.session import Database
from tests.migrations import NOW, migrate


def _events(db: Database) -> dict:
    with db.engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(text("SELECT id, dispatched_at FROM webhook_events"))}


def check_0007_round_trip(db: Database) -> None:
    migrate(db, "0006")
    with db.engine.begin() as conn:
        for event_id in ("sent", "waiting"):
            conn.execute(text(
                "INSERT INTO webhook_events (id, job_id, tenant_id, type, callback_url, payload, created_at) "
                f"VALUES ('{event_id}', 'j-{event_id}', 't', 'job.succeeded', 'https://erp.example/cb', "
                f"'{{\"id\": \"j-{event_id}\", \"status\": \"succeeded\"}}', '{NOW}')"))
        conn.execute(text(
            "INSERT INTO webhook_deliveries (id, webhook_id, tenant_id, job_id, event_id, event_key, destination, "
            "url, type, body, status, attempts, created_at, updated_at) VALUES ('d1', 'msg_d1', 't', 'j-sent', "
            f"'sent', 'j-sent:job.succeeded', 'callback', 'https://erp.example/cb', 'job.succeeded', '{{}}', "
            f"'delivered', 1, '{NOW}', '{NOW}')"))

    migrate(db, "0007")
    events = _events(db)
    assert str(events["sent"]).startswith(NOW[:10]) and events["waiting"] is None
    assert "ix_webhook_events_dispatched_at" in {i["name"] for i in inspect(db.engine).get_indexes("webhook_events")}

    migrate(db, "0006", down=True)
    with db.engine.connect() as conn:
        assert "dispatched_at" not in {c["name"] for c in inspect(conn).get_columns("webhook_events")}
        assert conn.execute(text("SELECT count(*) FROM webhook_events")).scalar() == 2
    migrate(db, "head")
    assert set(_events(db)) == {"sent", "waiting"}


def test_0007_marks_fanned_out_events_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        check_0007_round_trip(db)
    finally:
        db.dispose()
