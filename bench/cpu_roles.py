"""CPU seconds spent by each part of a running stack, from /proc (Linux only).

The bulk bench runs API, workers, database, broker and client on the same two
cores, so every CPU second outside the OCR pipeline is a second the workers
lose. Snapshots before and after a run, grouped by role, show where it went.
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


def snapshot() -> dict[str, float]:
    """CPU seconds (user + system) used so far by every live process of each role."""
    totals: dict[str, float] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        role = _role(pid)
        if role is None:
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
