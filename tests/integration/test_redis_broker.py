"""The Redis broker's one race: a task acknowledged while Celery is closing a dropped connection.

Kombu's own transport fails there with AttributeError, which Celery calls unrecoverable (the worker
exits); docpipe's raises a connection error, which Celery logs and recovers from.
"""
from __future__ import annotations

import logging

import pytest
from kombu import Connection, Exchange, Queue
from kombu.transport import redis as kombu_redis

from tests.service_stack import RedisServer
from workers import redis_broker


@pytest.fixture()
def redis_url(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server.url
    server.stop()


@pytest.fixture()
def torn_down():
    """A message received on a channel, then the connection torn down the way Celery does it."""
    made = []

    def make(url: str, transport):
        conn, channel, message = _message_then_close(url, transport)
        made.append((conn, channel))
        return conn, message

    yield make
    for conn, channel in made:
        # Give the channel its link back so its own close (and Kombu's exit-time finalizer) can run.
        channel.connection.client = conn
        channel.close()


def _message_then_close(url: str, transport):
    conn = Connection(url, transport=transport)
    queue = Queue("q", Exchange("q", type="direct"), routing_key="q")
    with conn.Producer() as producer:
        producer.publish({"page": 1}, exchange=queue.exchange, routing_key="q", declare=[queue], serializer="json")
    channel = conn.channel()
    message = queue(channel).get(no_ack=False)
    assert message is not None and message.payload == {"page": 1}
    # Celery closing the dead connection: closing its channels fails on the dead socket (Kombu swallows
    # that), the channel's pools are already dropped, and the transport's link to the connection is cleared.
    channel._disconnect_pools()
    conn._do_close_transport()
    return conn, channel, message


def test_kombus_own_transport_fails_there_unrecoverably(redis_url, torn_down):
    # The race itself, so this test notices when Kombu fixes it (then redis_broker can go).
    conn, message = torn_down(redis_url, kombu_redis.Transport)
    with pytest.raises(AttributeError):
        message.ack_log_error(logging.getLogger("test"), conn.connection_errors)


def test_docpipes_transport_turns_it_into_a_connection_error(redis_url, torn_down, caplog):
    conn, message = torn_down(redis_url, redis_broker.Transport)
    with caplog.at_level(logging.CRITICAL):
        message.ack_log_error(logging.getLogger("test"), conn.connection_errors)  # Celery's own call: must not raise
    assert "Couldn't ack" in caplog.text and "connection was closed" in caplog.text


def test_celery_uses_it_for_redis_urls():
    from kombu.transport import resolve_transport

    from settings import Settings
    from workers.celery_app import create_celery

    app = create_celery(Settings.from_env({"DOCPIPE_BROKER_URL": "redis://127.0.0.1:1/0"}))
    assert resolve_transport("redis") is redis_broker.Transport
    with app.connection_for_write() as conn:
        assert type(conn.transport) is redis_broker.Transport
