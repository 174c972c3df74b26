"""What the running stack costs per second of wall time, with no page to OCR: the bulk path's fixed rate.

    .venv/bin/python -m bench.service_idle [--seconds 60] [--jobs 48]

The bulk bench's stack (gunicorn API, PostgreSQL, Redis, beat, one ``celery
worker`` with 2 pool processes, its settings), with the worker consuming no
OCR queue, so submitted jobs stay queued. Two phases of ``--seconds`` each,
CPU seconds by role from /proc (``bench.cpu_roles``):

1. idle: nothing calls the API;
2. watched: ``--jobs`` jobs in flight watched by the bulk command's own
   ``JobWatcher`` (``client/job_watch.py``) at the bulk command's pacing,
   as a bulk run keeps them; the client's CPU is this process's;
3. ``--pacing INTERVAL,MAX,FULL`` (optional): the same at another pacing
   (e.g. ``0.5,1,5``, the bulk command's before 2026-12-04).

Every such second is paid whatever the pipeline does, so on a slow (or loaded)
machine, where a bulk run takes longer for the same pages, it weighs more in
the service's share; this bench says how much per second.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

from bench import cpu_roles
from bench.bulk_throughput import DPI, _scan
from tests.factories import EN_TEXT, make_pdf
from tests.service_stack import ServiceStack


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _phase(stack, seconds: float, action=None) -> dict[str, float]:
    mine = cpu_roles.stack_pids(stack)
    before, me = cpu_roles.snapshot(mine), _self_cpu()
    if action is None:
        time.sleep(seconds)
    else:
        action(seconds)
    cpu = cpu_roles.delta(before, cpu_roles.snapshot(mine | cpu_roles.stack_pids(stack)))
    cpu["client"] = round(_self_cpu() - me, 2)
    return cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--jobs", type=int, default=48)
    parser.add_argument("--pacing", default=None, help="INTERVAL,MAX_INTERVAL,FULL_EVERY of a third phase")
    args = parser.parse_args(argv)

    from client.bulk_watch import WATCH_FULL_EVERY_S, WATCH_INTERVAL_S, WATCH_MAX_INTERVAL_S
    from client.http_api import Client, WaitTimeout
    from client.job_watch import JobWatcher

    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(
            Path(tmp), DOCPIPE_DPI=DPI, DOCPIPE_LOG_LEVEL="warning", DOCPIPE_PAGE_SOFT_TIME_LIMIT=120,
            DOCPIPE_PAGE_TIME_LIMIT=150, DOCPIPE_LEASE_SECONDS=180, DOCPIPE_BROKER_VISIBILITY_TIMEOUT=600,
            DOCPIPE_REQUEUE_AFTER=120, DOCPIPE_SWEEP_INTERVAL=60, DOCPIPE_HEARTBEAT_INTERVAL=10,
            DOCPIPE_WORKER_STALE_AFTER=45) as stack:
        base = stack.start_api()
        # The OCR queues are left alone: the jobs below stay queued, and every role runs as in a bulk run.
        stack.start_worker(concurrency=2, queues=stack.settings.queue("webhooks"))
        stack.start_beat()
        client = Client(base, pool_size=args.jobs + 2)
        pdf = make_pdf([{"image": _scan(["idle", EN_TEXT[0]]), "dpi": DPI}])
        ids = [client.submit(pdf, filename=f"idle{k}.pdf")["id"] for k in range(args.jobs)]
        time.sleep(5)  # let the submits' own work settle
        idle = _phase(stack, args.seconds)

        def watch(seconds: float, pacing=(WATCH_INTERVAL_S, WATCH_MAX_INTERVAL_S, WATCH_FULL_EVERY_S)) -> None:
            interval, max_interval, full_every = pacing
            with JobWatcher(client, interval=interval, max_interval=max_interval, full_every=full_every) as watcher:
                def one(job_id):
                    try:
                        watcher.wait(job_id, timeout=seconds)
                    except WaitTimeout:
                        pass
                threads = [threading.Thread(target=one, args=(job_id,)) for job_id in ids]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
        phases = [("idle", idle), ("watched", _phase(stack, args.seconds, watch))]
        if args.pacing:
            pacing = tuple(float(v) for v in args.pacing.split(","))
            phases.append((f"watched at {args.pacing}", _phase(stack, args.seconds, lambda s: watch(s, pacing))))
    print(f"{args.seconds:.0f} s a phase; {len(ids)} jobs in flight from the second; watched at "
          f"{WATCH_INTERVAL_S},{WATCH_MAX_INTERVAL_S},{WATCH_FULL_EVERY_S} (interval, max, full every)")
    for name, cpu in phases:
        total = sum(cpu.values())
        print(f"{name:18s} {total / args.seconds * 1000:6.1f} ms CPU per s of wall: "
              + ", ".join(f"{role} {1000 * sec / args.seconds:.1f}" for role, sec in sorted(cpu.items(), key=lambda kv: -kv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
