"""Every state change of a webhook delivery, each one guarded so retries and races are harmless.

The rules: the fan-out turns ended jobs into deliveries with one INSERT per
(event, destination) that ignores a conflict, so running it twice or on
two sweepers at once creates nothing twice. A delivery is sent only by the
holder of a claim: a conditional UPDATE that moves it to ``delivering``
with a lease and counts the attempt. The result is recorded only if the
claim still holds (same attempt number, still ``delivering``). A worker
that dies mid-send leaves a lease that expires; the next claim logs the
lost attempt and sends again with the same ``webhook_id``.

Functions take an open ``Session``; the caller's ``Database.session()``
block is the transaction. Building event bodies is the caller's job
(``render``), so ``db`` imports nothing from ``workers``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from db.finalize import mean_confidence, page_counts
from db.session import dialect_insert
from db.clock import isoformat, utcnow
from db.models import JOB_TERMINAL, PAGE_FAILED, PAGE_SUCCEEDED, Job, Page, PageResult, WebhookEvent, new_id
from db.webhook_models import (
    CALLBACK_DESTINATION,
    DELIVERY_DELIVERED,
    DELIVERY_DELIVERING,
    DELIVERY_DISABLED,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

log = logging.getLogger(__name__)

ROTATION_OVERLAP = timedelta(hours=24)
FAN_OUT_LOOKBACK = timedelta(days=3)  # endpoints are told about jobs that ended this recently

UNDELIVERABLE = "undeliverable"  # destination of the marker row for an event that can go nowhere
Render = Callable[[dict], str]  # job or page summary -> the exact JSON body
PAGE_COMPLETED = "page.completed"


class WebhookRepositoryError(Exception):
    code = "webhook_repository_error"


class DeliveryBusy(WebhookRepositoryError):
    """A worker holds the delivery right now; redelivering would send it twice at once."""

    code = "delivery_in_progress"


class EndpointDisabled(WebhookRepositoryError):
    code = "endpoint_disabled"




def event_key(subject_id: str, event_type: str) -> str:
    """What makes an event one event: the job (or page, for page.completed) and the type."""
    return f"{subject_id}:{event_type}"


# ---------------------------------------------------------------- endpoints


def create_endpoint(
    session: Session, tenant_id: str, *, url: str, events: list[str], secret: str, description: str | None = None
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        id=new_id(), tenant_id=tenant_id, url=url, events=sorted(set(events)), secret=secret, description=description
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
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DELIVERY_PENDING)
        .values(status=DELIVERY_DISABLED, next_attempt_at=None, updated_at=now)
    )
    return won.rowcount == 1


# ---------------------------------------------------------------- fan-out


def _job_summaries(session: Session, jobs: list[Job]) -> dict[str, dict]:
    """The outbox's payload shape, for jobs that ended without an outbox row (no callback_url)."""
    ids = [j.id for j in jobs]
    counts = page_counts(session, ids)
    confidence = mean_confidence(session, ids)
    return {
        j.id: {
            "id": j.id,
            "status": j.status,
            "external_ref": j.external_ref,
            "progress": {
                "pages_total": j.pages_total,
                "pages_done": counts[j.id].get(PAGE_SUCCEEDED, 0),
                "pages_failed": counts[j.id].get(PAGE_FAILED, 0),
            },
            "confidence": confidence[j.id],
            "finished_at": isoformat(j.finished_at),
        }
        for j in jobs
    }


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
    status: str = DELIVERY_PENDING,
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
            next_attempt_at=now if status == DELIVERY_PENDING else None,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
        .returning(WebhookDelivery.id)
    )
    # RETURNING, not rowcount: psycopg reports no count for a skipped ON CONFLICT insert.
    return session.execute(stmt).scalar()


def _active_endpoints(session: Session, tenant_ids: Iterable[str] | None = None) -> list[WebhookEndpoint]:
    q = select(WebhookEndpoint).where(WebhookEndpoint.disabled_at.is_(None))
    if tenant_ids is not None:
        q = q.where(WebhookEndpoint.tenant_id.in_(list(tenant_ids)))
    return list(session.scalars(q.order_by(WebhookEndpoint.created_at)))


