"""Tenants and their API keys: a key's secret is shown once, only its hash is stored."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import ApiKey, Tenant, new_id
from db.session import dialect_insert


DEFAULT_TENANT = "default"
KEY_PREFIX = "dp_"


def ensure_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        session.execute(dialect_insert(session, Tenant).values(id=new_id(), name=name).on_conflict_do_nothing())
        tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    return tenant


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(session: Session, tenant_name: str) -> tuple[ApiKey, str]:
    """A new key for the tenant; the secret is returned once and only its hash is stored."""
    tenant = ensure_tenant(session, tenant_name)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(tenant_id=tenant.id, key_hash=hash_key(secret), prefix=secret[:10])
    session.add(key)
    session.flush()
    return key, secret


def revoke_api_key(session: Session, key_id: str) -> bool:
    result = session.execute(
        update(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return result.rowcount == 1


def list_api_keys(session: Session) -> list[tuple[ApiKey, str]]:
    rows = session.execute(select(ApiKey, Tenant.name).join(Tenant).order_by(ApiKey.created_at))
    return [(key, name) for key, name in rows]


def tenant_for_key(session: Session, secret: str) -> str | None:
    """The tenant id of a live key, or None."""
    return session.scalar(
        select(ApiKey.tenant_id).where(ApiKey.key_hash == hash_key(secret), ApiKey.revoked_at.is_(None))
    )


def set_retention(session: Session, name: str, days: int | None) -> Tenant:
    """How many days the tenant's ended jobs are kept (None: the deployment's default; 0: forever)."""
    tenant = ensure_tenant(session, name)
    session.execute(update(Tenant).where(Tenant.id == tenant.id).values(retention_days=days))
    return tenant
