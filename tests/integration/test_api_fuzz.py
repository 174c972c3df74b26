"""Schemathesis over ``/openapi.json`` against the real app on PostgreSQL and Redis: generated requests,
valid and invalid, to every operation; no 5xx and no answer the document does not describe.

The default test run makes ``DOCPIPE_FUZZ_EXAMPLES`` (15) cases per operation; ``make fuzz-api`` runs the
same test with 1,000. PostgreSQL because it is the stricter backend (it refuses NUL in text).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from db.tenants import create_api_key

from tests.service_stack import ServiceStack

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = int(os.environ.get("DOCPIPE_FUZZ_EXAMPLES", "15"))
METRICS_TOKEN = "fuzz-metrics-token"
OPERATOR_PATHS = ("/ready", "/metrics")  # they answer the metrics token, not a tenant's key

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    # No worker: submitted jobs stay queued, which every operation's answer allows.
    with ServiceStack.start(tmp_path_factory.mktemp("fuzz"), backend="postgres_redis",
                            DOCPIPE_MAX_UPLOAD_BYTES="2000000", DOCPIPE_MAX_PAGES="5",
                            DOCPIPE_METRICS_TOKEN=METRICS_TOKEN) as stack:
        with stack.database().session() as s:
            _, key = create_api_key(s, "fuzz")
        yield stack.app(), key


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    config = schemathesis.config.SchemathesisConfig.from_path(CONFIG)
    return schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app[0], config=config)


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_answers_as_documented(case, fuzz_app):
    secret = METRICS_TOKEN if case.path in OPERATOR_PATHS else fuzz_app[1]
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
