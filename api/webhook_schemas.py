"""Webhook request and response schemas (they appear in ``/openapi.json``).

Field names are public contract: add fields, never rename.
"""
from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Length, OneOf

from api.schemas import UtcDateTime
from webhooks.events import BATCH_COMPLETED, INCLUDES, JOB_EVENT_TYPES, PAGE_COMPLETED
from webhooks.models import DeliveryStatus

JOB_EVENTS = tuple(JOB_EVENT_TYPES.values())
SUBSCRIBABLE_EVENTS = (*JOB_EVENTS, PAGE_COMPLETED, BATCH_COMPLETED)  # page.completed only when asked for: one call per page


class EndpointCreate(Schema):
    url = String(required=True, validate=Length(min=1, max=2000), metadata={"description": "http(s) URL to POST events to"})
    events = List(
        String(validate=OneOf(SUBSCRIBABLE_EVENTS)),
        load_default=list(JOB_EVENTS),
        validate=Length(min=1),
        metadata={"description": "event types to receive (default: every job.* event; page.completed on request)"},
    )
    description = String(validate=Length(max=500), load_default=None, allow_none=True)
    include = List(
        String(validate=OneOf(INCLUDES)),
        load_default=list,
        metadata={"description": "more in job events' data: fields = `documents`, each document's invoice fields, "
                                 "checks and needs_review as GET /v1/jobs/{id}/fields shows them (jobs submitted "
                                 "with extract=invoice); also a job's callback_url that is this endpoint's url"},
    )


class EndpointView(Schema):
    id = String()
    url = String()
    events = List(String())
    include = List(String())
    description = String(allow_none=True)
    created_at = String()
    disabled_at = String(allow_none=True, metadata={"description": "set when the receiver answered 410 Gone"})
    disabled_reason = String(allow_none=True)
    previous_secret_expires_at = String(
        allow_none=True, metadata={"description": "until then the previous secret signs too (rotation overlap)"}
    )


class EndpointWithSecret(EndpointView):
    secret = String(metadata={"description": "whsec_...; shown only in this answer, keep it"})


class EndpointsList(Schema):
    endpoints = List(Nested(EndpointView))


class ReplayQuery(Schema):
    since = UtcDateTime(required=True, metadata={"description": "ISO 8601; deliveries created at or after"})


class ReplayOut(Schema):
    endpoint = Nested(EndpointView)
    redelivered = Integer()
    delivery_ids = List(String())


class AttemptView(Schema):
    attempt_no = Integer(metadata={"description": "1-based within a round; a redelivery starts a new round"})
    attempted_at = String()
    status_code = Integer(allow_none=True)
    latency_ms = Integer(allow_none=True)
    error = String(allow_none=True, metadata={"description": "stable code: http_error, timeout, blocked_destination, worker_lost, ..."})
    message = String(allow_none=True)
    next_attempt_at = String(allow_none=True)


class DeliveryView(Schema):
    id = String()
    webhook_id = String(metadata={"description": "the webhook-id header: the same on every attempt"})
    job_id = String()
    type = String()
    destination = String(metadata={"enum": ["callback", "endpoint"]})
    endpoint_id = String(allow_none=True)
    url = String()
    status = String(metadata={"enum": [str(s) for s in DeliveryStatus]})
    next_attempt_at = String(allow_none=True)
    last_status_code = Integer(allow_none=True)
    last_error = String(allow_none=True)
    created_at = String()
    delivered_at = String(allow_none=True)
    attempts = List(Nested(AttemptView))


class RedeliveryView(DeliveryView):
    """The delivery as it stands after a redelivery was queued (its own name keeps the OpenAPI refs unique)."""


class DeliveriesList(Schema):
    deliveries = List(Nested(DeliveryView))
