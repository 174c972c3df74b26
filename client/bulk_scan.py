"""The bulk command's walk: every file of the tree recorded in the state file, and the keys with work left."""
from __future__ import annotations

from pathlib import Path

from client.bulk_state import DOWNLOADABLE_STATUSES, RETRYABLE_JOB_STATUSES, BulkState, FileRow, JobRow
from client.idempotency import content_key, idempotency_key
from client.source_tree import digest_file, walk_tree

# Jobs already on the server come first: they hold slots there.
_PLAN_ORDER = {"submitted": 0, "submitting": 1, "finished": 2, "done": 3, "pending": 4}


def scan_tree(
    state: BulkState, run_id: int, src_dir: Path, *, out_dir: Path, mode: str | None, pages: str | None,
    tables: bool = False,
) -> None:
    """Record every file of the tree; hash only those whose size or mtime changed since last run."""
    for src in walk_tree(src_dir, exclude=(out_dir,)):
        known = state.file(src.rel_path)
        if known and known.size == src.size and known.mtime_ns == src.mtime_ns and known.sha256:
            sha256, kind, skip = known.sha256, known.kind, known.skip_reason
        else:
            try:
                digest = digest_file(src.abs_path)
            except OSError:
                sha256, kind, skip = None, None, "unreadable"
            else:
                sha256, kind = digest.sha256, digest.kind
                skip = None if kind else ("empty_file" if src.size == 0 else "unsupported_type")
        ckey = content_key(sha256, mode=mode, pages=pages, tables=tables) if sha256 and not skip else None
        state.record_file(FileRow(src.rel_path, src.size, src.mtime_ns, sha256, kind, skip, ckey), run_id)


def plan_keys(state: BulkState, files: list[FileRow], *, formats: tuple[str, ...], retry_failed: bool) -> list[str]:
    """The idempotency keys with work left, jobs already on the server first."""
    todo: dict[str, int] = {}
    for row in files:
        if not row.content_key:
            continue
        job = state.current_job(row.content_key)
        if job is None:
            job = state.add_job(idempotency_key(row.content_key, 0), row.content_key, 0, row.sha256)
        elif retry_failed and _retryable(job):
            attempt = job.attempt + 1
            job = state.add_job(idempotency_key(row.content_key, attempt), row.content_key, attempt, row.sha256)
        if job.state == "rejected":
            continue
        if job.state == "done" and outputs_complete(state, job, row.path, formats):
            continue
        todo[job.idempotency_key] = _PLAN_ORDER.get(job.state, 5)
    return sorted(todo, key=lambda k: todo[k])


def outputs_complete(state: BulkState, job: JobRow, path: str, formats: tuple[str, ...]) -> bool:
    """Every format asked for is written for ``path`` (trivially so for a job with nothing to download)."""
    if job.job_status not in DOWNLOADABLE_STATUSES:
        return True
    return all(state.output_written(path, fmt, job.idempotency_key) for fmt in formats)


def current_key(state: BulkState, row: FileRow) -> str | None:
    """The idempotency key of the file's current job, if it has one."""
    if not row.content_key:
        return None
    job = state.current_job(row.content_key)
    return job.idempotency_key if job else None


def _retryable(job: JobRow) -> bool:
    if job.state == "rejected":
        return True
    return job.state in ("finished", "done") and job.job_status in RETRYABLE_JOB_STATUSES
