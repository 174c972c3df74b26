"""Migration 0010 on SQLite: tenants.retention_days added and dropped in place, so the tenants'
jobs and keys (ON DELETE CASCADE) survive the round trip."""
from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.migrations import NOW, migrate, seed_batch_job, seed_tenant


def test_0010_adds_retention_days_and_round_trips_keeping_jobs(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(db, "0007")
        with db.engine.begin() as conn:
            seed_tenant(conn)
            conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('b', 't', 'x', '{NOW}')"))
            seed_batch_job(conn, "j1", "b", "succeeded", NOW)

        migrate(db, "0010")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT retention_days FROM tenants")).all() == [(None,)]  # the default
            conn.execute(text("UPDATE tenants SET retention_days = 0"))

        migrate(db, "0007", down=True)
        with db.engine.begin() as conn:
            assert "retention_days" not in {r[1] for r in conn.execute(text("PRAGMA table_info(tenants)"))}
            assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 1
        migrate(db, "head")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM jobs WHERE batch_id = 'b'")).scalar() == 1
    finally:
        db.dispose()
