"""The states of jobs, documents and pages, as stored in their ``status`` columns and shown by the API.

Members are ``str``s equal to their values, so a status read back from the
database compares equal to its member and JSON bodies carry the plain value.
"""
from __future__ import annotations

from enum import StrEnum, nonmember


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELED = "canceled"

    ACTIVE = nonmember(frozenset({QUEUED, RUNNING}))
    TERMINAL = nonmember(frozenset({SUCCEEDED, PARTIAL, FAILED, CANCELED}))


class PageStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"

    ACTIVE = nonmember(frozenset({QUEUED, RUNNING}))
    TERMINAL = nonmember(frozenset({SUCCEEDED, FAILED, CANCELED}))


class DocumentStatus(StrEnum):
    """A document is split into pages once; after that its pages carry the work."""

    QUEUED = "queued"
    SPLIT = "split"
    FAILED = "failed"


class BatchStatus(StrEnum):
    """Computed from a batch's jobs when asked, never stored."""

    EMPTY = "empty"
    OPEN = "open"
    RUNNING = "running"
    COMPLETED = "completed"
