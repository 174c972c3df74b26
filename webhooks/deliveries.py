"""Every state change of a webhook delivery, each one guarded so retries and races are harmless.

A delivery is sent only by the holder of a claim: a conditional UPDATE that
moves it to ``delivering`` with a lease and counts the attempt. The result
is recorded only if the claim still holds (same attempt number, still
``delivering``). A worker that dies mid-send leaves a lease that expires;
the next claim logs the lost attempt and sends again with the same
``webhook_id``.

Functions take an open ``Session``; the caller's ``Database.session()``
block is the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from db.clock import utcnow
from webhooks.endpoints import disable_endpoint, get_endpoint, signing_secrets
from webhooks.errors import DeliveryBusy, EndpointDisabled
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class ClaimedDelivery:
    delivery_id: str
    webhook_id: str
    url: str
    body: str
    attempt_no: int  # 1-based, within the current round
    endpoint_id: str | None
    secrets: tuple[str, ...]  # the endpoint's; empty for a callback_url that is no endpoint


def _due(now: datetime):
    return or_(
        and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now),
        and_(WebhookDelivery.status == DeliveryStatus.DELIVERING, WebhookDelivery.lease_until < now),
    )


def claim_delivery(
    session: Session, delivery_id: str, *, lease_seconds: float, max_attempts: int, now: datetime | None = None
) -> ClaimedDelivery | None:
    """Take a due delivery (or one whose holder's lease expired) for one attempt; None if not ours to send.

    The UPDATE is a compare-and-set on (status, attempts): of two workers
    given the same message, one wins and the other acks and exits.
    """
    now = now or utcnow()
    row = session.execute(
        select(WebhookDelivery.status, WebhookDelivery.attempts, WebhookDelivery.endpoint_id).where(
            WebhookDelivery.id == delivery_id, _due(now)
        )
    ).first()
    if row is None:
        return None
    prior_status, prior_attempts, endpoint_id = row
    endpoint = session.get(WebhookEndpoint, endpoint_id) if endpoint_id else None
    guard = and_(
        WebhookDelivery.id == delivery_id, WebhookDelivery.status == prior_status,
        WebhookDelivery.attempts == prior_attempts, _due(now),
    )
    if endpoint is not None and endpoint.disabled_at is not None:
        session.execute(update(WebhookDelivery).where(guard).values(status=DeliveryStatus.DISABLED, updated_at=now))
        return None
    lost = prior_status == DeliveryStatus.DELIVERING
    if lost and prior_attempts >= max_attempts:
        # The last attempt's worker died: log it and give up like any last failed attempt.
        if session.execute(update(WebhookDelivery).where(guard).values(
            status=DeliveryStatus.FAILED, lease_until=None, last_status_code=None, last_error="worker_lost",
            updated_at=now,
        )).rowcount == 1:
            _log_lost_attempt(session, delivery_id, prior_attempts, now)
        return None
    won = session.execute(
        update(WebhookDelivery)
        .where(guard)
        .values(
            status=DeliveryStatus.DELIVERING,
            attempts=prior_attempts + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
            updated_at=now,
        )
    )
    if won.rowcount != 1:
        return None
    if lost:
        _log_lost_attempt(session, delivery_id, prior_attempts, now)
    delivery = session.get(WebhookDelivery, delivery_id)
    session.refresh(delivery)
    return ClaimedDelivery(
        delivery_id=delivery.id,
        webhook_id=delivery.webhook_id,
        url=delivery.url,
        body=delivery.body,
        attempt_no=delivery.attempts,
        endpoint_id=delivery.endpoint_id,
        secrets=tuple(signing_secrets(endpoint, now)) if endpoint is not None else (),
    )


def _log_lost_attempt(session: Session, delivery_id: str, attempt_no: int, now: datetime) -> None:
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id, attempt_no=attempt_no, attempted_at=now, error="worker_lost",
            message="the worker stopped before the answer was recorded; sent again with the same webhook-id",
            next_attempt_at=now,
        )
    )


ENDED_UNDELIVERED = (DeliveryStatus.FAILED, DeliveryStatus.DISABLED)  # what a replay sends again

# What record_attempt does with a delivery, by the retry policy's outcome.
OUTCOME_STATUS = {
    "delivered": DeliveryStatus.DELIVERED,
    "retry": DeliveryStatus.PENDING,
    "give_up": DeliveryStatus.FAILED,
    "disable_endpoint": DeliveryStatus.DISABLED,
}


def record_attempt(
    session: Session,
    claim: ClaimedDelivery,
    *,
    outcome: str,
    status_code: int | None,
    latency_ms: int | None,
    error: str | None,
    message: str | None = None,
    delay: float | None = None,
    now: datetime | None = None,
) -> str | None:
    """Store one attempt and move the delivery on; returns its new status, or None if the claim was lost.

    ``outcome`` is a ``webhooks.retry.Outcome`` value; ``delay`` the
    seconds until the next attempt when it is ``retry``.
    """
    now = now or utcnow()
    status = OUTCOME_STATUS[outcome]
    next_at = now + timedelta(seconds=delay or 0) if status == DeliveryStatus.PENDING else None
    won = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == claim.delivery_id,
            WebhookDelivery.status == DeliveryStatus.DELIVERING,
            WebhookDelivery.attempts == claim.attempt_no,
        )
        .values(
            status=status,
            next_attempt_at=next_at,
            lease_until=None,
            last_status_code=status_code,
            last_error=error,
            delivered_at=now if status == DeliveryStatus.DELIVERED else None,
            updated_at=now,
        )
    )
    if won.rowcount != 1:
        return None
    session.add(
        WebhookAttempt(
            delivery_id=claim.delivery_id, attempt_no=claim.attempt_no, attempted_at=now, status_code=status_code,
            latency_ms=latency_ms, error=error, message=message, next_attempt_at=next_at,
        )
    )
    if status == DeliveryStatus.DISABLED and claim.endpoint_id:
        disable_endpoint(session, claim.endpoint_id, "gone_410")
    return status


def due_deliveries(session: Session, *, grace_seconds: float, limit: int = 1000) -> list[str]:
    """Deliveries the sweeper must enqueue: due for ``grace_seconds`` already (their message is lost),
    or their lease expired."""
    now = utcnow()
    late = now - timedelta(seconds=grace_seconds)
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(
                or_(
                    and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= late),
                    and_(WebhookDelivery.status == DeliveryStatus.DELIVERING, WebhookDelivery.lease_until < now),
                )
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- redelivery and the log


def get_delivery(session: Session, tenant_id: str, delivery_id: str) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.tenant_id == tenant_id)
    )


def redeliver(session: Session, tenant_id: str, delivery_id: str) -> WebhookDelivery | None:
    """Send a delivery again now, with a fresh retry schedule and the same webhook-id; None if not the tenant's."""
    delivery = get_delivery(session, tenant_id, delivery_id)
    if delivery is None:
        return None
    now = utcnow()
    if delivery.status == DeliveryStatus.DELIVERING and delivery.lease_until and delivery.lease_until >= now:
        raise DeliveryBusy("a worker is sending this delivery right now; try again when it has finished")
    if delivery.endpoint_id:
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is not None and endpoint.disabled_at is not None:
            raise EndpointDisabled("the endpoint is disabled; replay it to enable it and resend its failed deliveries")
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.status == delivery.status)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
    )
    session.refresh(delivery)
    return delivery


