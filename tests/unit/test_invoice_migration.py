"""Migration 0008 (SQLite here; PostgreSQL in tests/integration/test_invoice_migration_postgres.py): jobs,
documents, pages and endpoints made before it keep every row, its columns start empty (older jobs asked for
no fields), they hold JSON, and going down and up keeps every row (columns dropped in place: a table copy of
jobs or documents would cascade to their pages)."""
from __future__ import annotations

import json

from sqlalchemy import inspect, text

from db.session import Database
from tests.unit.test_batch_migration import NOW, _counts, _migrate


def check_0008_round_trip(db: Database) -> None:
    _migrate(db, "0007")
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
        conn.execute(text(
            "INSERT INTO webhook_endpoints (id, tenant_id, url, events, secret, created_at, updated_at) "
            f"VALUES ('e', 't', 'https://erp.example/hook', '[\"job.succeeded\"]', 'whsec_x', '{NOW}', '{NOW}')"))
    before = _counts(db)

    _migrate(db, "0008")
    assert _counts(db) == before
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT extract FROM jobs")).scalar() is None
        assert conn.execute(text("SELECT fields FROM documents")).scalar() is None
        assert conn.execute(text("SELECT include FROM webhook_endpoints")).scalar() is None
        conn.execute(text("UPDATE jobs SET extract = 'invoice'"))
        conn.execute(text("UPDATE documents SET fields = :f"), {"f": json.dumps({"needs_review": True})})
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT fields FROM documents")).scalar()
        assert (json.loads(stored) if isinstance(stored, str) else stored) == {"needs_review": True}

    _migrate(db, "0007", down=True)
    assert _counts(db) == before
    with db.engine.connect() as conn:
        assert "extract" not in {c["name"] for c in inspect(conn).get_columns("jobs")}
        assert "fields" not in {c["name"] for c in inspect(conn).get_columns("documents")}
        assert "include" not in {c["name"] for c in inspect(conn).get_columns("webhook_endpoints")}
        assert conn.execute(text("SELECT count(*) FROM webhook_endpoints")).scalar() == 1
    _migrate(db, "head")
    assert _counts(db) == before


def test_0008_adds_empty_columns_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        check_0008_round_trip(db)
    finally:
        db.dispose()
