"""Bulk throughput: an archive of generated files through the real stack with the bulk client.

    .venv/bin/python -m bench.bulk_throughput [--files 1000] [--backend postgres_redis|sqlite_sqla]
        [--scanned-share 0.15] [--concurrency N] [--formats txt] [--quick]

1. Writes ``--files`` files (default 1,000, about 3 pages each): most are
   born-digital PDFs of 1–5 pages (a text layer, no OCR needed), the rest
   scanned: image-only PDFs of 1–3 pages and single PNGs. Every file has
   unique text, so neither the client's dedupe nor result reuse shortens
   the run.
2. The baseline: every page through ``Engine.process_page`` in this
   process, one thread, one after the other (engine built and warmed
   first) — the sum of single-page pipeline times. Timed again after the
   bulk run: the machine's speed drifts, and the ratios use the mean.
3. The bulk path: gunicorn API, broker, database, beat and one ``celery
   worker`` with 2 processes (one ONNX thread each, warmed with a small job),
   then ``python -m client bulk`` over the tree, timed from start to exit
   (submit, OCR, download, manifest).

Also runs the same files through two bare pipeline processes (no service),
to tell two-core scaling apart from what the service adds.

The service's CPU share is every role's CPU seconds during the bulk run
beyond the pipeline's own for the same pages (one process, one thread,
``time.process_time``), over the pipeline's (issue 17's goal: ≤ 10 %).

Prints wall time, pages/s, the server's own batch figures, CPU seconds by
role (workers, API, PostgreSQL, Redis, beat, client) and the ratios: wall /
sum of single-page times (2 processes should make it about 0.5), wall /
(sum / 2), the bulk path's cost over perfect 2-way parallelism (goal ≤ 1.10),
and wall / bare two processes. Writes ``bench/out/bulk_throughput.json``;
results are kept in ``bench/BULK_RESULTS.md``. The machine may be shared:
quote the ratios with the load they ran under.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench import cpu_roles
from client.manifest import read_manifest
from pipeline import Engine, EngineConfig, Limits, Options, open_document
from settings import Settings
from tests.factories import EN_TEXT, encode_png, make_pdf, render_text_image
from tests.service_stack import BACKENDS, ROOT, ServiceStack

OUT = Path(__file__).resolve().parent / "out"
DPI = 150
SEED = 6


def _lines(rng: random.Random, file_no: int, page_no: int, n: int) -> list[str]:
    # A unique first line per page: no two files share content.
    return [f"Archive file {file_no} page {page_no} ref {rng.randrange(10**9)}"] + rng.choices(EN_TEXT, k=n)


def _scan(lines: list[str]) -> "object":
    # An A4 page at 150 DPI (1240 x 1754 px), 10.5 pt text; lines past the bottom are cut.
    return render_text_image(lines, size_px=22, width=1240, margin=90, line_gap=1.5, height=1754)


def write_archive(root: Path, files: int, scanned_share: float, page_lines: int = 30) -> dict:
    """Write the tree; returns counts of files and pages by kind.

    ``page_lines`` paragraphs a page: 30 fill an A4 page (about 36 printed
    lines, like a letter or a contract page); 6 gives the sparse pages of
    sparse pages, where per-job costs dominate.
    """
    rng = random.Random(SEED)
    counts = {"born_digital_files": 0, "scanned_files": 0, "born_digital_pages": 0, "scanned_pages": 0}
    for i in range(files):
        folder = root / f"box{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if rng.random() >= scanned_share:
            n = rng.choice((1, 2, 3, 3, 4, 5))
            pages = [{"text": _lines(rng, i, p, page_lines)} for p in range(n)]
            (folder / f"doc_{i:05d}.pdf").write_bytes(make_pdf(pages))
            counts["born_digital_files"] += 1
            counts["born_digital_pages"] += n
        elif rng.random() < 0.5:
            (folder / f"scan_{i:05d}.png").write_bytes(encode_png(_scan(_lines(rng, i, 0, page_lines))))
            counts["scanned_files"] += 1
            counts["scanned_pages"] += 1
        else:
            n = rng.choice((1, 2, 3))
            pages = [{"image": _scan(_lines(rng, i, p, page_lines)), "dpi": DPI} for p in range(n)]
            (folder / f"scan_{i:05d}.pdf").write_bytes(make_pdf(pages))
            counts["scanned_files"] += 1
            counts["scanned_pages"] += n
    counts["files"] = files
    counts["pages"] = counts["born_digital_pages"] + counts["scanned_pages"]
    return counts


def pipeline_sum(root: Path, models_dir: Path, limits: Limits) -> dict:
    """Every page alone through the engine, one thread: the work the bulk path must at least do."""
    engine = Engine(EngineConfig(models_dir=models_dir, threads=1))
    options = Options(mode="auto", dpi=DPI)
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    with open_document(paths[-1].read_bytes(), limits) as doc:
        engine.process_page(doc, 1, options)  # warm-up, not counted
    total, cpu, pages = 0.0, 0.0, 0
    for path in paths:
        data = path.read_bytes()
        with open_document(data, limits) as doc:
            for page_no in doc.select(None):
                t, c = time.perf_counter(), time.process_time()
                engine.process_page(doc, page_no, options)
                total += time.perf_counter() - t
                cpu += time.process_time() - c
                pages += 1
    return {"sum_s": total, "cpu_s": cpu, "pages": pages}


def _bare_worker(files, models_dir: Path, limits: Limits, start_at: float, out) -> None:
    engine = Engine(EngineConfig(models_dir=models_dir, threads=1))
    options = Options(mode="auto", dpi=DPI)
    with open_document(Path(files.get()).read_bytes(), limits) as doc:  # warm-up file, not counted
        engine.process_page(doc, 1, options)
    time.sleep(max(0.0, start_at - time.time()))
    done = 0
    while (path := files.get()) is not None:  # blocking get: get_nowait can see an empty pipe too early
        done += 1
        with open_document(Path(path).read_bytes(), limits) as doc:
            for page_no in doc.select(None):
                engine.process_page(doc, page_no, options)
    out.put((time.time(), done))


def bare_two_processes(root: Path, models_dir: Path, limits: Limits) -> float:
    """Wall time of the same pages through two bare pipeline processes taking files from one queue:
    what two cores give with no service at all (no HTTP, database, broker or client)."""
    ctx = multiprocessing.get_context("spawn")
    files, out = ctx.Queue(), ctx.Queue()
    paths = sorted(str(p) for p in root.rglob("*") if p.is_file())
    for path in [paths[-1], paths[-1]] + paths + [None, None]:  # a warm-up file each, the archive, a stop each
        files.put(path)
    start_at = time.time() + 10  # both processes start together, after building their engines
    procs = [ctx.Process(target=_bare_worker, args=(files, models_dir, limits, start_at, out)) for _ in range(2)]
    for proc in procs:
        proc.start()
    ends = [out.get(timeout=3600) for _ in procs]
    for proc in procs:
        proc.join()
    if min(n for _, n in ends) == 0:
        raise RuntimeError(f"one bare process read no file: {ends}")
    return max(t for t, _ in ends) - start_at


def _wait(base: str, job_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = requests.get(f"{base}/v1/jobs/{job_id}", timeout=30).json()
        if view["status"] not in ("queued", "running"):
            return view
        time.sleep(0.5)
    raise TimeoutError(f"job {job_id} did not finish in {timeout} s")


def bulk_run(root: Path, workdir: Path, backend: str, concurrency: int, formats: str) -> dict:
    with ServiceStack.start(workdir, backend=backend, DOCPIPE_DPI=DPI, DOCPIPE_LOG_LEVEL="warning",
                            DOCPIPE_PAGE_SOFT_TIME_LIMIT=120, DOCPIPE_PAGE_TIME_LIMIT=150,
                            DOCPIPE_LEASE_SECONDS=180, DOCPIPE_BROKER_VISIBILITY_TIMEOUT=600,
                            DOCPIPE_REQUEUE_AFTER=120, DOCPIPE_SWEEP_INTERVAL=60,
                            DOCPIPE_HEARTBEAT_INTERVAL=10, DOCPIPE_WORKER_STALE_AFTER=45) as stack:
        base = stack.start_api()
        stack.start_worker(concurrency=2)
        stack.start_beat()
        # Warm both processes (each builds its own engine on its first page): two scanned pages.
        warm = make_pdf([{"image": _scan(["warm up", EN_TEXT[0]]), "dpi": DPI}] * 2)
        r = requests.post(f"{base}/v1/jobs", files={"file": ("warm.pdf", warm)}, timeout=120)
        r.raise_for_status()
        assert _wait(base, r.json()["id"], 300)["status"] == "succeeded"

        out = workdir / "out"
        cmd = [sys.executable, "-m", "client", "bulk", str(root), str(out), "--url", base, "--formats", formats,
               "--poll", "0.5", "--no-progress"] + (["--concurrency", str(concurrency)] if concurrency else [])
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")}
        env["PYTHONPATH"] = str(ROOT)
        # Only this stack's processes: other sessions on the machine run APIs, workers and queries too.
        mine = cpu_roles.stack_pids(stack)
        recorded_before = recorded_pipeline_cpu(stack)
        cpu_before, client_before = cpu_roles.snapshot(mine), resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = cpu_roles.delta(cpu_before, cpu_roles.snapshot(mine | cpu_roles.stack_pids(stack)))
        cpu["client"] = round(client_after.ru_utime + client_after.ru_stime
                              - client_before.ru_utime - client_before.ru_stime, 2)
        recorded_after = recorded_pipeline_cpu(stack)
        recorded = {"cpu_s": recorded_after["cpu_s"] - recorded_before["cpu_s"],
                    "pages": recorded_after["pages"] - recorded_before["pages"]}
        if proc.returncode != 0:
            raise RuntimeError(f"bulk exited {proc.returncode}: {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
        first_job = next(r["job_id"] for r in read_manifest(out / "manifest.csv") if r["job_id"])
        batch_id = requests.get(f"{base}/v1/jobs/{first_job}", timeout=30).json().get("batch_id")
        batch = requests.get(f"{base}/v1/batches/{batch_id}", timeout=30).json() if batch_id else None
        stages = where_time_went(stack)
    return {"wall_s": wall, "summary": proc.stdout.strip().splitlines()[-1], "batch": batch, "stages": stages,
            "cpu_s": cpu, "recorded_pipeline": recorded}


def recorded_pipeline_cpu(stack) -> dict:
    """The pipeline's CPU seconds as the workers recorded them (``pages.pipeline_cpu_s``), over all pages so far."""
    from sqlalchemy import func, select

    from db.models import Page

    with stack.database().session() as s:
        cpu, pages = s.execute(select(func.coalesce(func.sum(Page.pipeline_cpu_s), 0.0),
                                      func.count(Page.pipeline_cpu_s))).one()
    return {"cpu_s": float(cpu), "pages": int(pages)}


