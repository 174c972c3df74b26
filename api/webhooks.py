"""Webhook endpoints, the delivery log, redelivery and replay: the HTTP face of the ``webhooks`` package.

Everything is scoped to the caller's tenant: another tenant's endpoint or
delivery is simply not found (404). A secret is shown once, when an
endpoint is created or its secret rotated; after a rotation the old secret
keeps signing beside the new one for 24 h.
"""
from __future__ import annotations

from apiflask import APIBlueprint

from api.auth import authenticate, current_tenant
from api.callback_policy import checked_url
from api.errors import Conflict, NotFound
from api.services import services
from api.webhook_schemas import (
    DeliveriesList,
    EndpointCreate,
    EndpointsList,
    EndpointWithSecret,
    RedeliveryView,
    ReplayOut,
    ReplayQuery,
)
from db.jobs import get_job
from db.clock import isoformat
from webhooks import deliveries, endpoints, errors, tasks
from webhooks.models import CALLBACK_DESTINATION
from webhooks.signing import generate_secret

bp = APIBlueprint("webhooks", __name__, url_prefix="/v1", tag="Webhooks")
bp.before_request(authenticate)

ERRORS = {401: "No or bad API key", 404: "No such endpoint, job or delivery for this key"}


class DeliveryInProgress(Conflict):
    code = "delivery_in_progress"


class EndpointDisabled(Conflict):
    code = "endpoint_disabled"


def endpoint_view(ep, secret: str | None = None) -> dict:
    view = {
        "id": ep.id,
        "url": ep.url,
        "events": list(ep.events),
        "include": list(ep.include or ()),
        "description": ep.description,
        "created_at": isoformat(ep.created_at),
        "disabled_at": isoformat(ep.disabled_at),
        "disabled_reason": ep.disabled_reason,
        "previous_secret_expires_at": isoformat(ep.previous_secret_expires_at) if ep.previous_secret else None,
    }
    if secret is not None:
        view["secret"] = secret
    return view


def delivery_view(d, attempts) -> dict:
    return {
        "id": d.id,
        "webhook_id": d.webhook_id,
        "job_id": d.job_id,
        "type": d.type,
        "destination": "callback" if d.destination == CALLBACK_DESTINATION else "endpoint",
        "endpoint_id": d.endpoint_id,
        "url": d.url,
        "status": d.status,
        "next_attempt_at": isoformat(d.next_attempt_at),
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "created_at": isoformat(d.created_at),
        "delivered_at": isoformat(d.delivered_at),
        "attempts": [
            {
                "attempt_no": a.attempt_no,
                "attempted_at": isoformat(a.attempted_at),
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "message": a.message,
                "next_attempt_at": isoformat(a.next_attempt_at),
            }
            for a in attempts
        ],
    }


def _publish(delivery_ids) -> None:
    # Committed already: if the broker is down, the sweeper publishes them once they are overdue.
    svc = services()
    for delivery_id in delivery_ids:
        if not tasks.publish(svc.enqueuer.celery, svc.settings, delivery_id):
            break


def _endpoint_or_404(session, endpoint_id: str):
    ep = endpoints.get_endpoint(session, current_tenant(), endpoint_id)
    if ep is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}", details={"endpoint_id": endpoint_id})
    return ep


# ---------------------------------------------------------------- endpoints


@bp.post("/webhook-endpoints")
@bp.input(EndpointCreate, arg_name="body")
@bp.output(EndpointWithSecret, status_code=201, description="Created; `secret` is shown only here")
@bp.doc(summary="Register an endpoint for this key's job events", responses={422: "Invalid or blocked URL"})
def create_endpoint(body):
    url = checked_url(body["url"], "url")
    secret = generate_secret()
    with services().database.session() as s:
        ep = endpoints.create_endpoint(
            s, current_tenant(), url=url, events=body["events"], secret=secret, description=body.get("description"),
            include=body["include"],
        )
        view = endpoint_view(ep, secret)
    return view, 201, {"Location": f"/v1/webhook-endpoints/{view['id']}"}


