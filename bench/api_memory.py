"""Peak RSS of the API process for big base64 JSON bodies (issue 15: each API process under 600 MB).

    .venv/bin/python -m bench.api_memory [--route /ocr/predict] [--concurrent 6] [--mb 120]

Starts the API under gunicorn as ``make run`` does (one process, 8 threads) on a throwaway SQLite
stack, sends one body of ``--mb`` MB and then ``--concurrent`` of them at once, and prints the worker
process's peak RSS (VmHWM from /proc) after each. The body is a real PNG with noise appended up to the
size (the decoder reads the image and ignores the rest), so the whole path runs: read, parse, decode,
check, OCR.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import run_local
from tests.factories import EN_TEXT, encode_png, render_text_image
from tests.service_stack import ServiceStack, _wait, free_port, port_open


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def _body(route: str, mb: int) -> bytes:
    png = encode_png(render_text_image(EN_TEXT[:1], size_px=24, width=500))
    raw = png + os.urandom(mb * 1024 * 1024 * 3 // 4 - len(png))
    b64 = base64.b64encode(raw).decode()
    payload = {"image": b64} if route == "/ocr/predict" else (
        {"content_base64": b64} if route == "/v1/ocr" else {"files": [{"filename": "a.png", "content_base64": b64}]})
    return json.dumps(payload).encode()


def _post(address, route: str, body: bytes, out: list) -> None:
    conn = http.client.HTTPConnection(*address, timeout=600)
    conn.request("POST", route, body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    out.append((r.status, r.read()[:200]))
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--route", default="/ocr/predict")
    ap.add_argument("--concurrent", type=int, default=6)
    ap.add_argument("--mb", type=int, default=120)
    args = ap.parse_args()
    with ServiceStack.start(Path(tempfile.mkdtemp()), backend="sqlite_sqla", DOCPIPE_LOG_LEVEL="warning") as stack:
        port = free_port()
        command = run_local.commands(stack.settings)["api"]
        command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
        master = stack._spawn("api", command).pid
        _wait(lambda: port_open(port), 60, "the API did not start")
        worker = _children(master)[0]
        address = ("127.0.0.1", port)
        body = _body(args.route, args.mb)
        print(f"body {len(body) / 2**20:.0f} MiB to {args.route}; idle worker peak {_peak_mb(worker):.0f} MB")
        for n in (1, args.concurrent):
            out: list = []
            threads = [threading.Thread(target=_post, args=(address, args.route, body, out)) for _ in range(n)]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            statuses = sorted({s for s, _ in out})
            print(f"{n} at once: statuses {statuses}, {time.monotonic() - started:.1f} s, "
                  f"worker peak RSS {_peak_mb(worker):.0f} MB  ({out[0][1][:80]!r})")


if __name__ == "__main__":
    main()
