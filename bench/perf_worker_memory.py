"""A worker's peak memory over a long scanned job, and what loading the models costs at start.

    .venv/bin/python -m bench.perf_worker_memory --corpus /work/realcorpus [--pages 200] [--loads 5] [--before DIR]

1. Model load: ``--loads`` fresh processes each time ``import pipeline`` and
   ``Engine(EngineConfig(threads=1))`` (both models and the charset), wall and CPU
   seconds, and their RSS after loading. The bar (issue 17) is 1 s.
2. Peak RSS: a PDF of ``--pages`` image-only pages made from the corpus's scan
   images (cycled, JPEG at 200 DPI) is submitted as one job to the embedded stack
   ``make run`` starts (SQLite, Kombu's SQLAlchemy broker, a celery worker with its
   default 2 pool processes, one ONNX thread each). While it runs, every worker
   process's RSS is sampled from /proc; at the end each pool process's high-water
   mark (``VmHWM``) is read. The bar is 500 MB per worker process. With ``--before DIR``
   the same job runs first on a worker started from that checkout of docpipe.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import pymupdf
import requests

from bench.real_accuracy import load_corpus
from tests.service_stack import ROOT, ServiceStack
from workers.queues import ocr_queue_list

OUT = Path(__file__).resolve().parent / "out"

_LOAD = """
import json, resource, time
t0, c0 = time.perf_counter(), time.process_time()
import pipeline
t1, c1 = time.perf_counter(), time.process_time()
engine = pipeline.Engine(pipeline.EngineConfig(threads=1))
t2, c2 = time.perf_counter(), time.process_time()
rss = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS")][0]
print(json.dumps({"import_wall_s": t1 - t0, "import_cpu_s": c1 - c0, "engine_wall_s": t2 - t1,
                  "engine_cpu_s": c2 - c1, "rss_mb": rss}))
"""


def model_loads(n: int) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [json.loads(subprocess.run([sys.executable, "-c", _LOAD], cwd=ROOT, env=env, check=True,
                                      capture_output=True, text=True).stdout) for _ in range(n)]


def scanned_pdf(corpus: Path, pages: int) -> bytes:
    images = [corpus / p["images"]["scan"] for p in load_corpus(corpus)]
    doc = pymupdf.open()
    for k in range(pages):
        img = cv2.imread(str(images[k % len(images)]), cv2.IMREAD_GRAYSCALE)
        h, w = img.shape
        page = doc.new_page(width=w * 72 / 200, height=h * 72 / 200)
        page.insert_image(page.rect, stream=cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _status(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


class RssSampler(threading.Thread):
    """Samples the RSS of a worker's parent and its pool processes until stopped."""

    def __init__(self, parent: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.parent, self.interval = parent, interval
        self.peak: dict[int, float] = {}
        self.hwm: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for pid in [self.parent, *_children(self.parent)]:
                rss, hwm = _status(pid, "VmRSS"), _status(pid, "VmHWM")
                if rss is not None:
                    self.peak[pid] = max(self.peak.get(pid, 0.0), rss)
                if hwm is not None:
                    self.hwm[pid] = hwm
            self.stopping.wait(self.interval)


def job_peak(root: Path, pdf: bytes) -> dict:
    """The job through the embedded stack, its worker started from the checkout ``root``."""
    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(Path(tmp), backend="sqlite_sqla") as stack:
        base = stack.start_api()
        s = stack.settings
        queues = ocr_queue_list(s)
        env = {**stack._proc_env(), "PYTHONPATH": str(root)}
        log = open(Path(tmp) / "worker.log", "ab")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool=prefork",
             f"--concurrency={s.worker_concurrency}", f"--queues={queues}", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle"],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        stack.procs["worker"] = worker
        stack.wait_for_workers(1)
        sampler = RssSampler(worker.pid)
        sampler.start()
        t0 = time.perf_counter()
        r = requests.post(f"{base}/v1/jobs", files={"file": ("scans.pdf", pdf)}, data={"mode": "ocr"}, timeout=300)
        r.raise_for_status()
        job = r.json()["id"]
        while (view := requests.get(f"{base}/v1/jobs/{job}", timeout=30).json())["status"] in ("queued", "running"):
            time.sleep(1)
        wall = time.perf_counter() - t0
        time.sleep(1)
        sampler.stopping.set()
        sampler.join()
    return {"root": str(root), "status": view["status"], "progress": view["progress"], "wall_s": wall,
            "parent_hwm_mb": sampler.hwm.get(worker.pid),
            "pool_hwm_mb": {pid: mb for pid, mb in sampler.hwm.items() if pid != worker.pid},
            "sampled_peak_mb": sampler.peak}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--before", type=Path, default=None, help="another docpipe checkout whose worker runs the job first")
    args = parser.parse_args(argv)

    loads = model_loads(args.loads)
    print(f"model load, {len(loads)} fresh processes (median; max):")
    for key in ("import_wall_s", "import_cpu_s", "engine_wall_s", "engine_cpu_s", "rss_mb"):
        values = [r[key] for r in loads]
        print(f"  {key:15s} {statistics.median(values):8.3f}  {max(values):8.3f}")

    pdf = scanned_pdf(args.corpus, args.pages)
    print(f"{args.pages}-page scanned PDF: {len(pdf) / 1e6:.1f} MB", flush=True)
    roots = ([("before", args.before.resolve())] if args.before else []) + [("this", ROOT)]
    runs = {}
    for name, root in roots:
        runs[name] = run = job_peak(root, pdf)
        print(f"{name} ({root}): job {run['status']}, {run['progress']}, {run['wall_s']:.0f} s wall; worker parent "
              f"peak RSS (VmHWM) {run['parent_hwm_mb']:.0f} MB; pool processes: "
              + ", ".join(f"{mb:.0f} MB" for mb in run["pool_hwm_mb"].values()) + " (bar: 500 MB)", flush=True)
    result = {"loads": loads, "pages": args.pages, "runs": runs, "load_average": os.getloadavg()}
    OUT.mkdir(exist_ok=True)
    (OUT / "perf_worker_memory.json").write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