def replay_failed(session: Session, tenant_id: str, endpoint_id: str, since: datetime) -> list[str] | None:
    """Enable the endpoint again and resend every delivery of it that failed (or was disabled) since ``since``.

    None if the endpoint is not the tenant's. Replaying is what an operator
    does once the receiver is fixed, so it also lifts a 410's disabling.
    """
    endpoint = get_endpoint(session, tenant_id, endpoint_id)
    if endpoint is None:
        return None
    now = utcnow()
    endpoint.disabled_at, endpoint.disabled_reason, endpoint.updated_at = None, None, now
    ids = list(
        session.scalars(
            select(WebhookDelivery.id).where(
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.status.in_(ENDED_UNDELIVERED),
                WebhookDelivery.created_at >= since,
            )
        )
    )
    if ids:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids), WebhookDelivery.status.in_(ENDED_UNDELIVERED))
            .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
        )
    return ids


def job_deliveries(session: Session, tenant_id: str, job_id: str) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
    """A job's deliveries (oldest first), each with its attempts in order."""
    deliveries = list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.tenant_id == tenant_id, WebhookDelivery.job_id == job_id)
            .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        )
    )
    attempts: dict[str, list[WebhookAttempt]] = {d.id: [] for d in deliveries}
    if deliveries:
        for a in session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.attempted_at, WebhookAttempt.attempt_no)
        ):
            attempts[a.delivery_id].append(a)
    return [(d, attempts[d.id]) for d in deliveries]
