"""``DELETE /v1/jobs?before=…``: a tenant deletes its ended jobs, files and results, in one call.

The automatic side (each tenant's retention policy) runs in the sweeper;
both delete through ``db.retention``. Active jobs are never deleted.
"""
from __future__ import annotations

from datetime import datetime, timezone

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from flask import request

from api.auth import authenticate, current_tenant
from api.errors import InvalidOption
from api.services import services
from db import retention

bp = APIBlueprint("retention", __name__, url_prefix="/v1", tag="Jobs")
bp.before_request(authenticate)


class PurgeQuery(Schema):
    before = String(required=True, metadata={"format": "date-time", "description": "ISO 8601 date or date-time (UTC when no offset): "
                                                            "ended jobs submitted before it are deleted"})


class PurgeOut(Schema):
    deleted = Integer(metadata={"description": "how many jobs were deleted with their files and results"})


def parse_before(raw: str | None) -> datetime:
    """``before`` as naive UTC, or 400 ``invalid_option``: never a 500 for a date Python cannot hold."""
    if not raw:
        raise InvalidOption("before is required: an ISO 8601 date or date-time", details={"field": "before"})
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise InvalidOption(
            f"before must be an ISO 8601 date or date-time, got {raw[:60]!r}", details={"field": "before"}
        ) from None
    return value


@bp.delete("/jobs")
@bp.input(PurgeQuery, location="query", arg_name="_query", validation=False)
@bp.output(PurgeOut)
@bp.doc(
    summary="Delete this key's ended jobs submitted before a date, with their files and results",
    description="Jobs still queued or running are never deleted. Each tenant's older jobs are also "
    "deleted automatically after its retention period (see the README).",
    responses={400: "before is missing or not an ISO 8601 date", 401: "No or bad API key"},
)
def purge_jobs(_query):
    before = parse_before(request.args.get("before"))
    svc, tenant_id = services(), current_tenant()
    deleted = retention.purge(
        svc.database, svc.blobs, lambda s: retention.ended_jobs_before(s, tenant_id, before)
    )
    return {"deleted": deleted}
