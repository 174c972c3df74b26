"""Migration 0012 on SQLite: pages gain pipeline_cpu_s (the worker's pipeline CPU per page), kept rows and all."""
from __future__ import annotations

from sqlalchemy import inspect, text

from db.session import Database
from tests.migrations import migrate, seed_job_document_page


def _columns(db) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("pages")}


def test_0012_adds_pipeline_cpu_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(db, "0011")
        assert "pipeline_cpu_s" not in _columns(db)
        with db.engine.begin() as conn:
            seed_job_document_page(conn)
        migrate(db, "0012")
        assert "pipeline_cpu_s" in _columns(db)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT pipeline_cpu_s FROM pages WHERE id = 'p'")).scalar() is None
            conn.execute(text("UPDATE pages SET pipeline_cpu_s = 0.25 WHERE id = 'p'"))
        migrate(db, "0011", down=True)
        assert "pipeline_cpu_s" not in _columns(db)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pages")).scalar() == 1
    finally:
        db.dispose()
