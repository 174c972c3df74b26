"""What /metrics and /health read: worker heartbeats, stage latency histograms, counts by status."""
from __future__ import annotations

from datetime import timedelta
from functools import cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import LATENCY_BUCKETS, Job, Page, StageLatency, WorkerHeartbeat
from db.session import dialect_insert


def record_heartbeat(session: Session, hostname: str, pid: int, queues: str) -> None:
    now = utcnow()
    stmt = dialect_insert(session, WorkerHeartbeat).values(hostname=hostname, pid=pid, queues=queues, started_at=now, seen_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WorkerHeartbeat.hostname], set_={"pid": pid, "queues": queues, "seen_at": now}
        )
    )


def forget_worker(session: Session, hostname: str) -> None:
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname))


def live_workers(session: Session, stale_after: float) -> list[WorkerHeartbeat]:
    since = utcnow() - timedelta(seconds=stale_after)
    return list(session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.seen_at >= since)))


def count_by_status(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """(jobs by status, pages by status) over every tenant, for /metrics."""
    jobs = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    pages = dict(session.execute(select(Page.status, func.count()).group_by(Page.status)).all())
    return jobs, pages


def _bucket(seconds: float) -> int:
    for i, le in enumerate(LATENCY_BUCKETS):
        if seconds <= le:
            return i
    return -1


def record_latencies(session: Session, pages_timings: list[dict]) -> None:
    """Add pages' stage timings to the histogram (one statement for all of them)."""
    cells: dict[tuple[str, int], list] = {}
    for timings in pages_timings:
        for stage, seconds in timings.items():
            try:
                seconds = float(seconds)
            except (TypeError, ValueError):
                continue
            cell = cells.setdefault((str(stage)[:32], _bucket(seconds)), [0, 0.0])
            cell[0] += 1
            cell[1] += seconds
    if not cells:
        return
    # One row per (stage, bucket), in a fixed order: an upsert may touch a row only once per
    # statement, and a fixed lock order keeps two workers from deadlocking on these rows.
    rows = [dict(stage=stage, bucket=bucket, count=n, total=total) for (stage, bucket), (n, total) in sorted(cells.items())]
    session.execute(_latency_upsert(session.get_bind().dialect.name), rows)


@cache
def _latency_upsert(dialect: str):
    # Built once per dialect: building the upsert took more CPU than sending it, at every stored page.
    table = StageLatency.__table__
    stmt = dialect_insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.stage, table.c.bucket],
        set_={"count": table.c.count + stmt.excluded.count, "total": table.c.total + stmt.excluded.total},
    )


def stage_latencies(session: Session) -> dict[str, dict[int, tuple[int, float]]]:
    out: dict[str, dict[int, tuple[int, float]]] = {}
    for row in session.scalars(select(StageLatency)):
        out.setdefault(row.stage, {})[row.bucket] = (row.count, row.total)
    return out
