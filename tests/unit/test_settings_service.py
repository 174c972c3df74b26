"""Settings for the service: defaults, validation with the variable's name, safety rules."""
import pytest

from settings import Settings, SettingsError


def test_embedded_defaults_need_no_server():
    s = Settings.from_env({})
    assert s.database_url.startswith("sqlite:///") and s.broker_url.startswith("sqla+sqlite:///")
    assert s.blob_store == "local" and s.api_host == "127.0.0.1" and s.api_port == 5000
    assert not s.auth_required
    assert s.queue("bulk") == "bulk"


@pytest.mark.parametrize(
    "env, name",
    [
        ({"DOCPIPE_WORKER_CONCURRENCY": "zero"}, "DOCPIPE_WORKER_CONCURRENCY"),
        ({"DOCPIPE_BLOB_STORE": "s3"}, "DOCPIPE_BLOB_STORE"),
        ({"DOCPIPE_QUEUE_PREFIX": "a b"}, "DOCPIPE_QUEUE_PREFIX"),
        ({"DOCPIPE_BROKER_VISIBILITY_TIMEOUT": "100"}, "DOCPIPE_BROKER_VISIBILITY_TIMEOUT"),
        ({"DOCPIPE_ENV": "production", "DOCPIPE_AUTH_REQUIRED": "false"}, "DOCPIPE_AUTH_REQUIRED"),
        ({"DOCPIPE_API_HOST": "0.0.0.0"}, "DOCPIPE_AUTH_REQUIRED"),
        ({"DOCPIPE_HEARTBEAT_INTERVAL": "-1"}, "DOCPIPE_HEARTBEAT_INTERVAL"),
    ],
)
def test_bad_values_fail_with_the_variable_name(env, name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


def test_production_and_public_bind_with_auth():
    s = Settings.from_env({"DOCPIPE_ENV": "production", "DOCPIPE_API_HOST": "0.0.0.0"})
    assert s.auth_required
    s = Settings.from_env({"DOCPIPE_API_HOST": "::1"})
    assert not s.auth_required  # loopback: keys optional


def test_queue_prefix_names_every_queue():
    s = Settings.from_env({"DOCPIPE_QUEUE_PREFIX": "t123-", "DOCPIPE_BLOB_STORE": "db"})
    assert [s.queue(q) for q in ("interactive", "bulk", "webhooks")] == ["t123-interactive", "t123-bulk", "t123-webhooks"]
    assert s.blob_store == "db"
