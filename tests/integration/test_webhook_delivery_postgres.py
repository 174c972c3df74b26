"""The webhook repository tests again, on PostgreSQL (its own database, dropped afterwards).

PostgreSQL differs where it matters here: ON CONFLICT reporting, concurrent
conditional UPDATEs, timestamp precision. The tests are the unit module's;
only the ``db`` fixture changes.
"""
from __future__ import annotations

import uuid

import pytest

from db.migrate import upgrade
from db.session import Database
from tests.service_stack import create_postgres_database, drop_postgres_database
from tests.unit.test_webhook_repository import *  # noqa: F401,F403 - the same tests, collected here

pytestmark = pytest.mark.integration


@pytest.fixture()
def db():
    name = f"docpipe_test_wh_{uuid.uuid4().hex[:10]}"
    database = Database.for_url(create_postgres_database(name))
    try:
        upgrade(database)
        yield database
    finally:
        database.dispose()
        drop_postgres_database(name)
