"""A page task's database work alone, many times over: the CPU of claim, store and finalize per page.

    .venv/bin/python -m bench.service_page_sql [--jobs 150] [--pages 2] [--sqlite]

Makes ``--jobs`` queued jobs of ``--pages`` pages each on a fresh PostgreSQL database (or SQLite), then does for
every page what ``JobRunner.run_page`` does around the pipeline: claim it (one transaction), store a result of
the pipeline's size (36 lines of words with boxes, about 40 KB of JSON; one transaction) and finalize its job
(one transaction), as a bulk run's pool process does. Prints the CPU per page of this process
(``time.process_time``) and of the database's backends (/proc), and the statements and commits per page.
Without the pipeline's second a page, the figures are steady enough to compare two checkouts run side by side.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import time
import uuid
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _result(k: int) -> dict:
    lines = []
    for i in range(36):
        words = [{"text": f"word{j}-{k}", "confidence": 0.97, "box": [10 + 60 * j, 30 * i, 60 + 60 * j, 30 * i + 24]}
                 for j in range(9)]
        lines.append({"text": " ".join(w["text"] for w in words), "confidence": 0.97,
                      "box": [10, 30 * i, 600, 30 * i + 24], "words": words})
    return {"source": "ocr", "text": "\n".join(l["text"] for l in lines), "confidence": 0.97, "lines": lines,
            "timings": {"total": 0.9, "detect": 0.1, "recognize": 0.7}}


def _backend_cpu(database) -> float:
    from sqlalchemy import text

    with database.session() as s:
        pids = list(s.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=150)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true", help="CPU-time cProfile of the loop (inflates Python's share)")
    args = parser.parse_args(argv)

    import tempfile

    from bench.worker_share import count_sql
    from db.finalize import finalize_jobs
    from db.jobs import NewDocument, NewJob, create_jobs
    from db.migrate import upgrade
    from db.models import new_id
    from db.pages import claim_page, store_page_result
    from db.session import Database
    from db.tenants import ensure_tenant
    from tests.db_steps import split_document
    from tests.service_stack import create_postgres_database, drop_postgres_database

    name = f"dp_pagesql_{uuid.uuid4().hex[:8]}"
    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite:///{tmp.name}/p.db" if args.sqlite else create_postgres_database(name)
    database = Database(url)
    try:
        upgrade(database)
        with database.session() as s:
            tenant = ensure_tenant(s, "acme").id
        pages = []
        for k in range(args.jobs):
            doc = NewDocument(id=new_id(), filename=f"f{k}.pdf", sha256=hashlib.sha256(str(k).encode()).hexdigest(),
                              size=10, kind="pdf", page_count=args.pages, pages_selected=args.pages, blob_key=new_id())
            spec = NewJob(mode="auto", pages_spec=None, priority="bulk", dpi=150, external_ref=None,
                          callback_url=None, idempotency_key=None, documents=[doc])
            with database.session() as s:
                create_jobs(s, tenant, [spec])
            with database.session() as s:
                pages += split_document(s, doc.id, list(range(1, args.pages + 1)))
        results = [_result(k) for k in range(len(pages))]
        sql = count_sql(database.engine)
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time) if args.profile else None
        server0, cpu0 = (0.0 if args.sqlite else _backend_cpu(database)), time.process_time()
        if profile:
            profile.enable()
        for page_id, result in zip(pages, results):
            with database.session() as s:
                claim = claim_page(s, page_id, worker="bench:1", lease_seconds=60, max_attempts=3)
            with database.session() as s:
                assert store_page_result(s, claim, result)
            with database.session() as s:
                finalize_jobs(s, [claim.job_id], fields_asked=False)
        if profile:
            profile.disable()
        cpu = time.process_time() - cpu0
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(r"/(db|sqlalchemy/orm|sqlalchemy/sql)/", 30)
        server = 0.0 if args.sqlite else _backend_cpu(database) - server0
    finally:
        database.dispose()
        if not args.sqlite:
            drop_postgres_database(name)
        tmp.cleanup()
    n = len(pages)
    print(f"{n} pages ({args.jobs} jobs of {args.pages}), {'SQLite' if args.sqlite else 'PostgreSQL'}: "
          f"this process {1000 * cpu / n:.2f} ms CPU a page, the database's backends {1000 * server / n:.2f} ms; "
          f"{sql['statements'] / n:.2f} statements and {sql['commits'] / n:.2f} commits a page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
