"""Retention: ended jobs older than their tenant's policy are deleted, rows and uploaded files.

A tenant's ``retention_days`` (migration 0010) says how long its uploads and
results are kept after a job ends: NULL follows the deployment's default
(``DOCPIPE_RETENTION_DAYS``), 0 keeps them forever. Active jobs are never
deleted, whatever their age. Rows go first, in one transaction per chunk,
then the files: a crash between the two leaves a file without a row (space,
not data, removed later by ``delete_orphaned_blobs``), never a job whose file is gone.
"""
from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.finalize import purge_job
from db.models import Document, Job, Tenant
from db.states import JobStatus

CHUNK = 200  # jobs per transaction: short locks, bounded memory

log = logging.getLogger(__name__)


def expired_jobs(session: Session, *, default_days: int, limit: int = CHUNK) -> list[str]:
    """Ended jobs whose tenant's retention has run out, oldest first."""
    days = func.coalesce(Tenant.retention_days, literal(default_days))
    # One cut-off per tenant, computed here: date arithmetic differs between SQLite and PostgreSQL.
    now = utcnow()
    policies = session.execute(select(Tenant.id, days)).all()
    ids: list[str] = []
    for tenant_id, keep in policies:
        if not keep or keep <= 0 or len(ids) >= limit:
            continue
        cutoff = now - timedelta(days=int(keep))
        ids += session.scalars(
            select(Job.id)
            .where(
                Job.tenant_id == tenant_id,
                Job.status.in_(JobStatus.TERMINAL),
                func.coalesce(Job.finished_at, Job.updated_at) < cutoff,
            )
            .order_by(Job.updated_at)
            .limit(limit - len(ids))
        ).all()
    return ids


def ended_jobs_before(session: Session, tenant_id: str, before: datetime, *, limit: int = CHUNK) -> list[str]:
    """The tenant's ended jobs submitted before ``before`` (naive UTC)."""
    return list(
        session.scalars(
            select(Job.id)
            .where(Job.tenant_id == tenant_id, Job.status.in_(JobStatus.TERMINAL), Job.created_at < before)
            .order_by(Job.created_at)
            .limit(limit)
        )
    )


def delete_jobs(session: Session, job_ids: list[str]) -> tuple[int, list[str]]:
    """Delete the rows of these jobs if they have still ended; returns (jobs deleted, their blob keys)."""
    still_ended = session.scalars(
        select(Job.id).where(Job.id.in_(job_ids), Job.status.in_(JobStatus.TERMINAL)).with_for_update()
    ).all()
    keys: list[str] = []
    for job_id in still_ended:
        keys += purge_job(session, job_id)
    return len(still_ended), keys


def purge(database, blobs, find, *, max_chunks: int | None = None) -> int:
    """Delete, chunk by chunk, the jobs ``find(session)`` names, then their files; returns how many jobs."""
    deleted, chunks = 0, 0
    while max_chunks is None or chunks < max_chunks:
        chunks += 1
        with database.session() as s:
            ids = find(s)
            count, keys = delete_jobs(s, ids) if ids else (0, [])
        deleted += count
        for key in keys:
            try:
                blobs.delete(key)
            except Exception as exc:  # noqa: BLE001 - the rows are gone; a left file is space, not data
                log.warning("could not delete blob %s: %s", key, exc)
        if count < CHUNK:
            break
    return deleted


def delete_orphaned_blobs(database, blobs, *, grace_seconds: float) -> int:
    """Delete files no document row names that are older than ``grace_seconds``: an upload is written
    before its job row commits, so a killed API process or a failed insert leaves its file behind.
    The grace covers uploads whose row is still being written. Returns how many files."""
    deleted = 0
    candidates = blobs.keys_older_than(grace_seconds)
    while chunk := list(itertools.islice(candidates, CHUNK)):
        with database.session() as s:
            named = set(s.scalars(select(Document.blob_key).where(Document.blob_key.in_(chunk))))
        for key in chunk:
            if key in named:
                continue
            try:
                blobs.delete(key)
                deleted += 1
            except Exception as exc:  # noqa: BLE001 - the next sweep tries again
                log.warning("could not delete orphaned blob %s: %s", key, exc)
    return deleted
