"""The embedded default's broker: Kombu's SQLAlchemy transport, polled every 0.1 s instead of 1 s.

A database broker is polled. At Kombu's default of once a second every hop of
a job (submit → split → page) could wait up to a second, which made bulk runs on
the embedded default several times slower than on Redis (bench/BULK_RESULTS.md
has the intervals measured). Kombu reads ``polling_interval`` from the transport
options, but its SQLAlchemy transport hands those options to ``create_engine``
as well, which refuses the unknown key, so the interval is set on a subclass
instead and the ``sqla+`` URLs (``DOCPIPE_BROKER_URL``) are pointed at it.
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
