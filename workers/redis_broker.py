"""The Redis broker: Kombu's Redis transport, with one race closed.

When Redis goes away, Celery closes the broker connection and Kombu clears the
transport's link to it. A task finishing in that moment is still acknowledged
on its old channel, which then tries to build a new connection pool from the
cleared link and fails with ``AttributeError`` (celery/kombu#582, #659 describe
the same race). Celery does not count that as a connection error, calls it
unrecoverable and the worker process exits: work stalls until something
restarts it. Here the same moment raises Redis's own ``ConnectionError``, which
Celery does handle: the acknowledgement is logged as failed, the consumer
reconnects, and the sweeper offers the page again from the database.
"""
from __future__ import annotations

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection was closed while this channel was in use")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Make ``redis://`` and ``rediss://`` broker URLs use this transport (in this process)."""
    TRANSPORT_ALIASES["redis"] = TRANSPORT_ALIASES["rediss"] = f"{__name__}:Transport"