@bp.get("/webhook-endpoints")
@bp.output(EndpointsList)
@bp.doc(summary="This key's endpoints (secrets are never listed)")
def list_endpoints():
    with services().database.session() as s:
        return {"endpoints": [endpoint_view(ep) for ep in endpoints.list_endpoints(s, current_tenant())]}


@bp.delete("/webhook-endpoints/<endpoint_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete an endpoint and its delivery log", responses=ERRORS)
def delete_endpoint(endpoint_id: str):
    with services().database.session() as s:
        if not endpoints.delete_endpoint(s, current_tenant(), endpoint_id):
            raise NotFound(f"no webhook endpoint {endpoint_id}", details={"endpoint_id": endpoint_id})
    return ""


@bp.post("/webhook-endpoints/<endpoint_id>/rotate-secret")
@bp.output(EndpointWithSecret, description="The new secret, shown only here; the old one signs too for 24 h")
@bp.doc(summary="Rotate an endpoint's signing secret", responses=ERRORS)
def rotate_secret(endpoint_id: str):
    secret = generate_secret()
    with services().database.session() as s:
        ep = endpoints.rotate_secret(s, current_tenant(), endpoint_id, secret)
        if ep is None:
            raise NotFound(f"no webhook endpoint {endpoint_id}", details={"endpoint_id": endpoint_id})
        return endpoint_view(ep, secret)


@bp.post("/webhook-endpoints/<endpoint_id>/replay")
@bp.input(ReplayQuery, location="query", arg_name="query")
@bp.output(ReplayOut, status_code=202)
@bp.doc(
    summary="Resend every failed delivery of an endpoint since a time",
    description="Also enables the endpoint again if a 410 Gone disabled it. Each delivery keeps its webhook-id.",
    responses=ERRORS,
)
def replay(endpoint_id: str, query):
    since = query["since"]  # naive UTC, as the columns hold (schemas.UtcDateTime)
    with services().database.session() as s:
        ids = deliveries.replay_failed(s, current_tenant(), endpoint_id, since)
        if ids is None:
            raise NotFound(f"no webhook endpoint {endpoint_id}", details={"endpoint_id": endpoint_id})
        view = endpoint_view(_endpoint_or_404(s, endpoint_id))
    _publish(ids)
    return {"endpoint": view, "redelivered": len(ids), "delivery_ids": ids}


# ---------------------------------------------------------------- the delivery log


@bp.post("/deliveries/<delivery_id>/redeliver")
@bp.output(RedeliveryView, status_code=202)
@bp.doc(summary="Send a delivery again now (same webhook-id, fresh retry schedule)", responses={**ERRORS, 409: "Being sent right now, or the endpoint is disabled"})
def redeliver(delivery_id: str):
    tenant_id = current_tenant()
    with services().database.session() as s:
        try:
            d = deliveries.redeliver(s, tenant_id, delivery_id)
        except errors.DeliveryBusy as exc:
            raise DeliveryInProgress(str(exc), details={"delivery_id": delivery_id}) from None
        except errors.EndpointDisabled as exc:
            raise EndpointDisabled(str(exc), details={"delivery_id": delivery_id}) from None
        if d is None:
            raise NotFound(f"no delivery {delivery_id}", details={"delivery_id": delivery_id})
    _publish([delivery_id])
    with services().database.session() as s:
        rows = dict((d.id, a) for d, a in deliveries.job_deliveries(s, tenant_id, d.job_id))
        d = deliveries.get_delivery(s, tenant_id, delivery_id)
        return delivery_view(d, rows.get(delivery_id, []))


@bp.get("/jobs/<job_id>/deliveries")
@bp.output(DeliveriesList)
@bp.doc(summary="Every webhook delivery of a job, with every attempt", responses=ERRORS)
def job_deliveries(job_id: str):
    tenant_id = current_tenant()
    with services().database.session() as s:
        rows = deliveries.job_deliveries(s, tenant_id, job_id)
        # The log outlives a deleted job; an unknown job with no log is not found.
        if not rows and get_job(s, tenant_id, job_id) is None:
            raise NotFound(f"no job {job_id}", details={"job_id": job_id})
        return {"deliveries": [delivery_view(d, attempts) for d, attempts in rows]}
