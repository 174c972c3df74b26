"""The bulk command's local memory: a SQLite file in OUT_DIR that makes a run resumable.

Every change is one transaction, so a run killed at any instant (even SIGKILL)
leaves a consistent file. The submit protocol relies on the server's
idempotency: a job row is marked ``submitting`` with its key *before* the
request and ``submitted`` with the job id after it; a crash in between is
resolved on restart by sending the same key again, which returns the same job.

Job rows (one per idempotency key) move
``pending → submitting → submitted → finished → done``, or to ``rejected``
when the API refused the file. Outputs are recorded per (path, format, key)
right after each file lands, so nothing is downloaded twice.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATE_FILENAME = ".docpipe-bulk.sqlite"

# Outcomes worth another attempt under --retry-failed.
RETRYABLE_JOB_STATUSES = frozenset({"failed", "partial", "canceled"})
# Outcomes that have results to download.
DOWNLOADABLE_STATUSES = frozenset({"succeeded", "partial"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    kind TEXT,
    skip_reason TEXT,
    content_key TEXT,
    run_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_content ON files (content_key);
CREATE TABLE IF NOT EXISTS jobs (
    idempotency_key TEXT PRIMARY KEY,
    content_key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    state TEXT NOT NULL,
    job_id TEXT,
    job_status TEXT,
    pages INTEGER,
    mean_confidence REAL,
    pages_below INTEGER,
    error_code TEXT,
    error_message TEXT,
    updated_at REAL NOT NULL,
    UNIQUE (content_key, attempt)
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    written_at REAL NOT NULL,
    PRIMARY KEY (path, format, idempotency_key)
);
"""


@dataclass(frozen=True)
class FileRow:
    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    kind: str | None
    skip_reason: str | None
    content_key: str | None


@dataclass(frozen=True)
class JobRow:
    idempotency_key: str
    content_key: str
    attempt: int
    sha256: str
    state: str
    job_id: str | None
    job_status: str | None
    pages: int | None
    mean_confidence: float | None
    pages_below: int | None
    error_code: str | None
    error_message: str | None


class BulkState:
    def __init__(self, path: Path):
        self.path = Path(path)
        # One connection shared by the worker threads; the lock makes each
        # transaction atomic with respect to the others.
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        # WAL + NORMAL survives a killed process (what resuming is for); only a power cut may lose the last commits.
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # --- meta ---------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def next_run_id(self) -> int:
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'run_id'").fetchone()
            run_id = int(row["value"]) + 1 if row else 1
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('run_id', ?)", (str(run_id),))
        return run_id

    # --- files --------------------------------------------------------------

    def file(self, path: str) -> FileRow | None:
        rows = self._query("SELECT * FROM files WHERE path = ?", (path,))
        return _file_row(rows[0]) if rows else None

    def record_file(self, row: FileRow, run_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO files"
                " (path, size, mtime_ns, sha256, kind, skip_reason, content_key, run_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (row.path, row.size, row.mtime_ns, row.sha256, row.kind, row.skip_reason, row.content_key, run_id),
            )

    def files_seen(self, run_id: int) -> list[FileRow]:
        return [_file_row(r) for r in self._query("SELECT * FROM files WHERE run_id = ? ORDER BY path", (run_id,))]

    def paths_for(self, content_key: str, run_id: int) -> list[str]:
        rows = self._query(
            "SELECT path FROM files WHERE content_key = ? AND run_id = ? ORDER BY path", (content_key, run_id)
        )
        return [r["path"] for r in rows]

    # --- jobs ---------------------------------------------------------------

    def current_job(self, content_key: str) -> JobRow | None:
        rows = self._query(
            "SELECT * FROM jobs WHERE content_key = ? ORDER BY attempt DESC LIMIT 1", (content_key,)
        )
        return _job_row(rows[0]) if rows else None

    def job(self, idempotency_key: str) -> JobRow:
        rows = self._query("SELECT * FROM jobs WHERE idempotency_key = ?", (idempotency_key,))
        return _job_row(rows[0])

    def add_job(self, idempotency_key: str, content_key: str, attempt: int, sha256: str) -> JobRow:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO jobs (idempotency_key, content_key, attempt, sha256, state, updated_at)"
                " VALUES (?, ?, ?, ?, 'pending', ?)",
                (idempotency_key, content_key, attempt, sha256, time.time()),
            )
        return self.job(idempotency_key)

    def mark_submitting(self, key: str) -> None:
        self._update(key, state="submitting")

    def mark_submitted(self, key: str, job_id: str) -> None:
        self._update(key, state="submitted", job_id=job_id)

    def mark_rejected(self, key: str, code: str, message: str) -> None:
        self._update(key, state="rejected", job_status="failed", error_code=code, error_message=message)

    def mark_finished(
        self,
        key: str,
        *,
        job_status: str,
        pages: int | None,
        mean_confidence: float | None,
        pages_below: int | None,
        error_code: str | None,
        error_message: str | None,
    ) -> None:
        self._update(
            key,
            state="finished",
            job_status=job_status,
            pages=pages,
            mean_confidence=mean_confidence,
            pages_below=pages_below,
            error_code=error_code,
            error_message=error_message,
        )

    def mark_lost(self, job: JobRow) -> None:
        """The job was deleted on the server: failed, so --retry-failed submits the file again."""
        self.mark_finished(
            job.idempotency_key,
            job_status="failed",
            pages=job.pages,
            mean_confidence=job.mean_confidence,
            pages_below=job.pages_below,
            error_code="job_not_found",
            error_message=f"Job {job.job_id} no longer exists on the server.",
        )

    def mark_done(self, key: str) -> None:
        self._update(key, state="done")

    def set_error(self, key: str, code: str | None, message: str | None) -> None:
        """Note a transient problem (the API unreachable, a download refused) without changing the state."""
        self._update(key, error_code=code, error_message=message)

    def _update(self, key: str, **values) -> None:
        values["updated_at"] = time.time()
        columns = ", ".join(f"{name} = ?" for name in values)
        with self._tx() as db:
            db.execute(f"UPDATE jobs SET {columns} WHERE idempotency_key = ?", (*values.values(), key))

    # --- outputs ------------------------------------------------------------

    def output_written(self, path: str, fmt: str, key: str) -> bool:
        return bool(
            self._query(
                "SELECT 1 FROM outputs WHERE path = ? AND format = ? AND idempotency_key = ?", (path, fmt, key)
            )
        )

    def record_output(self, path: str, fmt: str, key: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO outputs (path, format, idempotency_key, written_at) VALUES (?, ?, ?, ?)",
                (path, fmt, key, time.time()),
            )

    def written_paths(self, fmt: str, key: str) -> list[str]:
        rows = self._query(
            "SELECT path FROM outputs WHERE format = ? AND idempotency_key = ? ORDER BY path", (fmt, key)
        )
        return [r["path"] for r in rows]


def _file_row(r: sqlite3.Row) -> FileRow:
    return FileRow(r["path"], r["size"], r["mtime_ns"], r["sha256"], r["kind"], r["skip_reason"], r["content_key"])


def _job_row(r: sqlite3.Row) -> JobRow:
    return JobRow(
        r["idempotency_key"],
        r["content_key"],
        r["attempt"],
        r["sha256"],
        r["state"],
        r["job_id"],
        r["job_status"],
        r["pages"],
        r["mean_confidence"],
        r["pages_below"],
        r["error_code"],
        r["error_message"],
    )
