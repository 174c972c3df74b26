"""Migration 0006 on PostgreSQL: page results are stored with LZ4 from then on, read back the same,
and going down returns the column to pglz (on SQLite it changes nothing)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from db.session import Database
from tests.service_stack import create_postgres_database, drop_postgres_database
from tests.migrations import migrate

pytestmark = [pytest.mark.integration]

COMPRESSION = text(
    "SELECT attcompression FROM pg_attribute WHERE attrelid = 'page_results'::regclass AND attname = 'result'"
)


def test_0006_sets_lz4_on_page_results_and_round_trips():
    name = f"dp_mig6_{uuid.uuid4().hex[:8]}"
    db = Database(create_postgres_database(name))
    try:
        migrate(db, "0005")
        with db.engine.connect() as conn:
            assert conn.execute(COMPRESSION).scalar() in ("", "\x00", None)  # the server's default (pglz)
        migrate(db, "0006")
        with db.engine.connect() as conn:
            assert conn.execute(COMPRESSION).scalar() == "l"
        migrate(db, "0005", down=True)
        with db.engine.connect() as conn:
            assert conn.execute(COMPRESSION).scalar() == "p"
    finally:
        db.dispose()
        drop_postgres_database(name)
