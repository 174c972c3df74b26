"""One 800×600 image through ``POST /v1/ocr``: latency and CPU per request, checkouts side by side.

    .venv/bin/python -m bench.perf_sync_latency [--runs 31] [--before /work/main] [--scan] [--port 5830]

Starts the API as ``make run`` does (gunicorn, one process, 8 threads, the embedded
default on SQLite, one ONNX thread) from this checkout and, with ``--before DIR``,
a second one from another checkout of docpipe at the same time, warms each with one
request, then sends the same image ``--runs`` times to each, one request at a time,
alternating. Per API: median and p90 of the client's latency (wall, send to answer),
of the route's own ``processing_time_ms``, and of the gunicorn worker's CPU seconds
per request (from /proc; nothing else calls it meanwhile). The bar (issue 17) is a
median of 150 ms on one thread. Wall figures on a shared machine are noisy: the CPU
column and the ratio between the checkouts are what to compare.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from run_local import commands
from tests.factories import EN_TEXT, degrade, encode_png, render_text_image
from tests.service_stack import ROOT, ServiceStack, _wait, free_port, port_open

OUT = Path(__file__).resolve().parent / "out"
_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of gunicorn's master and its worker."""
    kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0.0
    for p in [pid, *map(int, kids)]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def image(scan: bool) -> bytes:
    # The case the issue names: a few lines of text on an 800×600 image (as bench.ocr_accuracy's latency check).
    img = render_text_image(EN_TEXT[:4], width=800, height=600, margin=40, size_px=26)
    return encode_png(degrade(img, angle=0.4, noise=3, seed=3) if scan else img)


class Api:
    def __init__(self, name: str, root: Path, stack: ServiceStack, port: int | None = None):
        self.name, self.root = name, root
        port = port or free_port()
        from dataclasses import replace

        cmd = commands(replace(stack.settings, api_port=port))["api"]
        env = stack._proc_env()
        env["PYTHONPATH"] = str(root)
        self.log = open(stack.workdir / f"api-{name}.log", "ab")
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        stack.procs[f"api-{name}"] = self.proc
        _wait(lambda: port_open(port), 90, f"the API from {root} did not start")
        self.url = f"http://127.0.0.1:{port}/v1/ocr"
        self.rows: list[dict] = []

    def call(self, png: bytes) -> dict:
        cpu0, t0 = _cpu(self.proc.pid), time.perf_counter()
        r = requests.post(self.url, files={"file": ("page.png", png)}, timeout=300)
        wall = time.perf_counter() - t0
        cpu = _cpu(self.proc.pid) - cpu0
        r.raise_for_status()
        body = r.json()
        return {"wall_s": wall, "cpu_s": cpu, "route_ms": body["processing_time_ms"], "text": body["text"]}


def _stats(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--before", type=Path, default=None, help="another docpipe checkout to run beside this one")
    parser.add_argument("--scan", action="store_true", help="degrade the image (tilt, noise) like a scan")
    parser.add_argument("--port", type=int, default=None,
                        help="the APIs listen on this port and the next (default: free ports the system picks)")
    args = parser.parse_args(argv)
    png = image(args.scan)
    roots = ([("before", args.before.resolve())] if args.before else []) + [("this", ROOT)]
    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(Path(tmp), backend="sqlite_sqla",
                                                                  DOCPIPE_OCR_THREADS=1) as stack:
        apis = [Api(name, root, stack, args.port and args.port + k) for k, (name, root) in enumerate(roots)]
        for api in apis:
            api.call(png)  # builds the API's engine: not counted
        for k in range(args.runs):
            for api in apis[k % len(apis):] + apis[: k % len(apis)]:
                api.rows.append(api.call(png))
    summary = {}
    print(f"800×600 PNG ({len(png)} bytes{', scan-like' if args.scan else ''}), {args.runs} requests each, "
          f"one at a time; load average {os.getloadavg()[0]:.1f}")
    # /proc counts CPU in 10-ms ticks: the mean of many requests resolves what the median cannot.
    print("| API | median ms | p90 ms | route median ms | CPU median ms | CPU p90 ms | CPU mean ms | same text |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for api in apis:
        wall, cpu, route = ([r[k] for r in api.rows] for k in ("wall_s", "cpu_s", "route_ms"))
        same = sum(r["text"] == apis[0].rows[i]["text"] for i, r in enumerate(api.rows))
        summary[api.name] = {"root": str(api.root), "median_ms": 1000 * _stats(wall)[0], "p90_ms": 1000 * _stats(wall)[1],
                             "route_median_ms": _stats(route)[0], "cpu_median_ms": 1000 * _stats(cpu)[0],
                             "cpu_p90_ms": 1000 * _stats(cpu)[1], "cpu_mean_ms": 1000 * statistics.mean(cpu),
                             "same_text": same, "runs": len(wall)}
        s = summary[api.name]
        print(f"| {api.name} ({api.root}) | {s['median_ms']:.0f} | {s['p90_ms']:.0f} | {s['route_median_ms']:.0f} | "
              f"{s['cpu_median_ms']:.0f} | {s['cpu_p90_ms']:.0f} | {s['cpu_mean_ms']:.1f} | {same}/{len(wall)} |")
    OUT.mkdir(exist_ok=True)
    (OUT / "perf_sync_latency.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