def fan_out_outbox(session: Session, render: Render, limit: int = 500) -> list[str]:
    """Deliveries for outbox events not fanned out yet: the job's callback_url, and the tenant's endpoints.

    A callback_url that is also one of the tenant's endpoints is signed with
    that endpoint's secret, and the endpoint gets no second copy.
    """
    events = list(
        session.scalars(
            select(WebhookEvent)
            .where(~exists().where(WebhookDelivery.event_id == WebhookEvent.id))
            .order_by(WebhookEvent.created_at)
            .limit(limit)
        )
    )
    if not events:
        return []
    endpoints = _active_endpoints(session, {e.tenant_id for e in events})
    now, created = utcnow(), []
    for event in events:
        try:
            body = render(event.payload)
        except Exception:  # noqa: BLE001 - one malformed row must not hold back every other event
            log.exception("outbox event %s (%s) cannot be rendered", event.id, event.type)
            _mark_undeliverable(session, event, "invalid_event", now)
            continue
        mine = [ep for ep in endpoints if ep.tenant_id == event.tenant_id]
        same_url = next((ep for ep in mine if event.callback_url and ep.url == event.callback_url), None)
        common = dict(tenant_id=event.tenant_id, job_id=event.job_id, event_type=event.type, body=body,
                      event_id=event.id, now=now)
        targets = 0
        if event.callback_url:  # a batch event may be for endpoints only
            targets += 1
            created.append(
                _add_delivery(session, destination=CALLBACK_DESTINATION, url=event.callback_url,
                              endpoint_id=same_url.id if same_url else None, **common)
            )
        for ep in mine:
            if ep is not same_url and event.type in ep.events:
                targets += 1
                created.append(_add_delivery(session, destination=ep.id, url=ep.url, endpoint_id=ep.id, **common))
        if not targets:  # e.g. the only subscriber was disabled meanwhile
            _mark_undeliverable(session, event, "no_destination", now)
    return [d for d in created if d]


def _mark_undeliverable(session: Session, event: WebhookEvent, reason: str, now: datetime) -> None:
    """A failed delivery row for an outbox event that cannot go anywhere: listed with its reason,
    and no longer picked up by every later sweep (the fan-out looks for events without deliveries)."""
    _add_delivery(session, tenant_id=event.tenant_id, job_id=event.job_id, event_type=event.type,
                  destination=UNDELIVERABLE, url=event.callback_url or "", body="", endpoint_id=None,
                  event_id=event.id, now=now, key=event.id, status=DELIVERY_FAILED, last_error=reason)


def fan_out_jobs(session: Session, render: Render, *, lookback: timedelta = FAN_OUT_LOOKBACK, limit: int = 500) -> list[str]:
    """Deliveries to endpoints for jobs that ended without an outbox row (submitted without callback_url).

    The jobs table is the record here: every ended job of a tenant with an
    endpoint is found again until its delivery exists. (A job deleted before
    this runs is gone with its rows; jobs with a callback_url go through the
    outbox, which outlives them.)
    """
    now, created = utcnow(), []
    for ep in _active_endpoints(session):
        event_types = {f"job.{status}": status for status in JOB_TERMINAL}
        wanted = [status for t, status in event_types.items() if t in ep.events]
        if not wanted:
            continue
        since = max(ep.created_at, now - lookback)
        already = exists().where(
            WebhookDelivery.destination == ep.id,
            WebhookDelivery.event_key == Job.id + ":job." + Job.status,
        )
        jobs = list(
            session.scalars(
                select(Job)
                .where(
                    Job.tenant_id == ep.tenant_id,
                    Job.status.in_(wanted),
                    Job.updated_at >= since,  # updated_at >= finished_at, and it is indexed per tenant
                    Job.finished_at >= since,
                    or_(Job.callback_url.is_(None), Job.callback_url == ""),
                    ~already,
                )
                .order_by(Job.finished_at)
                .limit(limit)
            )
        )
        summaries = _job_summaries(session, jobs)
        for job in jobs:
            created.append(
                _add_delivery(
                    session, tenant_id=job.tenant_id, job_id=job.id, event_type=f"job.{job.status}",
                    destination=ep.id, url=ep.url, body=render(summaries[job.id]), endpoint_id=ep.id,
                    event_id=None, now=now,
                )
            )
    return [d for d in created if d]


