"""What extract=invoice adds to a document in the service, in CPU seconds.

    .venv/bin/python -m bench.invoice_service [--invoices 10] [--backend sqlite_sqla|postgres_redis]

Generated invoices (tests/invoice_factories.py: en, de, fr, nl and the Chinese VAT form) go through
the real service (API in this process, a ``celery worker`` with one pool process, one ONNX thread)
twice: as born-digital PDFs (text layer) and as 200-DPI scans (PNG, OCRed), each file its own job with
``extract=invoice``. Per document it reports the worker's own record of the extraction (``cpu_seconds``:
reading the stored pages, extracting, checks; CPU of the pool process) beside the CPU the pool process
spent on the whole job (from /proc: OCR, claims, stores, extraction), and the key fields read right
through the service. Writes ``bench/out/invoice_service.json``. The machine is shared: quote ratios.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pymupdf
from sqlalchemy import select

from db.models import Document
from tests.factories import encode_png
from tests.invoice_factories import cn_spec, make_chinese_vat, make_western, western_spec
from tests.service_stack import BACKENDS, ServiceStack

OUT = Path(__file__).resolve().parent / "out"
KEY = ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id")
LAYOUTS = ("en", "de", "fr", "nl", "zh")


def corpus(n: int) -> list[tuple[str, bytes, dict]]:
    out = []
    for i in range(n):
        lang = LAYOUTS[i % len(LAYOUTS)]
        pdf, truth = make_chinese_vat(cn_spec(100 + i)) if lang == "zh" else make_western(western_spec(100 + i, lang), lang)
        out.append((f"{lang}-{i}", pdf, truth))
    return out


def scan(pdf: bytes) -> bytes:
    page = pymupdf.open(stream=pdf)[0]
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    return encode_png(np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w))


def _cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (/proc/PID/stat fields 14 and 15)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _run_one(client, stack, pids: list[int], name: str, data: bytes) -> tuple[str, float]:
    before = _cpu(pids)
    body = {"files": [{"filename": name, "content_base64": base64.b64encode(data).decode()}], "extract": "invoice"}
    job_id = client.post("/v1/jobs", json=body).get_json()["id"]
    deadline = time.monotonic() + 300
    while client.get(f"/v1/jobs/{job_id}").get_json()["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job_id} did not end")
        time.sleep(0.05)
    return job_id, _cpu(pids) - before


def run(n: int, backend: str) -> dict:
    docs = corpus(n)
    report: dict = {"invoices": n, "backend": backend, "inputs": {}}
    with tempfile.TemporaryDirectory() as tmp, ServiceStack.start(Path(tmp), backend=backend,
                                                                  DOCPIPE_OCR_THREADS="1") as stack:
        stack.start_worker(concurrency=1)
        client = stack.app().test_client()
        pids = stack.worker_children()
        # Models loaded, not counted; a file outside the corpus, or result reuse would answer that one.
        _run_one(client, stack, pids, "warm.png", scan(make_western(western_spec(99, "en"), "en")[0]))
        for kind in ("text_layer", "scan"):
            rows = []
            for name, pdf, truth in docs:
                data, filename = (pdf, f"{name}.pdf") if kind == "text_layer" else (scan(pdf), f"{name}.png")
                job_id, job_cpu = _run_one(client, stack, pids, filename, data)
                fields = client.get(f"/v1/jobs/{job_id}/fields").get_json()["documents"][0]
                with stack.database().session() as s:
                    stored = s.scalar(select(Document.fields).where(Document.job_id == job_id))
                right = sum((fields["fields"][k] or {}).get("value") == truth[k] for k in KEY)
                rows.append({"name": name, "job_cpu_s": job_cpu, "extract_cpu_s": stored["cpu_seconds"],
                             "key_right": right, "needs_review": fields["needs_review"]})
            extract = statistics.median(r["extract_cpu_s"] for r in rows)
            job = statistics.median(r["job_cpu_s"] for r in rows)
            report["inputs"][kind] = {
                "median_extract_cpu_s": round(extract, 4),
                "median_job_cpu_s": round(job, 4),
                "extract_share_of_job": round(extract / job, 4) if job else None,
                "key_fields_right": f"{sum(r['key_right'] for r in rows)} of {len(KEY) * len(rows)}",
                "documents": rows,
            }
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=10)
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite_sqla")
    args = parser.parse_args(argv)
    report = run(args.invoices, args.backend)
    OUT.mkdir(exist_ok=True)
    (OUT / "invoice_service.json").write_text(json.dumps(report, indent=1))
    for kind, r in report["inputs"].items():
        share = r["extract_share_of_job"]
        print(f"{kind}: extraction {r['median_extract_cpu_s']:.4f} CPU s per document (median), whole job "
              f"{r['median_job_cpu_s']:.4f} CPU s in the worker → {share * 100:.1f} %; key fields {r['key_fields_right']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
