"""Batches: a name for many jobs (one bulk run over an archive), so its progress can be read in one call.

A job points at its batch through ``jobs.batch_id`` (declared on ``Job`` in
db/models.py; the foreign key, ``ON DELETE SET NULL``, is in migration 0003).
Files, pages and speed are derived from its jobs, so they can never
disagree with them. ``closed_at`` and ``completed_at`` are the exceptions:
the first says no job may join any more, the second is the guard that lets
exactly one transaction announce ``batch.completed`` once both hold.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.clock import utcnow
from db.models import Base, new_id


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_tenant_created", "tenant_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    external_ref: Mapped[str | None] = mapped_column(String(200))
    callback_url: Mapped[str | None] = mapped_column(String(2000))  # gets batch.completed (migration 0004)
    # Set by POST /v1/batches/{id}/close (migration 0005); a closed batch takes no new job.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set once the batch is closed and has no active job, by whichever transaction sees that first
    # (the close, or the end of its last job); that transaction also writes batch.completed to the outbox.
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
