"""CPU seconds spent by each part of a running stack, from /proc (Linux only).

The bulk bench runs API, workers, database, broker and client on the same two
cores, so every CPU second outside the OCR pipeline is a second the workers
lose. Snapshots before and after a run, grouped by role, show where it went.

On a shared machine other sessions run their own APIs, workers and PostgreSQL
clients: ``within`` keeps a snapshot to the stack's own processes (the trees of
the processes it started, its database's backends, ``stack_pids``). Redis is
one server for every session and is counted whole.
"""
from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _role(pid: str) -> str | None:
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if comm.startswith("postgres") or cmd.startswith("postgres"):
        return "postgres"
    if comm.startswith("redis-server"):
        return "redis"
    if "gunicorn" in cmd:
        return "api"
    if "celery" in cmd and " beat" in cmd:
        return "beat"
    if "celery" in cmd and " worker" in cmd:
        # The pool processes run the tasks; their parent consumes the broker and hands tasks out.
        return "worker pool" if _role(_parent(pid)) in ("worker", "worker pool") else "worker"
    return None


def _parent(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except OSError:
        return "0"


def _in_tree(pid: str, roots: set[str]) -> bool:
    seen = 0
    while pid not in ("0", "1") and seen < 64:
        if pid in roots:
            return True
        pid, seen = _parent(pid), seen + 1
    return False


def stack_pids(stack) -> set[int]:
    """The processes ``stack`` (tests.service_stack.ServiceStack) started, and its database's backends."""
    pids = {proc.pid for proc in stack.procs.values()}
    if stack.pg_database:
        from sqlalchemy import text

        with stack.database().session() as s:
            pids |= set(s.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))
    return pids


def snapshot(within: set[int] | None = None) -> dict[str, float]:
    """CPU seconds (user + system) used so far by every live process of each role (of the trees of ``within``)."""
    roots = None if within is None else {str(p) for p in within}
    totals: dict[str, float] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        role = _role(pid)
        if role is None:
            continue
        if roots is not None and role != "redis" and not _in_tree(pid, roots):
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime are fields 14 and 15 of stat (1-based); after the ")" they start at index 11.
        totals[role] = totals.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / _TICK
    return totals


def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU used between two snapshots; a process that exited in between is not counted."""
    return {role: round(after[role] - before.get(role, 0.0), 2) for role in sorted(after)}
