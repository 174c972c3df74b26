"""The webhook outbox: events are written here, in the transaction that causes them, and nowhere else.

Every terminal job transition and every page that ends (``page.completed``)
calls in here; so does a batch's completion. An event is written when
someone would receive it: the job's (or batch's) callback_url, or an
enabled endpoint of the tenant subscribed to its type. The webhooks
package fans each event out to those destinations later and renders its
body once. The payloads are plain summaries; the body's allow-list
(``webhooks.events``) decides what a receiver sees.

``db`` imports nothing from ``webhooks``, so the endpoints table is named
here by the three columns the subscription check reads.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import JSON, column, exists, select, table
from sqlalchemy.orm import Session

from db.clock import isoformat
from db.models import Job, Page, PageResult, WebhookEvent
from db.states import PageStatus

PAGE_COMPLETED = "page.completed"
ENDED = (PageStatus.SUCCEEDED, PageStatus.FAILED)  # the page states that complete a page (canceled does not)

_endpoints = table("webhook_endpoints", column("tenant_id"), column("events", JSON), column("disabled_at"))


def subscribed(session: Session, tenant_id: str, event_type: str) -> bool:
    """Whether an enabled endpoint of the tenant subscribes to ``event_type``."""
    return tenant_id in _subscribed_tenants(session, event_type, [tenant_id])


def _subscribed_tenants(session: Session, event_type: str, tenant_ids) -> set[str]:
    """Of ``tenant_ids`` (a list or a subquery), those with an enabled endpoint subscribed to ``event_type``."""
    rows = session.execute(
        select(_endpoints.c.tenant_id, _endpoints.c.events).where(
            _endpoints.c.tenant_id.in_(tenant_ids), _endpoints.c.disabled_at.is_(None)
        )
    )
    return {tenant for tenant, events in rows if event_type in (events or ())}


def any_endpoint(tenant_id):
    """SQL: whether the tenant (a column or an expression) has an enabled endpoint at all; a cheap first test
    that a caller can fold into a statement it sends anyway, before ``append_page_events``."""
    return exists().where(_endpoints.c.tenant_id == tenant_id, _endpoints.c.disabled_at.is_(None))


def wanted(session: Session, tenant_id: str, event_type: str, callback_url: str | None) -> bool:
    """Whether an event would reach anyone: a callback_url, or a subscribed endpoint."""
    return bool(callback_url) or subscribed(session, tenant_id, event_type)


def append(
    session: Session, *, tenant_id: str, job_id: str, event_type: str, callback_url: str | None, payload: dict
) -> None:
    """Write one event; callers ask ``wanted`` first (a row nobody receives would be scanned for nothing)."""
    session.add(
        WebhookEvent(job_id=job_id, tenant_id=tenant_id, type=event_type, callback_url=callback_url, payload=payload)
    )


def append_page_events(session: Session, page_ids: Iterable[str]) -> int:
    """``page.completed`` for pages that have just ended, for tenants whose endpoints ask for it; returns how many.

    Pages that are not ``succeeded`` or ``failed`` are skipped, so callers may
    pass every page they touched. One query answers the common case (nobody
    subscribed) whatever the number of pages.
    """
    page_ids = list(page_ids)
    if not page_ids:
        return 0
    of_pages = select(Job.tenant_id).join(Page, Page.job_id == Job.id).where(Page.id.in_(page_ids))
    tenants = _subscribed_tenants(session, PAGE_COMPLETED, of_pages)
    if not tenants:
        return 0
    rows = session.execute(
        # Columns, not Page objects: the UPDATE that just ended a page bypassed the identity map.
        select(Page.id, Page.job_id, Page.document_id, Page.page_no, Page.status, Page.error_code, Page.error_message,
               Page.finished_at, Job.tenant_id, Job.external_ref, PageResult.source, PageResult.confidence)
        .join(Job, Job.id == Page.job_id)
        .outerjoin(PageResult, PageResult.page_id == Page.id)
        .where(Page.id.in_(page_ids), Page.status.in_(ENDED), Job.tenant_id.in_(tenants))
        .order_by(Page.position)
    ).all()
    for page in rows:
        append(
            session, tenant_id=page.tenant_id, job_id=page.job_id, event_type=PAGE_COMPLETED, callback_url=None,
            payload={
                "type": PAGE_COMPLETED,
                "page_id": page.id,  # with the type, what makes the event one event
                "job_id": page.job_id,
                "external_ref": page.external_ref,
                "document": page.document_id,
                "page_no": page.page_no,
                "status": page.status,
                "source": page.source,
                "confidence": None if page.confidence is None else float(page.confidence),
                "error": {"code": page.error_code, "message": page.error_message} if page.error_code else None,
                "finished_at": isoformat(page.finished_at),
            },
        )
    return len(rows)
