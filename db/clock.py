"""One clock for every ``*_at`` column: naive UTC (both SQLite and PostgreSQL store it as is)."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with an explicit UTC offset, for the API."""
    return None if value is None else value.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
