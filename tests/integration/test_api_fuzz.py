"""Schemathesis over ``/openapi.json`` against the real app on PostgreSQL and Redis: generated requests,
valid and invalid, to every operation; no 5xx and no answer the document does not describe.

The default test run makes ``DOCPIPE_FUZZ_EXAMPLES`` (15) cases per operation; ``make fuzz-api`` runs the
same test with 1,000. PostgreSQL because it is the stricter backend (it refuses NUL in text).
"""
from __future__ import annotations

import os
from pathlib import Path

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

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


@pytest.fixture(scope="module")
def openapi_document(fuzz_app):
    return fuzz_app[0].test_client().get("/openapi.json").get_json()


def _valid_as_multipart_sends_it(case, document) -> bool:
    """Whether a negative multipart case is a valid request once encoded: an empty array is no part at all, so
    `pages: []` sends the same bytes as leaving `pages` out. Schemathesis drops such fields too before it
    judges a form body, but gives up when the body holds a file part (bytes it cannot validate), and so
    reports the 202 for a valid request as "schema-violating request accepted"."""
    meta, body = case.meta, case.body
    if (meta is None or not isinstance(body, dict)
            or not (case.media_type or "").startswith("multipart/form-data")
            or not any(value in ([], {}) for value in body.values())):
        return False
    negated = [location for location, part in meta.components.items() if part.mode.is_negative]
    if negated != [ParameterLocation.BODY]:
        return False
    ref = case.operation.definition.raw["requestBody"]["content"][case.media_type]["schema"]
    validator = jsonschema_rs.validator_for({**ref, "components": document["components"]})
    sent = {name: _as_text(value) for name, value in body.items() if value not in ([], {})}
    return validator.is_valid(sent)


def _as_text(value):
    # A file part is bytes on the wire (schemathesis holds it as bytes or its own str subclass, which the
    # validator refuses); the schema calls it a string of format binary.
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_answers_as_documented(case, fuzz_app, openapi_document):
    secret = METRICS_TOKEN if case.path in OPERATOR_PATHS else fuzz_app[1]
    excluded = [negative_data_rejection] if _valid_as_multipart_sends_it(case, openapi_document) else []
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, excluded_checks=excluded)
