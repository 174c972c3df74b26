"""Migration 0004 on SQLite: batches that had ended are marked completed (no late batch.completed for
them), outbox rows may lack a callback_url, and going down and up keeps jobs in their batches
(batches' columns are dropped in place: a table copy would null jobs.batch_id by ON DELETE SET NULL)."""
from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.unit.test_batch_migration import NOW, _migrate


def _job(conn, job_id: str, batch_id: str, status: str, finished_at: str | None) -> None:
    conn.execute(text(
        "INSERT INTO jobs (id, tenant_id, status, mode, priority, dpi, pages_total, created_at, updated_at, finished_at,"
        " batch_id) VALUES (:id, 't', :status, 'auto', 'bulk', 200, 1, :now, :now, :fin, :batch)"),
        {"id": job_id, "status": status, "now": NOW, "fin": finished_at, "batch": batch_id})


def test_0004_marks_ended_batches_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _migrate(db, "0003")
        with db.engine.begin() as conn:
            conn.execute(text(f"INSERT INTO tenants (id, name, created_at) VALUES ('t', 'acme', '{NOW}')"))
            for batch_id in ("ended", "running", "empty"):
                conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('{batch_id}', 't', 'x', '{NOW}')"))
            _job(conn, "j1", "ended", "succeeded", "2026-01-02 00:00:00")
            _job(conn, "j2", "ended", "failed", "2026-01-03 00:00:00")
            _job(conn, "j3", "running", "succeeded", "2026-01-02 00:00:00")
            _job(conn, "j4", "running", "running", None)

        _migrate(db, "head")
        with db.engine.begin() as conn:
            done = dict(conn.execute(text("SELECT id, completed_at FROM batches")).all())
            assert str(done["ended"]).startswith("2026-01-03") and done["running"] is None and done["empty"] is None
            conn.execute(text(
                "INSERT INTO webhook_events (id, job_id, tenant_id, type, callback_url, payload, created_at) "
                f"VALUES ('e1', 'j2', 't', 'batch.completed', NULL, '{{}}', '{NOW}')"))

        _migrate(db, "0003", down=True)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM webhook_events")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL")).scalar() == 4
        _migrate(db, "head")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL")).scalar() == 4
    finally:
        db.dispose()
