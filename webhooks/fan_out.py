"""The fan-out: each outbox event becomes one delivery per destination, its body rendered once.

Events are written by ``db.outbox`` in the transaction that causes them
(a job's end, a page's end, a batch's completion). The destinations are
the event's callback_url and the tenant's enabled endpoints subscribed to
its type. One INSERT per (event, destination) that ignores a conflict, so
running it twice or on two sweepers at once creates nothing twice.
Building event bodies is the caller's job (``render``).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import WebhookEvent, new_id
from db.session import dialect_insert
from webhooks.endpoints import active_endpoints
from webhooks.events import PAGE_COMPLETED
from webhooks.models import CALLBACK_DESTINATION, DeliveryStatus, WebhookDelivery

log = logging.getLogger(__name__)

UNDELIVERABLE = "undeliverable"  # destination of the marker row for an event that can go nowhere
Render = Callable[..., str]  # (an event's payload, include=(...)) -> the exact JSON body


def event_key(subject_id: str, event_type: str) -> str:
    """What makes an event one event: the job (or page, for page.completed) and the type."""
    return f"{subject_id}:{event_type}"


def _subject(event: WebhookEvent) -> str:
    return str(event.payload["page_id"]) if event.type == PAGE_COMPLETED else event.job_id


def _add_delivery(
    session: Session,
    *,
    tenant_id: str,
    job_id: str,
    event_type: str,
    destination: str,
    url: str,
    body: str,
    endpoint_id: str | None,
    event_id: str | None,
    now: datetime,
    key: str | None = None,
    status: str = DeliveryStatus.PENDING,
    last_error: str | None = None,
) -> str | None:
    """INSERT one delivery unless (event, destination) has one already; returns the new id or None."""
    delivery_id = new_id()
    stmt = (
        dialect_insert(session, WebhookDelivery)
        .values(
            id=delivery_id,
            webhook_id=f"msg_{delivery_id}",
            tenant_id=tenant_id,
            job_id=job_id,
            event_id=event_id,
            event_key=event_key(key or job_id, event_type),
            destination=destination,
            endpoint_id=endpoint_id,
            url=url,
            type=event_type,
            body=body,
            status=status,
            last_error=last_error,
            attempts=0,
            next_attempt_at=now if status == DeliveryStatus.PENDING else None,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
        .returning(WebhookDelivery.id)
    )
    # RETURNING, not rowcount: psycopg reports no count for a skipped ON CONFLICT insert.
    return session.execute(stmt).scalar()


def fan_out(session: Session, render: Render, limit: int = 500) -> list[str]:
    """Deliveries for outbox events not fanned out yet: the callback_url, and the tenant's subscribed endpoints.

    Each event's body is rendered once and shared by all its deliveries (once more per ``include``
    an endpoint asked for). A callback_url that is
    also one of the tenant's endpoints is signed with that endpoint's secret, and the endpoint
    gets no second copy.
    """
    events = list(
        session.scalars(
            select(WebhookEvent)
            .where(WebhookEvent.dispatched_at.is_(None))
            .order_by(WebhookEvent.created_at)
            .limit(limit)
        )
    )
    if not events:
        return []
    now = utcnow()
    # Marked in the same transaction: an event is fanned out once, even if its deliveries are
    # deleted later with their endpoint (two sweeps at once add nothing twice either).
    session.execute(
        update(WebhookEvent).where(WebhookEvent.id.in_([e.id for e in events])).values(dispatched_at=now)
    )
    endpoints = active_endpoints(session, {e.tenant_id for e in events})
    created = []
    for event in events:
        try:
            body, key = render(event.payload), _subject(event)
        except Exception:  # noqa: BLE001 - one malformed row must not hold back every other event
            log.exception("outbox event %s (%s) cannot be rendered", event.id, event.type)
            _mark_undeliverable(session, event, "invalid_event", now)
            continue
        mine = [ep for ep in endpoints if ep.tenant_id == event.tenant_id]
        same_url = next((ep for ep in mine if event.callback_url and ep.url == event.callback_url), None)
        common = dict(tenant_id=event.tenant_id, job_id=event.job_id, event_type=event.type,
                      event_id=event.id, now=now, key=key)
        bodies = {(): body}

        def body_for(ep) -> str:
            # An endpoint that asked for more (include: ["fields"]) gets its own rendering; a bare
            # callback_url stays thin: document content goes only where it was asked for.
            include = tuple(sorted(ep.include or ())) if ep is not None else ()
            if include not in bodies:
                bodies[include] = render(event.payload, include=include)
            return bodies[include]

        targets = 0
        if event.callback_url:  # a batch event may be for endpoints only
            targets += 1
            created.append(
                _add_delivery(session, destination=CALLBACK_DESTINATION, url=event.callback_url,
                              endpoint_id=same_url.id if same_url else None, body=body_for(same_url), **common)
            )
        for ep in mine:
            if ep is not same_url and event.type in ep.events:
                targets += 1
                created.append(_add_delivery(session, destination=ep.id, url=ep.url, endpoint_id=ep.id,
                                             body=body_for(ep), **common))
        if not targets:  # e.g. the only subscriber was disabled meanwhile
            _mark_undeliverable(session, event, "no_destination", now)
    return [d for d in created if d]


def _mark_undeliverable(session: Session, event: WebhookEvent, reason: str, now: datetime) -> None:
    """A failed delivery row for an outbox event that cannot go anywhere, listed with its reason."""
    _add_delivery(session, tenant_id=event.tenant_id, job_id=event.job_id, event_type=event.type,
                  destination=UNDELIVERABLE, url=event.callback_url or "", body="", endpoint_id=None,
                  event_id=event.id, now=now, key=event.id, status=DeliveryStatus.FAILED, last_error=reason)
