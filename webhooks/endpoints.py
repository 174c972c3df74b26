"""A tenant's webhook endpoints: registration, secret rotation, disabling after a 410.

Functions take an open ``Session``; the caller's ``Database.session()``
block is the transaction.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import new_id
from webhooks.models import (
    CALLBACK_DESTINATION,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

ROTATION_OVERLAP = timedelta(hours=24)


def create_endpoint(
    session: Session, tenant_id: str, *, url: str, events: list[str], secret: str, description: str | None = None,
    include: list[str] | None = None,
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        id=new_id(), tenant_id=tenant_id, url=url, events=sorted(set(events)), secret=secret, description=description,
        include=sorted(set(include)) if include else None
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(session: Session, tenant_id: str) -> list[WebhookEndpoint]:
    return list(
        session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.tenant_id == tenant_id)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
    )


def get_endpoint(session: Session, tenant_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    """The endpoint if it belongs to the tenant (another tenant's is simply not found)."""
    return session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.tenant_id == tenant_id)
    )


def delete_endpoint(session: Session, tenant_id: str, endpoint_id: str) -> bool:
    """Delete the endpoint and, with it, its deliveries and their attempts.

    A job's own callback_url that matched the endpoint keeps its delivery
    (the job asked for it; it is now signed like any callback): deleting it
    would make the outbox fan-out create and send it again.
    """
    endpoint = get_endpoint(session, tenant_id, endpoint_id)
    if endpoint is None:
        return False
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.destination == CALLBACK_DESTINATION)
        .values(endpoint_id=None)
    )
    ids = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint_id)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id))
    session.delete(endpoint)
    return True


def rotate_secret(
    session: Session, tenant_id: str, endpoint_id: str, new_secret: str, *, overlap: timedelta = ROTATION_OVERLAP
) -> WebhookEndpoint | None:
    """The new secret signs from now on; the current one keeps signing too until ``overlap`` has passed."""
    endpoint = get_endpoint(session, tenant_id, endpoint_id)
    if endpoint is None:
        return None
    now = utcnow()
    endpoint.previous_secret, endpoint.previous_secret_expires_at = endpoint.secret, now + overlap
    endpoint.secret, endpoint.updated_at = new_secret, now
    session.flush()
    return endpoint


def signing_secrets(endpoint: WebhookEndpoint, now: datetime | None = None) -> list[str]:
    """The secrets that sign a message for this endpoint now: new first, then the old one while it overlaps."""
    now = now or utcnow()
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        secrets.append(endpoint.previous_secret)
    return secrets


def disable_endpoint(session: Session, endpoint_id: str, reason: str) -> bool:
    """Stop calling an endpoint (410 Gone): it and its waiting deliveries are disabled."""
    now = utcnow()
    won = session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.disabled_at.is_(None))
        .values(disabled_at=now, disabled_reason=reason, updated_at=now)
    )
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.DISABLED, next_attempt_at=None, updated_at=now)
    )
    return won.rowcount == 1


def active_endpoints(session: Session, tenant_ids: Iterable[str] | None = None) -> list[WebhookEndpoint]:
    q = select(WebhookEndpoint).where(WebhookEndpoint.disabled_at.is_(None))
    if tenant_ids is not None:
        q = q.where(WebhookEndpoint.tenant_id.in_(list(tenant_ids)))
    return list(session.scalars(q.order_by(WebhookEndpoint.created_at)))


def is_registered(session: Session, tenant_id: str, url: str) -> bool:
    """Whether ``url`` is one of the tenant's enabled endpoints (its secret can sign a callback to it)."""
    found = session.scalar(
        select(WebhookEndpoint.id)
        .where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.url == url)
        .where(WebhookEndpoint.disabled_at.is_(None))
        .limit(1)
    )
    return found is not None
