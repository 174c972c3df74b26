"""The tables. The database, not the broker, is the source of truth for every job.

States are lower-case strings (``db.states``); timestamps are naive
UTC ``*_at`` columns written by ``db.clock.utcnow``. Ids are random hex strings
so they can be created before the row exists (blob keys, Location headers).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.clock import utcnow
from db.states import DocumentStatus, JobStatus, PageStatus


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Days an ended job's files and results are kept: None follows DOCPIPE_RETENTION_DAYS, 0 keeps forever.
    retention_days: Mapped[int | None] = mapped_column(Integer)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the secret key
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to recognise a key in lists
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    tenant: Mapped[Tenant] = relationship()


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_jobs_tenant_idempotency_key"),
        Index("ix_jobs_tenant_updated", "tenant_id", "updated_at", "id"),
        Index("ix_jobs_status_updated", "status", "updated_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    mode: Mapped[str] = mapped_column(String(8), default="auto")
    pages_spec: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(16), default="interactive")
    dpi: Mapped[int] = mapped_column(Integer, default=200)
    external_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Batches and result reuse (db/batch_models.py, workers/result_reuse.py; FK and indexes in migration 0003).
    batch_id: Mapped[str | None] = mapped_column(String(32))
    reuse_key: Mapped[str | None] = mapped_column(String(64))  # sha256 of the inputs that decide the output
    reused_from: Mapped[str | None] = mapped_column(String(32))  # the job whose pages were copied (no FK: it may be deleted)
    extract: Mapped[str | None] = mapped_column(String(16))  # structured data to read, e.g. "invoice" (migration 0008)
    tables: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # find tables (migration 0009)

    documents: Mapped[list["Document"]] = relationship(
        back_populates="job", order_by="Document.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order within the job
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    page_count: Mapped[int] = mapped_column(Integer)  # pages in the file
    pages_selected: Mapped[int] = mapped_column(Integer)  # pages to read (after the `pages` option)
    blob_key: Mapped[str] = mapped_column(String(100), index=True)  # the orphan sweep looks keys up (0011)
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.QUEUED)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The job's extract option, read once every page of the document ended (db/fields.py): the
    # pipeline's {fields, checks, needs_review}, or an error entry; None while pending (migration 0008).
    fields: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    job: Mapped[Job] = relationship(back_populates="documents")


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("document_id", "page_no", name="uq_pages_document_page_no"),
        Index("ix_pages_job_status", "job_id", "status"),
        Index("ix_pages_status_lease", "status", "lease_until"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order within the job (documents, then pages)
    page_no: Mapped[int] = mapped_column(Integer)  # 1-based within the document
    status: Mapped[str] = mapped_column(String(16), default=PageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # CPU seconds the worker spent inside the pipeline for the attempt that settled the page (0012):
    # the rest of a run's CPU is the service's own, so its share comes out of one run.
    pipeline_cpu_s: Mapped[float | None] = mapped_column(Float)


class PageResult(Base):
    """One row per page, written by an idempotent upsert keyed by ``page_id``."""

    __tablename__ = "page_results"
    page_id: Mapped[str] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    result: Mapped[dict] = mapped_column(JSON)  # pipeline.result.PageResult.to_dict()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WebhookEvent(Base):
    """The outbox (``db.outbox``): written in the transaction that ends a job or a page, or completes a batch;
    fanned out into deliveries later (``webhooks.fan_out``).

    No foreign key to ``jobs``: the event must outlive a purged job.
    """

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_dispatched_at", "dispatched_at", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    job_id: Mapped[str] = mapped_column(String(32), index=True)
    tenant_id: Mapped[str] = mapped_column(String(32), index=True)
    type: Mapped[str] = mapped_column(String(32))
    callback_url: Mapped[str | None] = mapped_column(String(2000))  # None: endpoints only (batch.completed, migration 0004)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)  # fanned out into deliveries (migration 0007)


class Blob(Base):
    """Uploaded files when ``DOCPIPE_BLOB_STORE=db``."""

    __tablename__ = "blobs"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WorkerHeartbeat(Base):
    """Workers note they are alive here, so readiness works on every broker."""

    __tablename__ = "worker_heartbeats"
    hostname: Mapped[str] = mapped_column(String(200), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    queues: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StageLatency(Base):
    """Page latency histogram by stage, summed over every worker (read by /metrics)."""

    __tablename__ = "stage_latencies"
    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)  # index into LATENCY_BUCKETS; -1 = +Inf
    count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)


LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
