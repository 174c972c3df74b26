"""Webhook tables: endpoints a tenant registers, deliveries of events to them, and every attempt.

A delivery is one event for one destination (a registered endpoint, or the
``callback_url`` given on a job). Its ``webhook_id`` is the Standard
Webhooks ``webhook-id``: fixed when the delivery is created, so retries,
resends after a crash and redeliveries all carry the same id and the
receiver can deduplicate. Deliveries and attempts keep ``job_id`` without a
foreign key, like the outbox: the log must outlive a purged job.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.clock import utcnow
from db.models import Base, new_id


class DeliveryStatus(StrEnum):
    """A delivery's ``status``: waiting for its next attempt, being sent under a lease, or ended."""

    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"
    DISABLED = "disabled"  # its endpoint answered 410 Gone


# ``destination`` of a delivery to a job's own callback_url (else the endpoint id).
CALLBACK_DESTINATION = "callback"


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON)  # event types subscribed to
    # What job events carry beyond the thin body, on request: "fields" (invoice fields; migration 0008).
    include: Mapped[list | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    # During a rotation the old secret signs too, until it expires (receivers switch at their pace).
    previous_secret: Mapped[str | None] = mapped_column(String(200))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # One delivery per event and destination, however often the fan-out runs.
        UniqueConstraint("event_key", "destination", name="uq_webhook_deliveries_event_destination"),
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_tenant_job", "tenant_id", "job_id"),
        Index("ix_webhook_deliveries_endpoint_status", "endpoint_id", "status", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    webhook_id: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    job_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(String(32), index=True)  # the outbox row, when there was one
    event_key: Mapped[str] = mapped_column(String(100))  # "<job id>:<type>"
    destination: Mapped[str] = mapped_column(String(32))  # endpoint id or CALLBACK_DESTINATION
    endpoint_id: Mapped[str | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    type: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON sent on every attempt
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # in the current round (a redelivery starts a new one)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempt_no: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
