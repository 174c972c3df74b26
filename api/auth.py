"""Who is calling: ``Authorization: Bearer <key>`` → tenant, checked before every v1 request.

With ``DOCPIPE_AUTH_REQUIRED`` off (the embedded default, which settings only
allow on a loopback bind) a request without a key belongs to tenant
``default`` — and only when it comes from a loopback address.
"""
from __future__ import annotations

import ipaddress

from flask import g, request

from api.errors import Unauthorized
from api.services import services
from db.tenants import tenant_for_key


def _from_loopback() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def authenticate() -> None:
    """``before_request`` hook: sets ``g.tenant_id`` or answers 401."""
    svc = services()
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Unauthorized("use the header 'Authorization: Bearer <key>'")
        with svc.database.session() as s:
            tenant_id = tenant_for_key(s, key.strip())
        if tenant_id is None:
            raise Unauthorized("this API key is unknown or revoked")
        g.tenant_id = tenant_id
        return
    if not svc.settings.auth_required and _from_loopback():
        g.tenant_id = svc.default_tenant_id
        return
    raise Unauthorized("an API key is required: 'Authorization: Bearer <key>'")


def current_tenant() -> str:
    return g.tenant_id
