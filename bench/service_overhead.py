"""The service's overhead: N pages through API + queue + database + worker vs the pipeline alone.

    .venv/bin/python -m bench.service_overhead [--pages 100] [--backend postgres_redis|sqlite_sqla]

1. The pipeline alone, in this process, one thread: every page through
   ``Engine.process_page`` (engine built and warmed first).
2. The same pages as one PDF through the real service: gunicorn API (HTTP),
   the broker, the database, a ``celery worker`` with 1 process (one ONNX
   thread), then again with 2 processes. Each worker is warmed with a
   one-page job first, so model loading is not counted.

Prints wall times, the ratio service(1 process) / pipeline alone (goal
≤ 1.05), throughput in pages/s for 1 and 2 worker processes, and writes
``bench/out/service_overhead.json``. Needs PostgreSQL and Redis for the
default backend (``make services``). The machine is shared: quote ratios.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import requests

from pipeline import Engine, EngineConfig, Limits, Options, open_document
from settings import Settings
from tests.factories import EN_TEXT, degrade, make_pdf, render_text_image
from tests.service_stack import BACKENDS, ServiceStack

OUT = Path(__file__).resolve().parent / "out"
DPI = 150


def corpus_pdf(pages: int) -> bytes:
    """Scan-like pages (images only, so every page is OCRed), half a page of text each."""
    images = []
    for i in range(min(pages, 10)):
        lines = [EN_TEXT[(i + k) % len(EN_TEXT)] for k in range(10)]
        img = render_text_image(lines, size_px=30, width=1654)
        images.append(degrade(img, angle=0.3 * (i % 3), noise=3, blur=0.4, seed=i))
    return make_pdf([{"image": images[i % len(images)], "dpi": 200} for i in range(pages)])


def pipeline_alone(pdf: bytes, models_dir: Path) -> dict:
    engine = Engine(EngineConfig(models_dir=models_dir, threads=1))
    options = Options(mode="ocr", dpi=DPI)
    with open_document(pdf, Limits()) as doc:
        engine.process_page(doc, 1, options)  # warm-up, not timed
        started = time.perf_counter()
        per_page = []
        for page_no in range(1, doc.page_count + 1):
            t = time.perf_counter()
            engine.process_page(doc, page_no, options)
            per_page.append(time.perf_counter() - t)
        wall = time.perf_counter() - started
    return {"wall_s": wall, "median_page_s": statistics.median(per_page), "pages": len(per_page)}


def _wait(base: str, job_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = requests.get(f"{base}/v1/jobs/{job_id}", timeout=30).json()
        if view["status"] not in ("queued", "running"):
            return view
        time.sleep(0.5)  # a client polling harder would take CPU from the worker it measures
    raise TimeoutError(f"job {job_id} did not finish in {timeout} s")


def _submit(base: str, pdf: bytes, name: str) -> str:
    r = requests.post(f"{base}/v1/jobs", files={"file": (name, pdf)}, data={"mode": "ocr"}, timeout=120)
    r.raise_for_status()
    return r.json()["id"]


def through_service(pdf: bytes, warm_pdf: bytes, backend: str, processes: int, workdir: Path) -> dict:
    with ServiceStack.start(workdir, backend=backend, DOCPIPE_DPI=DPI, DOCPIPE_LOG_LEVEL="warning",
                            DOCPIPE_PAGE_SOFT_TIME_LIMIT=120, DOCPIPE_PAGE_TIME_LIMIT=150,
                            DOCPIPE_LEASE_SECONDS=180, DOCPIPE_BROKER_VISIBILITY_TIMEOUT=600,
                            DOCPIPE_REQUEUE_AFTER=120, DOCPIPE_SWEEP_INTERVAL=60,
                            DOCPIPE_HEARTBEAT_INTERVAL=10, DOCPIPE_WORKER_STALE_AFTER=45) as stack:
        base = stack.start_api()
        stack.start_worker(concurrency=processes)
        stack.start_beat()
        # Warm every worker process (each builds its own engine on its first page).
        assert _wait(base, _submit(base, warm_pdf, "warm.pdf"), 300)["status"] == "succeeded"
        started = time.perf_counter()
        job_id = _submit(base, pdf, "bench.pdf")
        view = _wait(base, job_id, 3600)
        wall = time.perf_counter() - started
        assert view["status"] == "succeeded", view
        pages, url = [], f"{base}/v1/jobs/{job_id}/pages?limit=500"
        while url:
            body = requests.get(url, timeout=60).json()
            pages += body["pages"]
            url = body["next"] and base + body["next"]
        in_worker = sum(p["timings"].get("total", 0.0) for p in pages)
    n = len(pages)
    return {"wall_s": wall, "pages": n, "pages_per_s": n / wall, "pipeline_s_in_workers": in_worker}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--backend", choices=BACKENDS, default="postgres_redis")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    pdf = corpus_pdf(args.pages)
    warm = corpus_pdf(4)
    print(f"{args.pages} pages, {DPI} DPI, OCR on every page; backend {args.backend}", flush=True)
    alone = pipeline_alone(pdf, settings.models_dir)
    print(f"pipeline alone (1 thread):      {alone['wall_s']:7.1f} s  ({alone['median_page_s']:.2f} s/page median)", flush=True)
    results = {"pages": args.pages, "dpi": DPI, "backend": args.backend, "pipeline_alone": alone}
    with tempfile.TemporaryDirectory() as tmp:
        for processes in (1, 2):
            r = through_service(pdf, warm, args.backend, processes, Path(tmp) / f"p{processes}")
            results[f"service_{processes}_process"] = r
            print(f"service, {processes} worker process(es): {r['wall_s']:7.1f} s  "
                  f"({r['pages_per_s']:.2f} pages/s; pipeline time inside workers {r['pipeline_s_in_workers']:.1f} s)",
                  flush=True)
    ratio = results["service_1_process"]["wall_s"] / alone["wall_s"]
    speedup = results["service_2_process"]["pages_per_s"] / results["service_1_process"]["pages_per_s"]
    results.update(overhead_ratio=ratio, two_process_speedup=speedup)
    print(f"overhead ratio service(1 process) / pipeline alone: {ratio:.3f}  (goal <= 1.05)")
    print(f"throughput 2 processes / 1 process: {speedup:.2f}x")
    OUT.mkdir(exist_ok=True)
    (OUT / "service_overhead.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
