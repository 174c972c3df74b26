"""The embedded default's broker: Kombu's SQLAlchemy transport, polled every 0.1 s instead of 1 s.

A database broker is polled. At Kombu's default of once a second every hop of
a job (submit → split → page) could wait up to a second: a 100-file bulk run
on the embedded default took 87 s, against 24 s on Redis. Kombu reads
``polling_interval`` from the transport options, but its SQLAlchemy transport
hands those options to ``create_engine`` as well, which refuses the unknown
key, so the interval is set on a subclass instead and the ``sqla+`` URLs
(``DOCPIPE_BROKER_URL``) are pointed at it. Measured (bench.cpu_roles and
bench.bulk_throughput --backend sqlite_sqla, 100 files): 1 s → 87.4 s, 0.2 s →
30.0 s, 0.1 s → 23.7 s (Redis: about 22 s); idle, the polling costs a worker
about 4 % of one core at 0.1 s (2 % at 0.2 s).
"""
from __future__ import annotations

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SqlAlchemyTransport

POLLING_INTERVAL_S = 0.1


class Transport(SqlAlchemyTransport):
    polling_interval = POLLING_INTERVAL_S


def install() -> None:
    """Make ``sqla+…`` broker URLs use this transport (in this process)."""
    TRANSPORT_ALIASES["sqla"] = f"{__name__}:Transport"
