"""The fan-out: each outbox event becomes one delivery per destination, its body rendered once.

One INSERT per (event, destination) that ignores a conflict, so running it
twice or on two sweepers at once creates nothing twice. Building event
bodies is the caller's job (``render``).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from db.finalize import mean_confidence, page_counts
from db.clock import isoformat, utcnow
from db.models import JOB_TERMINAL, PAGE_FAILED, PAGE_SUCCEEDED, Job, Page, PageResult, WebhookEvent, new_id
from db.session import dialect_insert
from webhooks.endpoints import active_endpoints
from webhooks.models import CALLBACK_DESTINATION, DELIVERY_FAILED, DELIVERY_PENDING, WebhookDelivery

log = logging.getLogger(__name__)

FAN_OUT_LOOKBACK = timedelta(days=3)  # endpoints are told about jobs that ended this recently
UNDELIVERABLE = "undeliverable"  # destination of the marker row for an event that can go nowhere
Render = Callable[[dict], str]  # job or page summary -> the exact JSON body
PAGE_COMPLETED = "page.completed"


def event_key(subject_id: str, event_type: str) -> str:
    """What makes an event one event: the job (or page, for page.completed) and the type."""
    return f"{subject_id}:{event_type}"


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


def fan_out(session: Session, render: Render, limit: int = 500) -> list[str]:
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
    endpoints = active_endpoints(session, {e.tenant_id for e in events})
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
    for ep in active_endpoints(session):
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
    for ep in active_endpoints(session):
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
