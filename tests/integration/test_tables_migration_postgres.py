"""Migration 0009 on PostgreSQL: the same round trip as on SQLite (tests/unit/test_migration_0009.py)."""
from __future__ import annotations

import uuid

import pytest

from db.session import Database
from tests.service_stack import create_postgres_database, drop_postgres_database
from tests.unit.test_migration_0009 import check_0009_round_trip

pytestmark = pytest.mark.integration


def test_0009_adds_jobs_tables_and_round_trips_on_postgres():
    name = f"dp_mig9_{uuid.uuid4().hex[:8]}"
    db = Database(create_postgres_database(name))
    try:
        check_0009_round_trip(db)
    finally:
        db.dispose()
        drop_postgres_database(name)
