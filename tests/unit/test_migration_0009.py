"""Migration 0009 (jobs.tables) on SQLite; PostgreSQL in tests/integration/test_tables_migration_postgres.py.
Jobs made before it read as not asking for tables, and going down and up keeps every job's documents
(the column is added and dropped in place: a copy of `jobs` would cascade-delete them on SQLite)."""
from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.migrations import NOW, migrate, seed_tenant


def check_0009_round_trip(db: Database) -> None:
    migrate(db, "0007")
    with db.engine.begin() as conn:
        seed_tenant(conn)
        conn.execute(text(
            "INSERT INTO jobs (id, tenant_id, status, mode, priority, dpi, pages_total, created_at, updated_at)"
            " VALUES ('old', 't', 'succeeded', 'auto', 'bulk', 200, 1, :now, :now)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO documents (id, job_id, position, filename, sha256, size, kind, page_count, pages_selected,"
            " blob_key, status, created_at) VALUES ('d', 'old', 0, 'a.pdf', :sha, 1, 'pdf', 1, 1, 'k', 'succeeded', :now)"),
            {"sha": "0" * 64, "now": NOW})
    migrate(db, "0009")
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT tables FROM jobs WHERE id = 'old'")).scalar() in (False, 0)
        conn.execute(text(
            "INSERT INTO jobs (id, tenant_id, status, mode, priority, dpi, pages_total, created_at, updated_at, tables)"
            " VALUES ('new', 't', 'queued', 'auto', 'bulk', 200, 1, :now, :now, :yes)"), {"now": NOW, "yes": True})
        assert conn.execute(text("SELECT tables FROM jobs WHERE id = 'new'")).scalar() in (True, 1)
    migrate(db, "0007", down=True)
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1
    migrate(db, "head")
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM jobs WHERE tables")).scalar() == 0


def test_0009_adds_jobs_tables_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        check_0009_round_trip(db)
    finally:
        db.dispose()
