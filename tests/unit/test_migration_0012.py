"""Migration 0012 on SQLite: pages gain pipeline_cpu_s (the worker's pipeline CPU per page), kept rows and all."""
from __future__ import annotations

from sqlalchemy import inspect, text

from db.session import Database
from tests.unit.test_batch_migration import _migrate

NOW = "2026-12-04 18:00:00"


def _columns(db) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("pages")}


def test_0012_adds_pipeline_cpu_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _migrate(db, "0011")
        assert "pipeline_cpu_s" not in _columns(db)
        with db.engine.begin() as conn:
            conn.execute(text(f"INSERT INTO tenants (id, name, created_at) VALUES ('t', 'acme', '{NOW}')"))
            conn.execute(text(
                "INSERT INTO jobs (id, tenant_id, status, mode, priority, dpi, pages_total, created_at, updated_at) "
                f"VALUES ('j', 't', 'succeeded', 'auto', 'bulk', 200, 1, '{NOW}', '{NOW}')"))
            conn.execute(text(
                "INSERT INTO documents (id, job_id, position, filename, sha256, size, kind, page_count, pages_selected,"
                f" blob_key, status, created_at) VALUES ('d', 'j', 0, 'a.pdf', 'x', 1, 'pdf', 1, 1, 'b', 'split', '{NOW}')"))
            conn.execute(text(
                "INSERT INTO pages (id, job_id, document_id, position, page_no, status, attempts, created_at) "
                f"VALUES ('p', 'j', 'd', 0, 1, 'succeeded', 1, '{NOW}')"))
        _migrate(db, "0012")
        assert "pipeline_cpu_s" in _columns(db)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT pipeline_cpu_s FROM pages WHERE id = 'p'")).scalar() is None
            conn.execute(text("UPDATE pages SET pipeline_cpu_s = 0.25 WHERE id = 'p'"))
        _migrate(db, "0011", down=True)
        assert "pipeline_cpu_s" not in _columns(db)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pages")).scalar() == 1
    finally:
        db.dispose()
