"""Where a ``POST /v1/ocr`` request's CPU goes: the engine's call against the whole request, in one process.

    .venv/bin/python -m bench.service_sync_split [--runs 40] [--scan] [--profile]

Builds the API's Flask app in this process (the embedded SQLite stack, one ONNX thread) and sends the bench's
800×600 PNG (``bench.perf_sync_latency.image``) through its test client, alternating with the same image through
``open_document`` + ``Engine.process_page`` of the app's own engine, the pipeline alone. CPU per call is
``time.process_time`` (this process runs nothing else meanwhile), so no 10-ms /proc ticks: the difference of the
two medians is what the API adds around the engine (auth, multipart parsing, the gate, the answer's JSON).
Gunicorn's own work (HTTP parsing, its threads) is not in it; ``bench.perf_sync_latency`` measures that whole.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from bench.perf_sync_latency import image
from tests.service_stack import ServiceStack


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--scan", action="store_true")
    parser.add_argument("--profile", action="store_true", help="CPU-time cProfile of the requests, outside the engine")
    args = parser.parse_args(argv)

    from api.services import services
    from pipeline import Limits, Options, open_document

    png = image(args.scan)
    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(Path(tmp), backend="sqlite_sqla",
                                                                  DOCPIPE_OCR_THREADS=1) as stack:
        app = stack.app()
        client = app.test_client()
        with app.app_context():
            svc = services()
            engine, settings = svc.engine(), svc.settings
        limits = Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels)

        def alone():
            with open_document(png, limits) as doc:
                return engine.process_page(doc, 1, Options(mode="auto", dpi=settings.dpi)).text

        def request():
            r = client.post("/v1/ocr", data={"file": (io.BytesIO(png), "page.png")}, content_type="multipart/form-data")
            assert r.status_code == 200, r.get_data(as_text=True)[:300]
            return r.get_json()["text"]

        same = alone() == request()  # warm-up (the engine is built by now), not counted
        profile = cProfile.Profile(time.process_time) if args.profile else None
        cpu = {"pipeline alone": [], "POST /v1/ocr": []}
        for k in range(args.runs):
            for name, call in (("pipeline alone", alone), ("POST /v1/ocr", request))[:: 1 if k % 2 else -1]:
                c = time.process_time()
                if profile and name == "POST /v1/ocr":
                    profile.enable()
                call()
                if profile and name == "POST /v1/ocr":
                    profile.disable()
                cpu[name].append(time.process_time() - c)
    print(f"800×600 PNG ({len(png)} bytes), {args.runs} calls each, alternating, one process; same text: {same}")
    print("| call | CPU median ms | CPU mean ms | CPU min ms |")
    print("| --- | --- | --- | --- |")
    for name, values in cpu.items():
        print(f"| {name} | {1000 * statistics.median(values):.1f} | {1000 * statistics.mean(values):.1f} | "
              f"{1000 * min(values):.1f} |")
    diff = [r - a for a, r in zip(cpu["pipeline alone"], cpu["POST /v1/ocr"])]
    print(f"the API around the engine: median of pairwise differences {1000 * statistics.median(diff):.1f} ms, "
          f"difference of means {1000 * (statistics.mean(cpu['POST /v1/ocr']) - statistics.mean(cpu['pipeline alone'])):.1f} ms")
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
