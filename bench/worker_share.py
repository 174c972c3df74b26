"""The pool process's own work per page, apart from the pipeline: where a worker's CPU goes.

    .venv/bin/python -m bench.worker_share [--files 20] [--scanned-share 1.0] [--profile] [--top 25]

Writes the bulk bench's archive (``bench.bulk_throughput.write_archive``),
submits every file through the API's own app in this process (PostgreSQL and
Redis, as the bulk bench), then does here, one after the other, what a pool
process does for them: ``JobRunner.split_many`` in groups of 4 documents,
publishing each page task to the broker, and ``JobRunner.run_page`` for every
page (claim, read the file, open it, the pipeline, the result's dict, store,
finalize). Celery's own hand-off is not in it. Prints CPU seconds
(``time.process_time``) inside ``Engine.process_page`` and outside it, per
page, and the functions outside the pipeline that cost most (cProfile).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

from bench.bulk_throughput import DPI, write_archive
from tests.service_stack import ServiceStack


def count_sql(engine) -> dict:
    """Counts the statements (by their first words) and commits that ``engine`` sends from now on."""
    from sqlalchemy import event

    counts = {"statements": 0, "commits": 0, "by_kind": {}}

    def executed(conn, cursor, statement, parameters, context, executemany):
        counts["statements"] += 1
        kind = " ".join(statement.split()[:4])[:70]
        counts["by_kind"][kind] = counts["by_kind"].get(kind, 0) + 1

    def committed(conn):
        counts["commits"] += 1

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--scanned-share", type=float, default=1.0)
    parser.add_argument("--profile", action="store_true", help="under cProfile (which inflates Python's share)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)

    from db.models import Document
    from sqlalchemy import select
    from workers.celery_app import create_celery
    from workers.job_runner import JobRunner
    from workers.queues import Enqueuer

    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(Path(tmp) / "stack", DOCPIPE_DPI=DPI) as stack:
        root = Path(tmp) / "archive"
        counts = write_archive(root, args.files, args.scanned_share)
        client = stack.app().test_client()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            with path.open("rb") as f:
                r = client.post("/v1/jobs", data={"file": (f, path.name), "formats": "txt"},
                                content_type="multipart/form-data")
            assert r.status_code in (200, 201, 202), r.get_data(as_text=True)
        with stack.database().session() as s:
            documents = list(s.scalars(select(Document.id).order_by(Document.id)))
        runner = JobRunner(stack.settings)
        sql = count_sql(runner.database.engine)
        enqueuer = Enqueuer(create_celery(stack.settings), stack.settings)
        engine = runner.engine
        process_page, inside = engine.process_page, [0.0]

        def timed(*a, **k):  # the pipeline's own CPU, to take out of the worker's
            c = time.process_time()
            try:
                return process_page(*a, **k)
            finally:
                inside[0] += time.process_time() - c
        engine.process_page = timed
        profile = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall: the machine is shared
        cpu0 = time.process_time()
        if profile:
            profile.enable()
        pages = []
        for k in range(0, len(documents), 4):
            group = runner.split_many(documents[k: k + 4], worker="bench:1")
            for outcome in group.pages:
                for page_id in outcome.page_ids:
                    enqueuer.ocr_page(page_id, outcome.priority)
                    pages.append(page_id)
                runner.mark_enqueued(page_ids=outcome.page_ids)
        for page_id in pages:
            runner.run_page(page_id, worker="bench:1")
        if profile:
            profile.disable()
        total = time.process_time() - cpu0
    n = len(pages)
    outside = total - inside[0]
    print(f"SQL in the worker: {sql['statements'] / max(1, n):.1f} statements and {sql['commits'] / max(1, n):.1f} "
          f"commits a page ({sql['statements']} and {sql['commits']} for {n} pages; pre-ping statements included)")
    for text, k in sorted(sql["by_kind"].items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {k / max(1, n):5.2f}/page  {text}")
    print(f"{counts['files']} files, {n} pages OCRed ({counts['scanned_pages']} scanned); one process"
          + (", cProfile on" if profile else ""))
    print(f"CPU: all {total:.2f} s, in Engine.process_page {inside[0]:.2f} s, outside {outside:.2f} s "
          f"({1000 * outside / max(1, n):.1f} ms a page, {100 * outside / inside[0]:.1f} % of the pipeline's)")
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