def service_share(cpu_by_role: dict[str, float], pipeline_cpu_s: float) -> dict[str, float]:
    """The service's CPU over the pipeline's, from one run: the stack's CPU less what the workers spent in the pipeline.

    ``workers_api``: pool, worker parent and API only (the service's code); ``stack``: also beat and PostgreSQL;
    ``all``: also the bulk client and Redis (Redis is one server for every session on the machine)."""
    groups = {"workers_api": ("worker pool", "worker", "api"),
              "stack": ("worker pool", "worker", "api", "beat", "postgres"),
              "all": tuple(cpu_by_role)}
    return {name: (sum(cpu_by_role.get(r, 0.0) for r in roles) - pipeline_cpu_s) / pipeline_cpu_s
            for name, roles in groups.items()}


def where_time_went(stack) -> dict:
    """From the database's timestamps: how long work waited and how long the workers held it."""
    from sqlalchemy import func, select

    from db.models import Job, Page, PageResult

    def median(values):
        values = sorted(v for v in values if v is not None)
        return values[len(values) // 2] if values else None

    with stack.database().session() as s:
        pages = s.execute(
            select(Page.enqueued_at, Page.started_at, Page.finished_at, PageResult.result["timings"]["total"].as_float())
            .join(PageResult, PageResult.page_id == Page.id)
        ).all()
        jobs = s.execute(
            select(Job.created_at, func.min(Page.started_at), func.max(Page.finished_at), Job.finished_at)
            .join(Page, Page.job_id == Job.id).group_by(Job.id)
        ).all()
    held = [(f - st).total_seconds() for _, st, f, _ in pages]
    pipeline = [t for *_, t in pages if t is not None]
    return {
        "page_queue_wait_median_s": median((st - e).total_seconds() for e, st, _, _ in pages if e),
        "page_held_by_worker_median_s": median(held),
        "page_pipeline_median_s": median(pipeline),
        "worker_held_sum_s": sum(held),
        "pipeline_in_workers_sum_s": sum(pipeline),
        "job_submit_to_first_page_median_s": median((first - c).total_seconds() for c, first, _, _ in jobs),
        "job_last_page_to_finished_median_s": median((f - last).total_seconds() for _, _, last, f in jobs if f),
        "job_submit_to_finished_median_s": median((f - c).total_seconds() for c, _, _, f in jobs if f),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--scanned-share", type=float, default=0.15)
    parser.add_argument("--page-lines", type=int, default=30,
                        help="paragraphs per page: 30 fill an A4 page; 6 gives sparse pages, where per-job costs dominate")
    parser.add_argument("--backend", choices=BACKENDS, default="postgres_redis")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="jobs the bulk client keeps in flight (default: the bulk command's own default)")
    parser.add_argument("--formats", default="txt")
    parser.add_argument("--in-run-only", action="store_true",
                        help="no pipeline-alone sums and no bare run: the share from the workers' own record of the "
                             "pipeline's CPU in the bulk run (pages.pipeline_cpu_s) only")
    parser.add_argument("--quick", action="store_true",
                        help="no bare two-process run and no second sum: for a loaded machine, where only the "
                             "CPU figures (the service's share) mean much")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        counts = write_archive(root, args.files, args.scanned_share, args.page_lines)
        print(f"{counts['files']} files, {counts['pages']} pages ({counts['born_digital_pages']} born-digital in "
              f"{counts['born_digital_files']} files, {counts['scanned_pages']} scanned in {counts['scanned_files']} "
              f"files), {DPI} DPI, {args.page_lines} paragraphs a page; backend {args.backend}", flush=True)
        nan = float("nan")
        alone = {"sum_s": nan, "cpu_s": nan, "pages": counts["pages"]}
        if not args.in_run_only:
            alone = pipeline_sum(root, settings.models_dir, Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels))
            print(f"sum of single-page pipeline times (1 thread): {alone['sum_s']:8.1f} s over {alone['pages']} pages", flush=True)
        bare = float("nan")
        if not args.quick and not args.in_run_only:
            bare = bare_two_processes(root, settings.models_dir, Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels))
            print(f"two bare pipeline processes (no service):     {bare:8.1f} s wall", flush=True)
        run = bulk_run(root, Path(tmp) / "stack", args.backend, args.concurrency, args.formats)
        # The machine's speed drifts over minutes (bench/BULK_RESULTS.md): the sum again, after the
        # bulk run, shows how far, and the ratio uses the mean of the two.
        again = alone if args.quick or args.in_run_only else pipeline_sum(
            root, settings.models_dir, Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels))
        print(f"sum again, after the bulk run:                 {again['sum_s']:8.1f} s "
              f"({100 * (again['sum_s'] / alone['sum_s'] - 1):+.1f} % drift)", flush=True)
        alone = {"sum_s": (alone["sum_s"] + again["sum_s"]) / 2, "before_s": alone["sum_s"], "after_s": again["sum_s"],
                 "cpu_s": (alone["cpu_s"] + again["cpu_s"]) / 2, "pages": alone["pages"]}
    wall = run["wall_s"]
    pages = counts["pages"]
    results = {
        **counts, "dpi": DPI, "page_lines": args.page_lines, "backend": args.backend, "concurrency": args.concurrency, "formats": args.formats,
        "pipeline_sum_s": alone["sum_s"], "pipeline_sum_before_s": alone["before_s"],
        "pipeline_sum_after_s": alone["after_s"], "bulk_wall_s": wall, "pages_per_s": pages / wall,
        "ratio_wall_to_sum": wall / alone["sum_s"], "ratio_wall_to_ideal_2_processes": wall / (alone["sum_s"] / 2),
        "bare_two_processes_s": bare, "ratio_wall_to_bare_two_processes": wall / bare,
        "bulk_summary": run["summary"], "batch": run["batch"], "load_average": os.getloadavg(),
    }
    print(f"bulk client, 2 worker processes: {wall:8.1f} s wall, {pages / wall:.2f} pages/s  [{run['summary']}]")
    if run["batch"]:
        b = run["batch"]
        print(f"server's batch view: {b['pages']['done']}/{b['pages']['total']} pages, "
              f"{b['pages_per_second']} pages/s over {b['elapsed_seconds']} s, confidence {b['confidence']}")
    for name, value in run["stages"].items():
        print(f"  {name:38s} {value:8.3f}" if value is not None else f"  {name:38s}        -")
    results["stages"] = run["stages"]
    results["cpu_s_by_role"] = run["cpu_s"]
    print("CPU seconds during the bulk run, by role: "
          + ", ".join(f"{role} {sec:.1f}" for role, sec in sorted(run["cpu_s"].items(), key=lambda kv: -kv[1])))
    # The service's share: every CPU second the run's processes used beyond what the pipeline
    # alone needs for the same pages (one thread, one process, mean of before and after).
    all_cpu = sum(run["cpu_s"].values())
    results["pipeline_cpu_s"] = alone["cpu_s"]
    results["service_cpu_share"] = (all_cpu - alone["cpu_s"]) / alone["cpu_s"]
    print(f"CPU: all roles {all_cpu:.1f} s, pipeline alone {alone['cpu_s']:.1f} s; the service's share "
          f"{100 * results['service_cpu_share']:.1f} % of the pipeline's CPU (goal <= 10 %)")
    # The same share from this run alone: what the workers recorded inside the pipeline, page by page.
    recorded = run["recorded_pipeline"]
    results["recorded_pipeline_cpu_s"], results["recorded_pages"] = recorded["cpu_s"], recorded["pages"]
    if recorded["cpu_s"] > 0:
        shares = service_share(run["cpu_s"], recorded["cpu_s"])
        results["service_cpu_share_in_run"] = shares
        print(f"CPU in the run: the pipeline {recorded['cpu_s']:.1f} s over {recorded['pages']} pages "
              f"({1000 * recorded['cpu_s'] / max(1, recorded['pages']):.0f} ms a page, recorded by the workers); "
              f"the service's share in the same run: " + ", ".join(
                  f"{name} {100 * share:.1f} %" for name, share in shares.items()) + " (goal <= 10 %)")
    print(f"sum used below: {alone['sum_s']:.1f} s, the mean of before and after the bulk run")
    print(f"wall / sum of single-page times: {results['ratio_wall_to_sum']:.3f}")
    print(f"wall / (sum / 2 processes):      {results['ratio_wall_to_ideal_2_processes']:.3f}  (goal <= 1.10)")
    print(f"bare 2 processes / (sum / 2):    {bare / (alone['sum_s'] / 2):.3f}  (two processes on two cores, no service)")
    print(f"wall / bare 2 processes:         {results['ratio_wall_to_bare_two_processes']:.3f}  (what the service adds)")
    OUT.mkdir(exist_ok=True)
    (OUT / "bulk_throughput.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
