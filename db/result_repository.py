"""Reads for ``GET /v1/results``: many jobs' results in a few grouped queries.

A module of its own (rather than more of ``db/repository.py``) so the grouped
reads stay together; the per-job reads they mirror are ``repository.get_job``
and ``repository.succeeded_texts``.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PAGE_SUCCEEDED, Job, Page, PageResult


def job_statuses(session: Session, tenant_id: str, job_ids: list[str]) -> dict[str, str]:
    """job id → status for the tenant's jobs among ``job_ids`` (another tenant's are left out), one query."""
    if not job_ids:
        return {}
    rows = session.execute(select(Job.id, Job.status).where(Job.tenant_id == tenant_id, Job.id.in_(job_ids)))
    return {job_id: status for job_id, status in rows}


def succeeded_texts_by_job(session: Session, job_ids: list[str]) -> dict[str, list[str]]:
    """job id → the text of every succeeded page in page order (``succeeded_texts`` for many jobs), one query."""
    texts: dict[str, list[str]] = {job_id: [] for job_id in job_ids}
    if not job_ids:
        return texts
    rows = session.execute(
        select(Page.job_id, PageResult.text)
        .join(Page, Page.id == PageResult.page_id)
        .where(Page.job_id.in_(job_ids), Page.status == PAGE_SUCCEEDED)
        .order_by(Page.job_id, Page.position)
    )
    for job_id, text in rows:
        texts[job_id].append(text)
    return texts
