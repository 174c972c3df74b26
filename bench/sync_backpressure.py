"""POST /v1/ocr under 32 concurrent clients: latency with and without the engine gate.

    .venv/bin/python -m bench.sync_backpressure [--clients 32] [--rounds 3]

Starts the API as ``make run`` does (gunicorn, one process, 8 threads) on the embedded
default, warms its engine with one request, then ``--rounds`` times sends ``--clients``
single-image requests at once and waits for every answer. Two runs:

- ``unbounded``: DOCPIPE_SYNC_MAX_WAITING and DOCPIPE_SYNC_MAX_WAIT set so high that every
  request waits its turn, which is what the route did before the gate (one lock, no bound);
- ``gated``: the defaults (wait at most DOCPIPE_SYNC_MAX_WAIT, at most DOCPIPE_SYNC_MAX_WAITING waiting).

Prints per run: answers by status, p50/p99 latency of all answers and of the 200s, and the
API process's CPU seconds. Wall latencies on a shared machine are noisy: compare the runs.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from run_local import commands
from tests.factories import EN_TEXT, degrade, encode_png, render_text_image
from tests.service_stack import ServiceStack, _wait, free_port, port_open

OUT = Path(__file__).resolve().parent / "out"


def _cpu_seconds(pid: int) -> float:
    """CPU seconds of gunicorn's master and its workers (utime + stime of each)."""
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0.0
    for p in [pid, *map(int, children)]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run(name: str, env: dict, png: bytes, clients: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(Path(tmp), backend="sqlite_sqla", **env) as stack:
        port = free_port()
        proc = stack._spawn("api", commands(_with_port(stack, port))["api"])
        _wait(lambda: port_open(port), 60, "the API did not start")
        url = f"http://127.0.0.1:{port}/v1/ocr"
        assert requests.post(url, files={"file": ("w.png", png)}, timeout=300).status_code == 200  # warm-up
        cpu0 = _cpu_seconds(proc.pid)

        def one(_):
            t = time.perf_counter()
            r = requests.post(url, files={"file": ("x.png", png)}, timeout=600)
            return r.status_code, time.perf_counter() - t

        started, answers = time.perf_counter(), []
        with ThreadPoolExecutor(clients) as pool:
            for _ in range(rounds):
                answers += list(pool.map(one, range(clients)))
        wall = time.perf_counter() - started
        cpu = _cpu_seconds(proc.pid) - cpu0
    ok = [s for code, s in answers if code == 200]
    every = [s for _, s in answers]
    return {
        "run": name, "requests": len(answers),
        "status": {str(c): sum(1 for code, _ in answers if code == c) for c in sorted({c for c, _ in answers})},
        "p50_s": _pct(every, 0.5), "p99_s": _pct(every, 0.99),
        "p50_ok_s": _pct(ok, 0.5), "p99_ok_s": _pct(ok, 0.99),
        "api_cpu_s": cpu, "wall_s": wall, "load_avg": os.getloadavg()[0],
    }


def _with_port(stack, port: int):
    from dataclasses import replace

    return replace(stack.settings, api_port=port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="bursts of --clients requests at once")
    args = parser.parse_args()
    img = degrade(render_text_image(EN_TEXT[:4], size_px=28, width=900), angle=0.4, noise=3, seed=3)
    png = encode_png(img)
    runs = [
        run("unbounded", {"DOCPIPE_SYNC_MAX_WAITING": 10_000, "DOCPIPE_SYNC_MAX_WAIT": 10_000}, png,
            args.clients, args.rounds),
        run("gated", {}, png, args.clients, args.rounds),
    ]
    OUT.mkdir(exist_ok=True)
    (OUT / "sync_backpressure.json").write_text(json.dumps(runs, indent=2))
    print("| run | requests | answers | p50 s | p99 s | p50 s (200) | p99 s (200) | API CPU s | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in runs:
        status = ", ".join(f"{n}×{c}" for c, n in r["status"].items())
        print(f"| {r['run']} | {r['requests']} | {status} | {r['p50_s']:.2f} | {r['p99_s']:.2f} | "
              f"{r['p50_ok_s']:.2f} | {r['p99_ok_s']:.2f} | {r['api_cpu_s']:.1f} | {r['load_avg']:.1f} |")


if __name__ == "__main__":
    main()
