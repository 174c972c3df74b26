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
        ({"DOCPIPE_BROKER_VISIBILITY_TIMEOUT": "40"}, "DOCPIPE_BROKER_VISIBILITY_TIMEOUT"),
        ({"DOCPIPE_RATELIMIT_PER_KEY": "lots"}, "DOCPIPE_RATELIMIT_PER_KEY"),
        ({"DOCPIPE_RATELIMIT_STORAGE": "memcached://x"}, "DOCPIPE_RATELIMIT_STORAGE"),
        ({"DOCPIPE_ENV": "production", "DOCPIPE_AUTH_REQUIRED": "false"}, "DOCPIPE_AUTH_REQUIRED"),
        ({"DOCPIPE_API_HOST": "0.0.0.0"}, "DOCPIPE_AUTH_REQUIRED"),
        ({"DOCPIPE_HEARTBEAT_INTERVAL": "-1"}, "DOCPIPE_HEARTBEAT_INTERVAL"),
        ({"DOCPIPE_SECOND_OPINION_BELOW": "often"}, "DOCPIPE_SECOND_OPINION_BELOW"),
        ({"DOCPIPE_SECOND_OPINION_BELOW": "-0.5"}, "DOCPIPE_SECOND_OPINION_BELOW"),
        ({"DOCPIPE_RECOGNIZER_MODEL": "ppocrv6_small_rec"}, "DOCPIPE_RECOGNIZER_MODEL"),
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


def test_default_timings_recover_a_killed_worker_within_a_minute():
    s = Settings.from_env({})
    assert s.page_soft_time_limit < s.page_time_limit < s.lease_seconds
    assert s.page_time_limit < s.broker_visibility_timeout
    assert s.lease_seconds + s.sweep_interval <= 60  # its pages offered again
    assert s.worker_stale_after <= 30 and s.worker_stale_after >= 3 * s.heartbeat_interval  # gone from /ready


def test_rate_limit_counters_live_on_the_brokers_redis_or_in_memory():
    assert Settings.from_env({}).ratelimit_storage == "memory://"
    redis = "redis://127.0.0.1:6379/0"
    assert Settings.from_env({"DOCPIPE_BROKER_URL": redis}).ratelimit_storage == redis
    other = {"DOCPIPE_BROKER_URL": redis, "DOCPIPE_RATELIMIT_STORAGE": "redis://limits:6379/1"}
    assert Settings.from_env(other).ratelimit_storage == "redis://limits:6379/1"


def test_the_second_opinion_threshold_is_the_engines_unless_set():
    from pipeline import SecondOpinionSettings

    assert SecondOpinionSettings.at(Settings.from_env({}).second_opinion_below) == SecondOpinionSettings()
    off = Settings.from_env({"DOCPIPE_SECOND_OPINION_BELOW": "0"}).second_opinion_below
    assert off == 0.0 and SecondOpinionSettings.at(off).below == 0.0


def test_the_recognizer_is_the_float_one_unless_the_int8_one_is_chosen():
    assert Settings.from_env({}).recognizer_model == "ppocrv6_tiny_rec_grey"
    assert Settings.from_env({"DOCPIPE_RECOGNIZER_MODEL": "ppocrv6_tiny_rec"}).recognizer_model == "ppocrv6_tiny_rec"
    chosen = Settings.from_env({"DOCPIPE_RECOGNIZER_MODEL": "ppocrv6_tiny_rec_int8"}).recognizer_model
    assert chosen == "ppocrv6_tiny_rec_int8"
