"""The webhook outbox: events are written here, in the transaction that causes them, and nowhere else.

An event is written when someone would receive it: the job's (or batch's)
callback_url, or an enabled endpoint of the tenant subscribed to its type.
The webhooks package fans each event out to those destinations later.
``db`` imports nothing from ``webhooks``, so the endpoints table is named
here by the three columns this check reads.
"""
from __future__ import annotations

from sqlalchemy import JSON, column, select, table
from sqlalchemy.orm import Session

_endpoints = table("webhook_endpoints", column("tenant_id"), column("events", JSON), column("disabled_at"))


def subscribed(session: Session, tenant_id: str, event_type: str) -> bool:
    """Whether an enabled endpoint of the tenant subscribes to ``event_type``."""
    rows = session.scalars(
        select(_endpoints.c.events).where(_endpoints.c.tenant_id == tenant_id, _endpoints.c.disabled_at.is_(None))
    )
    return any(event_type in (events or ()) for events in rows)
