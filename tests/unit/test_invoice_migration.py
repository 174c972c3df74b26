"""Migration 0008 (SQLite here; PostgreSQL in tests/integration/test_invoice_migration_postgres.py): jobs,
documents, pages and endpoints made before it keep every row, its columns start empty (older jobs asked for
no fields), they hold JSON, and going down and up keeps every row (columns dropped in place: a table copy of
jobs or documents would cascade to their pages)."""
from __future__ import annotations

import json

from sqlalchemy import inspect, text

from db.session import Database
from tests.migrations import NOW, migrate, row_counts, seed_job_document_page


def check_0008_round_trip(db: Database) -> None:
    migrate(db, "0007")
    with db.engine.begin() as conn:
        seed_job_document_page(conn)
        conn.execute(text(
            "INSERT INTO webhook_endpoints (id, tenant_id, url, events, secret, created_at, updated_at) "
            f"VALUES ('e', 't', 'https://erp.example/hook', '[\"job.succeeded\"]', 'whsec_x', '{NOW}', '{NOW}')"))
    before = row_counts(db)

    migrate(db, "0008")
    assert row_counts(db) == before
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT extract FROM jobs")).scalar() is None
        assert conn.execute(text("SELECT fields FROM documents")).scalar() is None
        assert conn.execute(text("SELECT include FROM webhook_endpoints")).scalar() is None
        conn.execute(text("UPDATE jobs SET extract = 'invoice'"))
        conn.execute(text("UPDATE documents SET fields = :f"), {"f": json.dumps({"needs_review": True})})
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT fields FROM documents")).scalar()
        assert (json.loads(stored) if isinstance(stored, str) else stored) == {"needs_review": True}

    migrate(db, "0007", down=True)
    assert row_counts(db) == before
    with db.engine.connect() as conn:
        assert "extract" not in {c["name"] for c in inspect(conn).get_columns("jobs")}
        assert "fields" not in {c["name"] for c in inspect(conn).get_columns("documents")}
        assert "include" not in {c["name"] for c in inspect(conn).get_columns("webhook_endpoints")}
        assert conn.execute(text("SELECT count(*) FROM webhook_endpoints")).scalar() == 1
    migrate(db, "head")
    assert row_counts(db) == before


def test_0008_adds_empty_columns_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        check_0008_round_trip(db)
    finally:
        db.dispose()
