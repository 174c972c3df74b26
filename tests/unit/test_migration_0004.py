"""Migration 0004 on SQLite: batches that had ended are marked completed (no late batch.completed for
them), outbox rows may lack a callback_url, and going down and up keeps jobs in their batches
(batches' columns are dropped in place: a table copy would null jobs.batch_id by ON DELETE SET NULL)."""
from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.migrations import NOW, migrate, seed_batch_job, seed_tenant


def test_0004_marks_ended_batches_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(db, "0003")
        with db.engine.begin() as conn:
            seed_tenant(conn)
            for batch_id in ("ended", "running", "empty"):
                conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('{batch_id}', 't', 'x', '{NOW}')"))
            seed_batch_job(conn, "j1", "ended", "succeeded", "2026-01-02 00:00:00")
            seed_batch_job(conn, "j2", "ended", "failed", "2026-01-03 00:00:00")
            seed_batch_job(conn, "j3", "running", "succeeded", "2026-01-02 00:00:00")
            seed_batch_job(conn, "j4", "running", "running", None)

        migrate(db, "head")
        with db.engine.begin() as conn:
            done = dict(conn.execute(text("SELECT id, completed_at FROM batches")).all())
            assert str(done["ended"]).startswith("2026-01-03") and done["running"] is None and done["empty"] is None
            conn.execute(text(
                "INSERT INTO webhook_events (id, job_id, tenant_id, type, callback_url, payload, created_at) "
                f"VALUES ('e1', 'j2', 't', 'batch.completed', NULL, '{{}}', '{NOW}')"))

        migrate(db, "0003", down=True)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM webhook_events")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL")).scalar() == 4
        migrate(db, "head")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL")).scalar() == 4
    finally:
        db.dispose()
