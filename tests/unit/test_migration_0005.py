"""Migration 0005 on SQLite: batches already announced under the old rule count as closed (no second
batch.completed for them), the others stay open, and going down and up keeps jobs in their batches
(``closed_at`` is dropped in place: a table copy would null jobs.batch_id by ON DELETE SET NULL)."""
from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.migrations import NOW, migrate, seed_batch_job, seed_tenant


def test_0005_closes_announced_batches_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(db, "0004")
        with db.engine.begin() as conn:
            seed_tenant(conn)
            conn.execute(text(
                f"INSERT INTO batches (id, tenant_id, name, created_at, completed_at) VALUES ('announced', 't', 'x', '{NOW}', '2026-01-03 00:00:00')"))
            conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('running', 't', 'x', '{NOW}')"))
            seed_batch_job(conn, "j1", "announced", "succeeded", "2026-01-03 00:00:00")
            seed_batch_job(conn, "j2", "running", "running", None)

        migrate(db, "0005")
        with db.engine.begin() as conn:
            closed = dict(conn.execute(text("SELECT id, closed_at FROM batches")).all())
            assert str(closed["announced"]).startswith("2026-01-03") and closed["running"] is None

        migrate(db, "0004", down=True)
        with db.engine.begin() as conn:
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(batches)"))}
            assert "closed_at" not in columns and "completed_at" in columns
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL")).scalar() == 2
        migrate(db, "head")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM batches WHERE closed_at IS NOT NULL")).scalar() == 1
    finally:
        db.dispose()
