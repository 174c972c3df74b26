"""Migration 0011 on SQLite: documents.blob_key gets its index (the orphan sweep's look-up) and loses it again."""
from __future__ import annotations

from sqlalchemy import inspect

from db.session import Database
from tests.migrations import migrate


def _indexes(db) -> set[str]:
    return {i["name"] for i in inspect(db.engine).get_indexes("documents")}


def test_0011_indexes_blob_key_and_round_trips(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(db, "0010")
        assert "ix_documents_blob_key" not in _indexes(db)
        migrate(db, "0011")
        assert "ix_documents_blob_key" in _indexes(db)
        migrate(db, "0010", down=True)
        assert "ix_documents_blob_key" not in _indexes(db)
    finally:
        db.dispose()
