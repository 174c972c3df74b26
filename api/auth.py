"""Who is calling: ``Authorization: Bearer <key>`` → tenant, checked before every v1 request.

With ``DOCPIPE_AUTH_REQUIRED`` off (the embedded default, which settings only
allow on a loopback bind) a request without a key belongs to tenant
``default`` — and only when it comes from a loopback address.

The caller is resolved once per request (``identify``): the rate limiter needs
it before the blueprint's ``authenticate`` hook runs, and both read the same answer.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

from flask import g, request

from api.errors import Unauthorized
from api.services import services
from db.tenants import tenant_for_key


@dataclass(frozen=True)
class Caller:
    tenant_id: str | None  # None: no valid key (the reason is in ``refused``)
    key_id: str  # what the per-key rate limit counts: a digest of the key, never the key
    refused: str = ""


def _from_loopback() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _resolve() -> Caller:
    svc = services()
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return Caller(None, "", "use the header 'Authorization: Bearer <key>'")
        with svc.database.session() as s:
            tenant_id = tenant_for_key(s, key.strip())
        if tenant_id is None:
            return Caller(None, "", "this API key is unknown or revoked")
        return Caller(tenant_id, "key:" + hashlib.sha256(key.strip().encode()).hexdigest()[:24])
    if not svc.settings.auth_required and _from_loopback():
        return Caller(svc.default_tenant_id, f"tenant:{svc.default_tenant_id}")
    return Caller(None, "", "an API key is required: 'Authorization: Bearer <key>'")


def identify() -> Caller:
    """The caller of this request, looked up once."""
    if "docpipe_caller" not in g:
        g.docpipe_caller = _resolve()
    return g.docpipe_caller


def authenticate() -> None:
    """``before_request`` hook: sets ``g.tenant_id`` or answers 401."""
    caller = identify()
    if caller.tenant_id is None:
        raise Unauthorized(caller.refused)
    g.tenant_id = caller.tenant_id


def require_operator() -> None:
    """/metrics and /ready show every tenant's counts and the workers' host names: open only to
    ``Authorization: Bearer $DOCPIPE_METRICS_TOKEN``, or, in the embedded default (no API keys,
    loopback bind), to loopback callers as every other route is."""
    svc = services()
    token = svc.settings.metrics_token
    header = request.headers.get("Authorization", "")
    if token:
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return
        raise Unauthorized("send 'Authorization: Bearer <DOCPIPE_METRICS_TOKEN>'")
    if not svc.settings.auth_required and _from_loopback():
        return
    raise Unauthorized("set DOCPIPE_METRICS_TOKEN on the API and send it as 'Authorization: Bearer <token>'")


def current_tenant() -> str:
    return g.tenant_id
