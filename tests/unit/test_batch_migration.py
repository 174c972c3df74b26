"""Migration 0003 on SQLite keeps existing rows: it adds columns in place. (A batch-mode copy of
`jobs` would drop the old table, and with foreign_keys=ON that drop cascades to every document
and page.) Down to 0002 and up again keeps them too."""
from __future__ import annotations

from alembic import command
from sqlalchemy import text

from db.migrate import alembic_config
from db.session import Database

NOW = "2026-01-01 00:00:00"


def _migrate(db: Database, target: str, down: bool = False) -> None:
    cfg = alembic_config(db.url)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)
        conn.commit()


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("jobs", "documents", "pages")}


def test_upgrade_and_downgrade_keep_jobs_documents_and_pages(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _migrate(db, "0002")
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
        before = _counts(db)
        assert before == {"jobs": 1, "documents": 1, "pages": 1}

        _migrate(db, "head")
        assert _counts(db) == before
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT batch_id, reuse_key, reused_from FROM jobs")).one() == (None, None, None)
            conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('b1', 't', 'x', '{NOW}')"))
            conn.execute(text("UPDATE jobs SET batch_id = 'b1'"))

        _migrate(db, "0002", down=True)
        assert _counts(db) == before
        _migrate(db, "head")
        assert _counts(db) == before
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT batch_id FROM jobs")).scalar() is None  # its batch went with the downgrade
            conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('b2', 't', 'y', '{NOW}')"))
            conn.execute(text("UPDATE jobs SET batch_id = 'b2'"))
            conn.execute(text("DELETE FROM batches WHERE id = 'b2'"))  # ON DELETE SET NULL: the job stays
            assert conn.execute(text("SELECT count(*), max(batch_id) FROM jobs")).one() == (1, None)
    finally:
        db.dispose()
