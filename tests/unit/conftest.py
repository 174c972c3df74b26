"""Fixtures shared by the unit tests of db/: a migrated SQLite database and a tenant in it."""
from __future__ import annotations

import pytest

from db.tenants import ensure_tenant
from db.migrate import upgrade
from db.session import Database


@pytest.fixture
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'unit.db'}")
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def tenant(database):
    with database.session() as s:
        return ensure_tenant(s, "acme").id
