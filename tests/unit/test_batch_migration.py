"""Migration 0003 on SQLite keeps existing rows: it adds columns in place. (A batch-mode copy of
`jobs` would drop the old table, and with foreign_keys=ON that drop cascades to every document
and page.) Down to 0002 and up again keeps them too."""
from __future__ import annotations

from sqlalchemy import text

from db.session import Database
from tests.migrations import NOW, migrate, row_counts, seed_job_document_page


def test_upgrade_and_downgrade_keep_jobs_documents_and_pages(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(db, "0002")
        with db.engine.begin() as conn:
            seed_job_document_page(conn)
        before = row_counts(db)
        assert before == {"jobs": 1, "documents": 1, "pages": 1}

        migrate(db, "head")
        assert row_counts(db) == before
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT batch_id, reuse_key, reused_from FROM jobs")).one() == (None, None, None)
            conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('b1', 't', 'x', '{NOW}')"))
            conn.execute(text("UPDATE jobs SET batch_id = 'b1'"))

        migrate(db, "0002", down=True)
        assert row_counts(db) == before
        migrate(db, "head")
        assert row_counts(db) == before
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT batch_id FROM jobs")).scalar() is None  # its batch went with the downgrade
            conn.execute(text(f"INSERT INTO batches (id, tenant_id, name, created_at) VALUES ('b2', 't', 'y', '{NOW}')"))
            conn.execute(text("UPDATE jobs SET batch_id = 'b2'"))
            conn.execute(text("DELETE FROM batches WHERE id = 'b2'"))  # ON DELETE SET NULL: the job stays
            assert conn.execute(text("SELECT count(*), max(batch_id) FROM jobs")).one() == (1, None)
    finally:
        db.dispose()
