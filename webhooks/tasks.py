"""The webhook worker: deliveries go out on their own ``webhooks`` queue.

A slow or dead ERP endpoint holds only webhook workers, never OCR. Each
``deliver_webhook`` message makes at most one attempt: claim the delivery
(a lease in the database), send it once (``transport``), record
the attempt and let the retry policy say what next. Short waits are
published with a countdown; long ones (hours, on the default schedule) are
left to the sweeper, because a message held that long by a worker outlives
Redis's visibility timeout and would come back twice.

At least once: a worker killed mid-send leaves its lease; once the lease
expires the sweeper publishes the delivery again and the next claim logs
the lost attempt (``worker_lost``) and sends the same body with the same
``webhook-id``, so a receiver that deduplicates on it sees one event.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from kombu.exceptions import KombuError

from db.session import Database
from webhooks import deliveries
from webhooks.fan_out import fan_out
from webhooks.events import encode, outbox_event
from webhooks.models import DeliveryStatus
from webhooks.retry import Outcome, RetryPolicy
from webhooks.transport import send
from workers.queues import WEBHOOKS

DELIVER_WEBHOOK = "docpipe.deliver_webhook"
DISPATCH_WEBHOOKS = "docpipe.dispatch_webhooks"
DISPATCH_INTERVAL = 5.0  # seconds; beat runs the dispatch this often so callbacks need not wait for the sweep
COUNTDOWN_LIMIT = 300.0  # seconds; a later retry is published by the sweeper when it is due
DUE_GRACE = 10.0  # seconds a due delivery may wait for its own message before the sweep publishes another
SECRET_MISSING = "webhook_secret_missing"

log = logging.getLogger(__name__)


def lease_seconds(settings) -> float:
    # Longer than one attempt can take (the transport's deadline covers it all), plus slack.
    return 2 * settings.webhook_timeout + 5


def retry_policy(settings) -> RetryPolicy:
    return RetryPolicy(scale=settings.webhook_schedule_scale)


def base_url(settings) -> str:
    return settings.public_url or f"http://{settings.api_host}:{settings.api_port}"


def body_renderer(settings):
    """An outbox event's payload → the exact JSON every attempt of every delivery sends."""
    base = base_url(settings)
    return lambda payload, include=(): encode(outbox_event(payload, base_url=base, include=include)).decode("utf-8")


def publish(celery, settings, delivery_id: str, countdown: float | None = None) -> bool:
    """Ring the webhooks queue's doorbell; False when the broker is down (the sweeper tries again)."""
    try:
        celery.send_task(
            DELIVER_WEBHOOK,
            args=[delivery_id],
            queue=settings.queue(WEBHOOKS),
            countdown=countdown or None,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.5, "interval_max": 1.0},
        )
        return True
    except (KombuError, OSError) as exc:
        log.warning("could not publish webhook delivery %s: %s", delivery_id, exc)
        return False


@dataclass(frozen=True)
class DeliveryResult:
    status: str  # the delivery's status afterwards, or "skipped" when the claim was not ours
    delay: float | None = None  # seconds until the next attempt, when status is pending
    status_code: int | None = None
    error: str | None = None


def deliver(settings, database: Database, delivery_id: str, *, policy: RetryPolicy | None = None) -> DeliveryResult:
    """One attempt at one delivery (no Celery involved: the task and tests call this)."""
    policy = policy or retry_policy(settings)
    with database.session() as s:
        claim = deliveries.claim_delivery(
            s, delivery_id, lease_seconds=lease_seconds(settings), max_attempts=policy.max_attempts
        )
    if claim is None:
        return DeliveryResult("skipped")

    secrets = claim.secrets or ((settings.webhook_secret,) if settings.webhook_secret else ())
    if not secrets:
        # Never send unsigned: a receiver could not tell our event from a forged one.
        with database.session() as s:
            status = deliveries.record_attempt(
                s, claim, outcome=Outcome.GIVE_UP.value, status_code=None, latency_ms=None, error=SECRET_MISSING,
                message="DOCPIPE_WEBHOOK_SECRET is not set, so a callback_url that is no registered endpoint "
                "cannot be signed; set it (or register the URL as an endpoint) and redeliver",
            )
        return DeliveryResult(status or "skipped", error=SECRET_MISSING)

    attempt = send(
        claim.url,
        secrets,
        claim.webhook_id,
        claim.body.encode("utf-8"),
        timeout=settings.webhook_timeout,
        allowed_networks=settings.webhook_allowed_networks,
    )
    decision = policy.decide(attempt.status_code, attempt.error, claim.attempt_no, retry_after=attempt.retry_after)
    with database.session() as s:
        status = deliveries.record_attempt(
            s,
            claim,
            outcome=decision.outcome.value,
            status_code=attempt.status_code,
            latency_ms=attempt.latency_ms,
            error=attempt.error,
            message=attempt.message,
            delay=decision.delay,
        )
    if status is None:
        log.warning("delivery %s: lease lost before the attempt was recorded", delivery_id)
        return DeliveryResult("skipped", status_code=attempt.status_code, error=attempt.error)
    return DeliveryResult(status, decision.delay, attempt.status_code, attempt.error)


@shared_task(name=DELIVER_WEBHOOK, bind=True, ignore_result=True)
def deliver_webhook(self, delivery_id: str) -> str:
    settings = self.app.docpipe_settings
    result = deliver(settings, Database.for_url(settings.database_url), delivery_id)
    if result.status == DeliveryStatus.PENDING and result.delay is not None and result.delay <= COUNTDOWN_LIMIT:
        publish(self.app, settings, delivery_id, countdown=result.delay)
    return result.status


@shared_task(name=DISPATCH_WEBHOOKS, bind=True, ignore_result=True)
def dispatch_webhooks(self) -> dict:
    """Beat's frequent run of ``sweep_webhooks`` on the webhooks queue (the minute sweep calls it too)."""
    settings = self.app.docpipe_settings
    return sweep_webhooks(settings, Database.for_url(settings.database_url), self.app)


def sweep_webhooks(settings, database: Database, celery) -> dict:
    """Called by the periodic sweep: turn outbox events into deliveries and publish what is due or lost."""
    with database.session() as s:
        created = fan_out(s, body_renderer(settings))
    with database.session() as s:
        # A countdown message normally fires within a second of its time; after the grace the
        # delivery has no message (lost, or a wait longer than COUNTDOWN_LIMIT), so publish one.
        due = deliveries.due_deliveries(s, grace_seconds=min(settings.requeue_after, DUE_GRACE))
    published = 0
    for delivery_id in dict.fromkeys(created + due):
        if not publish(celery, settings, delivery_id):
            break  # broker down: everything is still in the database for the next sweep
        published += 1
    report = {"deliveries_created": len(created), "deliveries_published": published}
    if created or due:
        log.info("webhook sweep: %s", report)
    return report