def fan_out_pages(session: Session, render: Render, *, lookback: timedelta = FAN_OUT_LOOKBACK, limit: int = 1000) -> list[str]:
    """``page.completed`` deliveries to endpoints subscribed to it, one per page that succeeded or failed."""
    now, created = utcnow(), []
    for ep in _active_endpoints(session):
        if PAGE_COMPLETED not in ep.events:
            continue
        since = max(ep.created_at, now - lookback)
        already = exists().where(
            WebhookDelivery.destination == ep.id, WebhookDelivery.event_key == Page.id + ":" + PAGE_COMPLETED
        )
        rows = session.execute(
            select(Page, Job.external_ref, PageResult.source, PageResult.confidence)
            .join(Job, Job.id == Page.job_id)
            .outerjoin(PageResult, PageResult.page_id == Page.id)
            .where(
                Job.tenant_id == ep.tenant_id,
                Job.updated_at >= since,  # storing a page bumps its job's updated_at (indexed per tenant)
                Page.status.in_((PAGE_SUCCEEDED, PAGE_FAILED)),
                Page.finished_at >= since,
                ~already,
            )
            .order_by(Page.finished_at)
            .limit(limit)
        ).all()
        for page, external_ref, source, confidence in rows:
            summary = {
                "job_id": page.job_id,
                "external_ref": external_ref,
                "document": page.document_id,
                "page_no": page.page_no,
                "status": page.status,
                "source": source,
                "confidence": confidence,
                "error": {"code": page.error_code, "message": page.error_message} if page.error_code else None,
                "finished_at": isoformat(page.finished_at),
            }
            created.append(
                _add_delivery(
                    session, tenant_id=ep.tenant_id, job_id=page.job_id, event_type=PAGE_COMPLETED, destination=ep.id,
                    url=ep.url, body=render(summary), endpoint_id=ep.id, event_id=None, now=now, key=page.id,
                )
            )
    return [d for d in created if d]


# ---------------------------------------------------------------- claiming and recording


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
        and_(WebhookDelivery.status == DELIVERY_PENDING, WebhookDelivery.next_attempt_at <= now),
        and_(WebhookDelivery.status == DELIVERY_DELIVERING, WebhookDelivery.lease_until < now),
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
        session.execute(update(WebhookDelivery).where(guard).values(status=DELIVERY_DISABLED, updated_at=now))
        return None
    lost = prior_status == DELIVERY_DELIVERING
    if lost and prior_attempts >= max_attempts:
        # The last attempt's worker died: log it and give up like any last failed attempt.
        if session.execute(update(WebhookDelivery).where(guard).values(
            status=DELIVERY_FAILED, lease_until=None, last_status_code=None, last_error="worker_lost", updated_at=now
        )).rowcount == 1:
            _log_lost_attempt(session, delivery_id, prior_attempts, now)
        return None
    won = session.execute(
        update(WebhookDelivery)
        .where(guard)
        .values(
            status=DELIVERY_DELIVERING,
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


# What record_attempt does with a delivery, by the retry policy's outcome.
OUTCOME_STATUS = {
    "delivered": DELIVERY_DELIVERED,
    "retry": DELIVERY_PENDING,
    "give_up": DELIVERY_FAILED,
    "disable_endpoint": DELIVERY_DISABLED,
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

    ``outcome`` is a ``workers.webhook_retry.Outcome`` value; ``delay`` the
    seconds until the next attempt when it is ``retry``.
    """
    now = now or utcnow()
    status = OUTCOME_STATUS[outcome]
    next_at = now + timedelta(seconds=delay or 0) if status == DELIVERY_PENDING else None
    won = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == claim.delivery_id,
            WebhookDelivery.status == DELIVERY_DELIVERING,
            WebhookDelivery.attempts == claim.attempt_no,
        )
        .values(
            status=status,
            next_attempt_at=next_at,
            lease_until=None,
            last_status_code=status_code,
            last_error=error,
            delivered_at=now if status == DELIVERY_DELIVERED else None,
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
    if status == DELIVERY_DISABLED and claim.endpoint_id:
        disable_endpoint(session, claim.endpoint_id, "gone_410")
    return status


def due_deliveries(session: Session, *, grace_seconds: float, limit: int = 1000) -> list[str]:
    """Deliveries the sweeper must enqueue: due for ``grace_seconds`` already (their message is lost), or lease expired."""
    now = utcnow()
    late = now - timedelta(seconds=grace_seconds)
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(
                or_(
                    and_(WebhookDelivery.status == DELIVERY_PENDING, WebhookDelivery.next_attempt_at <= late),
                    and_(WebhookDelivery.status == DELIVERY_DELIVERING, WebhookDelivery.lease_until < now),
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
    if delivery.status == DELIVERY_DELIVERING and delivery.lease_until and delivery.lease_until >= now:
        raise DeliveryBusy("a worker is sending this delivery right now; try again when it has finished")
    if delivery.endpoint_id:
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is not None and endpoint.disabled_at is not None:
            raise EndpointDisabled("the endpoint is disabled; replay it to enable it and resend its failed deliveries")
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.status == delivery.status)
        .values(status=DELIVERY_PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
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
                WebhookDelivery.status.in_((DELIVERY_FAILED, DELIVERY_DISABLED)),
                WebhookDelivery.created_at >= since,
            )
        )
    )
    if ids:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids), WebhookDelivery.status.in_((DELIVERY_FAILED, DELIVERY_DISABLED)))
            .values(status=DELIVERY_PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now)
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
